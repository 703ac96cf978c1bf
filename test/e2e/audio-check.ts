/**
 * Comparing decoded audio with its source by energy envelope: RMS per 20 ms, then the best normalised
 * cross-correlation over a small lag range. Robust to resampling and G.711 quantisation, sensitive to
 * which speech it is and where the energy sits in time.
 */

/** RMS of each consecutive block of `blockSamples` samples. */
export function envelope(samples: Int16Array, blockSamples: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + blockSamples <= samples.length; i += blockSamples) {
    let sum = 0;
    for (let j = i; j < i + blockSamples; j++) sum += samples[j] * samples[j];
    out.push(Math.sqrt(sum / blockSamples));
  }
  return out;
}

/** Pearson correlation of `a` against `b` shifted by `lag` blocks (a[i + lag] vs b[i]), over the overlap. */
function correlationAt(a: number[], b: number[], lag: number): number {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < b.length; i++) {
    const j = i + lag;
    if (j >= 0 && j < a.length) pairs.push([a[j], b[i]]);
  }
  if (pairs.length < 20) return 0;
  const ma = pairs.reduce((s, p) => s + p[0], 0) / pairs.length;
  const mb = pairs.reduce((s, p) => s + p[1], 0) / pairs.length;
  let num = 0;
  let da = 0;
  let db = 0;
  for (const [x, y] of pairs) {
    num += (x - ma) * (y - mb);
    da += (x - ma) ** 2;
    db += (y - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/** Best correlation of envelope `received` with `source` over lags `minLag..maxLag` blocks, and that lag. */
export function bestCorrelation(received: number[], source: number[], minLag = -5, maxLag = 25): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = minLag; lag <= maxLag; lag++) {
    const r = correlationAt(received, source, lag);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** Blocks whose RMS is above `threshold` (speech, not silence). */
export function activeBlocks(env: number[], threshold: number): number {
  return env.filter((v) => v > threshold).length;
}
