/**
 * Types for `snowball-stemmers` (ISC, https://github.com/mazko/jssnowball), a JavaScript build of the
 * Snowball stemmers (https://snowballstem.org/algorithms/). The package ships no declarations.
 */
declare module 'snowball-stemmers' {
  /** A stemmer for one language; `stem` takes one lower-case word and returns its stem. */
  export interface SnowballStemmer {
    stem(word: string): string;
  }
  /** Names accepted by {@link newStemmer}, e.g. `danish`, `german`, `english`. */
  export function algorithms(): string[];
  /** @throws Error when the algorithm name is unknown. */
  export function newStemmer(algorithm: string): SnowballStemmer;
  const snowball: { algorithms: typeof algorithms; newStemmer: typeof newStemmer };
  export default snowball;
}
