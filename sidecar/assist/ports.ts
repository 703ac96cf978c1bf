/**
 * The assist layer's ports and domain types: objection classes, facts, retrieval, embeddings, the
 * language model and customer context. Adapters (Ollama, local embedder, hnswlib-node, CSV/HubSpot)
 * implement these interfaces; the detector, retriever and composer depend only on them.
 */

/** Objection classes (see README "Objection classes"); `none` is "not an objection". */
export const OBJECTION_CLASSES = [
  'price',
  'timing',
  'trust',
  'authority',
  'need',
  'competitor',
  'status_quo',
  'compliance',
] as const;
export type ObjectionClass = (typeof OBJECTION_CLASSES)[number];
export type ObjectionLabel = ObjectionClass | 'none';

/** Languages supported from the start (ISO 639-1). */
export const LANGUAGES = ['da', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A verified statement from the knowledge base. */
export interface Fact {
  /** Stable id: the author's tag (`F-012`) or one derived from document + location (`kb:<file>#<slug>`). */
  id: string;
  /** The statement as written in the source (plain text, one to a few sentences). */
  text: string;
  /** Source file, relative to the knowledge folder. */
  source: string;
  /** Location inside the source: heading path, `page 3`, `row 12`. */
  location: string;
  language: Language | string;
  /** Objection classes this fact answers, when tagged. */
  classes: ObjectionClass[];
  /** Free tags: product, industry, competitor names. */
  tags: string[];
  /** Last day the fact is valid (ISO date), when the source says so. */
  validUntil?: string;
  /** False for text marked unverified; such facts are never used as evidence. */
  verified: boolean;
  /** For computed facts (calculators): the inputs used, name → value with unit. */
  inputs?: Record<string, { value: number | string; unit?: string; from: 'crm' | 'default' | 'caller' }>;
  /**
   * True when the source is marked internal (e.g. a battlecard, `audience: internal`): usable as
   * evidence for the agent, not to be quoted or forwarded to the customer verbatim.
   */
  internal?: boolean;
  /** Other places that state the same fact (same explicit id in another document or section). */
  alsoIn?: Array<{ source: string; location: string; text: string; language: Language | string }>;
}

/** A fact with its retrieval score (higher is better; cosine similarity mixed with exact-term matches, 0–1). */
export interface RetrievedFact {
  fact: Fact;
  score: number;
}

/** A retrieval query. */
export interface RetrievalQuery {
  text: string;
  /** Return at most k facts. Default 5. */
  k?: number;
  /** Only facts in this language (or language-neutral ones) when set. */
  language?: string;
  /**
   * The language the query text is in (the utterance's), used for stemming and number words; not a
   * filter. Default: `language`, else guessed from the text.
   */
  textLanguage?: string;
  /** Prefer/filter facts tagged with this objection class. */
  objectionClass?: ObjectionClass;
  /** With `objectionClass`: true keeps only facts tagged with that class; default false (boost only). */
  strictClass?: boolean;
  /** Include facts from internal sources (battlecards). Default true: cards are for the agent. */
  includeInternal?: boolean;
  /** The caller's CRM record: inputs for calculators that the query retrieves. */
  customer?: CustomerContextRecord;
}

/** Finds the verified facts that best answer a query. Implementations never return unverified facts. */
export interface Retriever {
  search(query: RetrievalQuery): Promise<RetrievedFact[]>;
}

/** Turns text into normalised vectors (L2 norm 1). */
export interface Embedder {
  /** Stable name recorded in the index manifest, e.g. `local-hash-v1` or `ollama:nomic-embed-text`. */
  readonly name: string;
  /** Vector dimension. */
  readonly dimension: number;
  /**
   * Embeds texts, one vector per text in order. `languages[i]`, when given, is the known language of
   * `texts[i]` (ISO 639-1); adapters that do not need it ignore it.
   */
  embed(texts: string[], languages?: Array<string | undefined>): Promise<Float32Array[]>;
}

/** A chat message for the language model. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat language model that streams its reply. */
export interface Llm {
  readonly name: string;
  readonly streaming: boolean;
  /**
   * Streams the reply's text deltas. Rejects/throws ProviderError when the service is down, times out
   * or refuses; honours `signal` for cancellation.
   */
  chat(messages: LlmMessage[], options: { signal?: AbortSignal; temperature?: number }): AsyncIterable<string>;
}

/** What the CRM knows about the caller's company, looked up once per call. */
export interface CustomerContextRecord {
  /** Customer's name and company. */
  contactName?: string;
  company?: string;
  /** Number of employees. */
  employees?: number;
  industry?: string;
  /** The vendor or tool they use today. */
  currentVendor?: string;
  /** Other fields (for calculators), name → value. */
  fields: Record<string, string | number>;
  /** Which adapter answered. */
  source: string;
}

/** Looks up the customer by phone number or AoR. Resolves undefined when unknown; throws ProviderError when down. */
export interface CustomerContext {
  readonly name: string;
  lookup(key: { phone?: string; aor?: string }): Promise<CustomerContextRecord | undefined>;
}
