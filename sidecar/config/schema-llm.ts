import { z } from 'zod';

/**
 * Reply cards and the optional language-model draft (sidecar/assist/cards, sidecar/assist/llm). Without
 * `provider: ollama` every card is extractive (verified facts verbatim, with ids).
 */
export const llmSchema = z.object({
  /** `none`: extractive cards only; `ollama`: also stream a drafted reply into each card. */
  provider: z.enum(['none', 'ollama']).default('none'),
  /** The selling company's name: named in the prompt and never treated as a claim by the guard. */
  companyName: z.string().min(1).optional(),
  /** No first token within this many ms ends the draft; the extractive card stands. */
  firstTokenTimeoutMs: z.number().int().min(100).default(3000),
  /** The whole draft must end within this many ms; otherwise the extractive card stands. */
  totalTimeoutMs: z.number().int().min(200).default(10_000),
  /** Sampling temperature for drafts. */
  temperature: z.number().min(0).max(2).default(0.2),
  /** Sentences asked for in a draft. */
  maxSentences: z.number().int().min(1).max(6).default(3),
  ollama: z.object({
    /** Ollama server URL. */
    host: z.string().min(1).default('http://127.0.0.1:11434'),
    /** Chat model (`name:tag`, pulled on the server). */
    model: z.string().min(1).default('llama3.2:3b'),
    /** Maximum tokens per draft (`num_predict`). */
    numPredict: z.number().int().min(16).max(4096).default(200),
    /** How long Ollama keeps the model loaded between drafts (`keep_alive`). */
    keepAlive: z.string().min(1).default('30m'),
  }).strict().prefault({}),
  /** Grounding guard vocabulary (competitor names come from the playbooks). */
  grounding: z.object({
    /** Further names that are claims wherever they appear (third-party products, plan names). */
    names: z.array(z.string().min(1)).default([]),
  }).strict().prefault({}),
  /** Card composition (used with or without a model). */
  cards: z.object({
    /** Facts retrieved per objection. */
    retrieveK: z.number().int().min(1).max(50).default(6),
    /** Facts shown on a card. */
    maxFacts: z.number().int().min(1).max(20).default(5),
    /** Facts quoted in the extractive reply, one claim-carrying sentence each (2 = a two-sentence reply). */
    replyFacts: z.number().int().min(1).max(10).default(2),
    /** Calculator results shown. */
    maxCalculations: z.number().int().min(0).max(10).default(2),
    /** Retrieval score (0–1) below which a fact is not support; none left = "no verified answer". */
    minFactScore: z.number().min(0).max(1).default(0.1),
    /** Retrieval score (0–1) at which retrieval confidence is full. */
    goodFactScore: z.number().min(0).max(1).default(0.35),
    /** Cards below this confidence are visibly marked. */
    flagBelow: z.number().min(0).max(1).default(0.8),
  }).strict().prefault({}),
}).strict().prefault({});

export type LlmConfig = z.infer<typeof llmSchema>;
