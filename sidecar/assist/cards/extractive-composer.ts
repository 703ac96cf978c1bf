import type { CustomerContextRecord, ObjectionClass, RetrievedFact } from '../ports.js';
import { cardContext, type Card, type CardFact, type PlaybookMove } from './card.js';
import { combineConfidence, isFlagged, retrievalConfidence } from './card-confidence.js';
import { claimSentence } from './claim-sentence.js';

/**
 * The extractive card: built at once from the detection, the retrieved facts, the playbook move and the
 * CRM context, with no language model. Its reply is short enough to read in the pause after a turn: the
 * claim-carrying sentence (claim-sentence.ts) of each of the top `replyFacts` facts (default 2, so at most
 * two sentences), verbatim, each followed by its id, so it can never state anything the knowledge base
 * does not. The card still cites every fact it shows (`cited` = the shown facts, reply facts first): the
 * agent expands them for the full text and source. With no fact at or above `minFactScore` the card says
 * there is no verified answer and offers the playbook's question.
 */

/** What the extractive composer needs about one objection. */
export interface ExtractiveInput {
  callId: string;
  objectionId: string;
  objectionClass: ObjectionClass;
  /** The call's language (ISO 639-1). */
  language: string;
  /** The customer's words. */
  utterance: string;
  /** Detection confidence 0–1. */
  detectionConfidence: number;
  /** Retrieval result, best first (facts and calculator results). */
  retrieved: readonly RetrievedFact[];
  move?: PlaybookMove;
  context?: CustomerContextRecord;
  /** Stage timestamps known so far (epoch ms). */
  asrAtMs: number;
  detectedAtMs: number;
  retrievedAtMs?: number;
}

/** Options (config `assist.cards`). */
export interface ExtractiveOptions {
  /** Facts shown on the card. Default 5. */
  maxFacts: number;
  /** Facts quoted in the extractive reply, one sentence each. Default 2. */
  replyFacts: number;
  /** Calculator results shown. Default 2. */
  maxCalculations: number;
  /** Retrieval score below which a fact is not shown as support. Default 0.10. */
  minFactScore: number;
  /** Retrieval score at which retrieval confidence is full. Default 0.35. */
  goodFactScore: number;
  /** Confidence threshold for marking a card. Default 0.80. */
  flagBelow: number;
}

export const DEFAULT_EXTRACTIVE_OPTIONS: ExtractiveOptions = {
  maxFacts: 5,
  replyFacts: 2,
  maxCalculations: 2,
  minFactScore: 0.1,
  goodFactScore: 0.35,
  flagBelow: 0.8,
};

const NO_ANSWER: Record<string, string> = {
  da: 'Intet verificeret svar i vidensbasen.',
  de: 'Keine verifizierte Antwort in der Wissensbasis.',
  en: 'No verified answer in the knowledge base.',
};

/** The "no verified answer" line in the call's language (English when the language has none). */
export function noVerifiedAnswerText(language: string): string {
  return NO_ANSWER[language.toLowerCase().slice(0, 2)] ?? NO_ANSWER.en;
}

function toCardFact(r: RetrievedFact): CardFact {
  const f = r.fact;
  return {
    id: f.id,
    text: f.text,
    source: f.source,
    location: f.location,
    score: r.score,
    internal: f.internal === true,
    ...(f.inputs ? { inputs: f.inputs } : {}),
  };
}

/** Fact text as quoted in a reply: one line, ending in punctuation. */
function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/**
 * Builds the extractive card (status `extractive`, `stages.cardPushedAtMs` unset: the caller stamps it
 * when it pushes the card).
 */
export function composeExtractiveCard(input: ExtractiveInput, options: Partial<ExtractiveOptions> = {}): Card {
  const o = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...options };
  const seen = new Set<string>();
  const supporting = input.retrieved.filter((r) => {
    if (!r.fact.verified || r.score < o.minFactScore || seen.has(r.fact.id)) return false;
    seen.add(r.fact.id);
    return true;
  });
  const shown = supporting.filter((r) => !r.fact.inputs).slice(0, o.maxFacts);
  const facts = shown.map(toCardFact);
  const calculations = supporting.filter((r) => r.fact.inputs).slice(0, o.maxCalculations).map(toCardFact);
  const quoted = facts.slice(0, o.replyFacts);
  const noVerifiedAnswer = quoted.length === 0;
  const reply = noVerifiedAnswer
    ? [noVerifiedAnswerText(input.language), input.move?.question].filter(Boolean).join(' ')
    : quoted.map((f, i) => `${quote(claimSentence(f.text, String(shown[i].fact.language || input.language), input.utterance))} [${f.id}]`).join(' ');
  const confidence = combineConfidence({
    detection: input.detectionConfidence,
    retrieval: retrievalConfidence(facts.map((f) => f.score), o),
    grounding: noVerifiedAnswer ? 0 : 1,
  });
  return {
    id: input.objectionId,
    callId: input.callId,
    objectionId: input.objectionId,
    objectionClass: input.objectionClass,
    language: input.language,
    utterance: input.utterance,
    status: 'extractive',
    ...(input.move ? { move: input.move } : {}),
    facts,
    calculations,
    ...(input.context ? { context: cardContext(input.context) } : {}),
    reply,
    replySource: noVerifiedAnswer ? 'none' : 'extractive',
    cited: facts.map((f) => f.id),
    noVerifiedAnswer,
    confidence,
    flagged: isFlagged(confidence, o.flagBelow),
    removed: [],
    stages: {
      asrAtMs: input.asrAtMs,
      detectedAtMs: input.detectedAtMs,
      ...(input.retrievedAtMs !== undefined ? { retrievedAtMs: input.retrievedAtMs } : {}),
    },
  };
}
