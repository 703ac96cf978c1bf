/**
 * Confidence calibration (Platt scaling: J. Platt, "Probabilistic outputs for support vector machines",
 * 1999). The detector's raw margin m (score of the chosen label minus the best competing score, in
 * score points) maps to P(correct) = 1 / (1 + exp(-(a·m + b))). Objection and `none` decisions have
 * their own (a, b), fitted by `modsvar eval objections FILE --fit-calibration` on labelled utterances.
 */

/** Platt parameters: slope `a` (per score point) and intercept `b`. */
export interface PlattParams {
  a: number;
  b: number;
}

/** Calibration for both kinds of decision. */
export interface CalibrationParams {
  objection: PlattParams;
  none: PlattParams;
}

/** Probability 0–1 for margin `m`. */
export function plattProbability(p: PlattParams, m: number): number {
  const z = p.a * m + p.b;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Fits Platt parameters by Newton's method on log-loss, with Platt's smoothed targets
 * ((N₊+1)/(N₊+2), 1/(N₋+2)) so a perfectly separated set does not drive the slope to infinity.
 * Returns `fallback` for fewer than 4 points or one-class data.
 */
export function fitPlatt(points: ReadonlyArray<{ margin: number; correct: boolean }>, fallback: PlattParams): PlattParams {
  const pos = points.filter((p) => p.correct).length;
  const neg = points.length - pos;
  if (points.length < 4 || pos === 0 || neg === 0) return fallback;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 0;
  let b = Math.log((pos + 1) / (neg + 1));
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0, g2 = 0, h11 = 1e-6, h22 = 1e-6, h12 = 0;
    for (const p of points) {
      const t = p.correct ? hi : lo;
      const q = plattProbability({ a, b }, p.margin);
      const d = q - t;
      const w = q * (1 - q);
      g1 += d * p.margin; g2 += d;
      h11 += w * p.margin * p.margin; h22 += w; h12 += w * p.margin;
    }
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(det) < 1e-12) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da; b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a: round4(a), b: round4(b) };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** One row of a reliability table: predictions whose confidence fell in `[lo, hi)`. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  meanConfidence: number;
  /** Share of these predictions that were right. */
  accuracy: number;
}

/** Reliability table over equal-width confidence bins (default 5: 0–0.2 … 0.8–1.0) plus expected calibration error. */
export function reliabilityTable(
  points: ReadonlyArray<{ confidence: number; correct: boolean }>,
  edges: readonly number[] = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001],
): { bins: ReliabilityBin[]; ece: number } {
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const lo = edges[i];
    const hi = edges[i + 1];
    const inBin = points.filter((p) => p.confidence >= lo && p.confidence < hi);
    const count = inBin.length;
    const meanConfidence = count ? inBin.reduce((s, p) => s + p.confidence, 0) / count : 0;
    const accuracy = count ? inBin.filter((p) => p.correct).length / count : 0;
    if (count) ece += (count / points.length) * Math.abs(meanConfidence - accuracy);
    bins.push({ lo, hi: Math.min(hi, 1), count, meanConfidence, accuracy });
  }
  return { bins, ece };
}
