import type { CardStages } from './card.js';

/**
 * Per-stage latency of one card, in ms, from its stage timestamps (DESIGN.md "Latency budget"): ASR event →
 * detected → retrieved → card pushed → first LLM token → final draft. A stage that did not happen is
 * undefined (no model, no token before a timeout).
 */
export interface StageLatencies {
  /** ASR event → detector decision. Budget ≤ 5 ms. */
  detectMs?: number;
  /** Detector decision → retrieval done. Budget ≤ 5 ms. */
  retrieveMs?: number;
  /** Retrieval done → extractive card pushed. */
  pushMs?: number;
  /** ASR event → extractive card pushed. Budget ≤ 20 ms at p95. */
  asrToCardMs?: number;
  /** Card pushed → first LLM token. */
  firstTokenMs?: number;
  /** Card pushed → final draft. */
  draftMs?: number;
}

const diff = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : Math.max(0, b - a);

/** Computes the stage latencies of a card. */
export function stageLatencies(s: CardStages): StageLatencies {
  const out: StageLatencies = {};
  const set = (k: keyof StageLatencies, v: number | undefined) => { if (v !== undefined) out[k] = v; };
  set('detectMs', diff(s.asrAtMs, s.detectedAtMs));
  set('retrieveMs', diff(s.detectedAtMs, s.retrievedAtMs));
  set('pushMs', diff(s.retrievedAtMs, s.cardPushedAtMs));
  set('asrToCardMs', diff(s.asrAtMs, s.cardPushedAtMs));
  set('firstTokenMs', diff(s.cardPushedAtMs, s.firstTokenAtMs));
  set('draftMs', diff(s.cardPushedAtMs, s.finalDraftAtMs));
  return out;
}
