/**
 * Numbers that Danish and German ASR writes as one word (`dreihundert`, `fireogfirs`), for the
 * `@number` slot of cue patterns ({@link ./cue-pattern.ts}).
 */

/** Joiners inside written-out compound numbers: German "einundzwanzig", Danish "enogtyve". */
const NUMBER_JOINERS = ['und', 'og'];
const compoundNumberCache = new WeakMap<ReadonlySet<string>, Map<string, boolean>>();

/**
 * Whether `word` is a number written as one compound of number words, as Danish and German ASR writes
 * them ("dreihundert", "fünfundzwanzigtausend", "fireogfirs", "tohundrede"): it splits completely into
 * number words (at least two) and the joiners "und"/"og". Words under six letters never count.
 */
export function isCompoundNumber(word: string, numberWords: ReadonlySet<string>): boolean {
  if (word.length < 6 || numberWords.size === 0) return false;
  let cache = compoundNumberCache.get(numberWords);
  if (!cache) { cache = new Map(); compoundNumberCache.set(numberWords, cache); }
  const hit = cache.get(word);
  if (hit !== undefined) return hit;
  // parts[i]: least number words needed to cover word[0..i) (Infinity = impossible).
  const parts = new Array<number>(word.length + 1).fill(Infinity);
  parts[0] = 0;
  for (let i = 0; i < word.length; i++) {
    if (parts[i] === Infinity) continue;
    for (let j = i + 2; j <= word.length; j++) {
      const piece = word.slice(i, j);
      if (numberWords.has(piece) && piece.length >= 2) parts[j] = Math.min(parts[j], parts[i] + 1);
      else if (i > 0 && NUMBER_JOINERS.includes(piece)) parts[j] = Math.min(parts[j], parts[i]);
    }
  }
  const ok = parts[word.length] >= 2 && parts[word.length] !== Infinity;
  if (cache.size > 5000) cache.clear();
  cache.set(word, ok);
  return ok;
}
