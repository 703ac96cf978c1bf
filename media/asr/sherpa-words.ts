import type { AsrWord } from './asr-provider.js';

/**
 * Groups sherpa-onnx BPE tokens into words (pure; shared by the streaming and the segmented mode).
 * A token starting with a space or `▁` (SentencePiece word boundary) begins a word. Token times are
 * seconds from the decoded audio's start (sherpa-onnx result JSON `timestamps`,
 * https://k2-fsa.github.io/sherpa/onnx/); `offsetMs` places that start on the session timeline. A word
 * ends where the next word begins, the last one 250 ms after its last token, clamped to `endLimitMs`.
 * Per-token log-probabilities (`ys_probs` / `ys_log_probs`), when given, become the word confidence
 * (exp of the mean); otherwise 1.
 *
 * @returns words with times in ms on the session timeline; [] when tokens and timestamps differ in length.
 */
export function tokensToWords(
  tokens: readonly string[], timestamps: readonly number[], logProbs: readonly number[] | undefined, offsetMs: number, endLimitMs: number,
): AsrWord[] {
  if (!tokens.length || timestamps.length !== tokens.length) return [];
  const groups: Array<{ text: string; startMs: number; lastMs: number; logp: number[] }> = [];
  tokens.forEach((tok, i) => {
    const at = Math.min(endLimitMs, Math.max(0, Math.round(offsetMs + timestamps[i] * 1000)));
    const boundary = /^[\s▁]/.test(tok) || groups.length === 0;
    const clean = tok.replace(/▁/g, ' ');
    if (boundary) groups.push({ text: clean.trim(), startMs: at, lastMs: at, logp: [] });
    else groups[groups.length - 1].text += clean;
    const g = groups[groups.length - 1];
    g.lastMs = at;
    const lp = logProbs?.[i];
    if (typeof lp === 'number') g.logp.push(lp);
  });
  return groups.filter((g) => g.text).map((g, i, all) => ({
    text: g.text,
    startMs: g.startMs,
    endMs: i + 1 < all.length ? Math.max(g.lastMs, all[i + 1].startMs) : Math.min(endLimitMs, g.lastMs + 250),
    confidence: g.logp.length ? Math.min(1, Math.exp(g.logp.reduce((a, b) => a + b, 0) / g.logp.length)) : 1,
  }));
}

/** Mean word confidence; 1 without words. */
export function confidenceOf(words: readonly AsrWord[]): number {
  return words.length ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 1;
}
