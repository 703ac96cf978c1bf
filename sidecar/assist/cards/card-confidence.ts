import { CARD_CONFIDENCE_THRESHOLD, type CardConfidence } from './card.js';

/**
 * Card confidence from detection, retrieval and grounding, each 0–1, combined as a weighted geometric
 * mean (weights 0.4 / 0.3 / 0.3), so one weak part pulls the card under the 0.80 mark on its own:
 * detection 0.9 with a perfect retrieval and grounding gives 0.96; the same card with one of three draft
 * sentences removed (grounding 0.3) gives 0.67 and is marked.
 */

/** Options for the retrieval part. */
export interface RetrievalConfidenceOptions {
  /** Score below which a fact does not count as support (0–1). */
  minFactScore: number;
  /** Score at and above which retrieval is fully confident (0–1). */
  goodFactScore: number;
}

const WEIGHTS = { detection: 0.4, retrieval: 0.3, grounding: 0.3 };

const clamp = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Retrieval confidence: 0 with no supporting fact; otherwise rises linearly from 0.5 at `minFactScore` to
 * 1 at `goodFactScore` for the best fact, plus a small bonus (up to 0.1) when a second fact also supports.
 */
export function retrievalConfidence(scores: readonly number[], o: RetrievalConfidenceOptions): number {
  const supporting = scores.filter((s) => s >= o.minFactScore).sort((a, b) => b - a);
  if (supporting.length === 0) return 0;
  const span = Math.max(1e-6, o.goodFactScore - o.minFactScore);
  const top = 0.5 + 0.5 * clamp((supporting[0] - o.minFactScore) / span);
  const second = supporting.length > 1 ? 0.1 * clamp((supporting[1] - o.minFactScore) / span) : 0;
  return clamp(top + second);
}

/**
 * Grounding confidence of a reply: 1 for an extractive reply (verbatim facts); for a draft, the share of
 * sentences kept, times 0.45 when anything was removed. A removal means the model made something up, so
 * that factor keeps every such card under 0.80 (0.45^0.3 ≈ 0.79) and the card is marked.
 */
export function groundingConfidence(keptSentences: number, removedSentences: number): number {
  const total = keptSentences + removedSentences;
  if (total === 0) return 0;
  const share = keptSentences / total;
  return clamp(removedSentences > 0 ? share * 0.45 : share);
}

/** Combines the parts (weighted geometric mean). */
export function combineConfidence(parts: { detection: number; retrieval: number; grounding: number }): CardConfidence {
  const d = clamp(parts.detection);
  const r = clamp(parts.retrieval);
  const g = clamp(parts.grounding);
  const value = d === 0 || r === 0 || g === 0 ? 0 : Math.exp(WEIGHTS.detection * Math.log(d) + WEIGHTS.retrieval * Math.log(r) + WEIGHTS.grounding * Math.log(g));
  return { value: Math.round(value * 1000) / 1000, detection: d, retrieval: r, grounding: g };
}

/** True when a card with this confidence must be visibly marked. */
export function isFlagged(confidence: CardConfidence, threshold = CARD_CONFIDENCE_THRESHOLD): boolean {
  return confidence.value < threshold;
}
