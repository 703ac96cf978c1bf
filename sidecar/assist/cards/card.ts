import type { CustomerContextRecord, Fact, ObjectionClass } from '../ports.js';

/**
 * The reply card (DESIGN.md "The objects"): the objection class, the playbook move in the call's language,
 * the top verified facts with ids and sources, CRM context and calculator results, a reply text that cites
 * fact ids, a confidence and the stage timestamps.
 *
 * Life: `extractive` (pushed at once, built only from facts) → `drafting` (a language-model draft is
 * streaming; only sentences the grounding guard accepted are shown) → `final`. Without a language model the
 * card goes straight to `final` with the extractive reply. A timeout, a provider failure or a draft that
 * the guard empties leaves the extractive reply standing (`draft.outcome` says why).
 */

/** Card status. */
export type CardStatus = 'extractive' | 'drafting' | 'final';

/** The playbook's reply move for a class in one language (config/playbooks/<lang>.yaml). */
export interface PlaybookMove {
  /** What the agent does, one line. */
  move: string;
  /** A question to ask when no verified fact answers. */
  question: string;
}

/** Looks up the reply move for a class and language; undefined when the playbook has none. */
export type PlaybookMoveLookup = (objectionClass: ObjectionClass, language: string) => PlaybookMove | undefined;

/** A fact shown on the card. */
export interface CardFact {
  id: string;
  text: string;
  /** Source file, relative to the knowledge folder, and the place in it. */
  source: string;
  location: string;
  /** Retrieval score 0–1. */
  score: number;
  /** True for internal sources (battlecards): evidence for the agent, not to be read out verbatim. */
  internal: boolean;
  /** For calculator results: the inputs with value, unit and origin. */
  inputs?: Fact['inputs'];
}

/** CRM context shown on the card (only what helps: company, size, current vendor). */
export interface CardContext {
  company?: string;
  contactName?: string;
  employees?: number;
  industry?: string;
  currentVendor?: string;
  /** Which adapter answered. */
  source: string;
}

/** Stage timestamps (epoch ms); the per-stage latency export reads these. */
export interface CardStages {
  /** The ASR event (interim or final transcript) that led to the detection. */
  asrAtMs: number;
  /** The detector's decision. */
  detectedAtMs: number;
  /** Retrieval finished. */
  retrievedAtMs?: number;
  /** The extractive card was pushed to the agent. */
  cardPushedAtMs?: number;
  /** The language model's first token arrived. */
  firstTokenAtMs?: number;
  /** The draft ended (accepted, rejected, failed or timed out). */
  finalDraftAtMs?: number;
}

/** How the draft ended; `accepted` means the card shows the drafted reply. */
export type DraftOutcome = 'accepted' | 'timeout' | 'provider-error' | 'guard-rejected' | 'cancelled' | 'empty';

/** The state of the language-model draft. */
export interface CardDraft {
  /** Model name (`ollama:llama3.2:3b`). */
  model: string;
  outcome?: DraftOutcome;
  /** Error code when the outcome is a failure (`PROVIDER_CONNECTIVITY`, `LLM_TIMEOUT`). */
  errorCode?: string;
  /** The raw model output (kept for review; never shown to the agent). */
  rawText: string;
  /** The sentences the guard accepted so far, shown while drafting (citations kept). */
  text: string;
}

/** Confidence and its parts, each 0–1. */
export interface CardConfidence {
  value: number;
  detection: number;
  retrieval: number;
  grounding: number;
}

/** A reply card. */
export interface Card {
  /** Card id (= the objection id: one card per objection). */
  id: string;
  callId: string;
  objectionId: string;
  objectionClass: ObjectionClass;
  /** The call's language (ISO 639-1). */
  language: string;
  /** The customer's words that raised the objection. */
  utterance: string;
  status: CardStatus;
  /** The playbook move (and question) in the call's language, when the playbook has one. */
  move?: PlaybookMove;
  /** Top retrieved verified facts (calculator results excluded). */
  facts: CardFact[];
  /** Calculator results computed from the CRM context. */
  calculations: CardFact[];
  context?: CardContext;
  /** The reply: extractive (fact sentences with ids) or the accepted draft. Citations as `[F-123]`. */
  reply: string;
  /** Where `reply` came from. */
  replySource: 'extractive' | 'draft' | 'none';
  /** Fact ids the reply cites. */
  cited: string[];
  /** True when no verified fact supports an answer: the card offers the playbook question instead. */
  noVerifiedAnswer: boolean;
  confidence: CardConfidence;
  /** True when `confidence.value` is below the threshold (0.80): the card is visibly marked. */
  flagged: boolean;
  /** Sentences the grounding guard removed from the draft, with the reason. */
  removed: Array<{ text: string; reason: string }>;
  draft?: CardDraft;
  stages: CardStages;
}

/** Below this confidence a card is marked (the product requirement). */
export const CARD_CONFIDENCE_THRESHOLD = 0.8;

/** Builds the card's CRM context from a record (only the fields an agent needs in the moment). */
export function cardContext(record: CustomerContextRecord | undefined): CardContext | undefined {
  if (!record) return undefined;
  const out: CardContext = { source: record.source };
  if (record.company) out.company = record.company;
  if (record.contactName) out.contactName = record.contactName;
  if (record.employees !== undefined) out.employees = record.employees;
  if (record.industry) out.industry = record.industry;
  if (record.currentVendor) out.currentVendor = record.currentVendor;
  return out;
}

/** A deep copy of a card (events carry snapshots, never the live object). */
export function snapshotCard(card: Card): Card {
  return structuredClone(card);
}
