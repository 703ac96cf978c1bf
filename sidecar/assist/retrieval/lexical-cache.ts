/**
 * The persisted analysis of the knowledge index's passages (`lexical.json` in the index folder), so a
 * fresh process (`modsvar kb search`, a restart) fills the BM25 index without analysing every passage
 * again (stemming, number words, term map: about 70 µs a passage, over a second for 20 000).
 *
 * ```json
 * {"version":1,"key":"<sha256>","passages":{"12":{"h":"<sha1 of language + text>","t":[["w:pris",1],…],"n":["w:nordtid"]}}}
 * ```
 *
 * An entry is used only when its key and its passage hash both match: the key covers the term map
 * (its hash), the lexical weights and the source of every module the analysis runs through, so a
 * changed term map or analyser discards the whole file; the per-passage hash guards against a label
 * that names another text. Anything unreadable is an empty cache (the passages are analysed again).
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { LEXICAL_WEIGHTS } from './lexical-index.js';

/** One passage's lexical terms (term → weight) and name terms, as the BM25 index takes them. */
export interface LexicalEntry {
  terms: Map<string, number>;
  names: string[];
}

interface StoredEntry {
  h: string;
  t: Array<[string, number]>;
  n: string[];
}

interface StoredFile {
  version: 1;
  key: string;
  passages: Record<string, StoredEntry>;
}

/** Modules whose code decides a passage's lexical terms (resolved beside this one, `.js` built or `.ts` source). */
const ANALYSIS_MODULES = ['./text-analyzer', './number-words', './lexical-index', './knowledge-index', '../kb/language-guess'];

let keyMemo: Promise<string | undefined> | undefined;
let keyMemoTerms: string | undefined;

/**
 * The cache key for a term map: sha256 of its hash, the lexical weights, the stemmer's version and the
 * analysis modules' source. Undefined when a module's source cannot be read (a bundled build): then
 * nothing is cached.
 */
export function lexicalCacheKey(termsHash: string): Promise<string | undefined> {
  if (keyMemo && keyMemoTerms === termsHash) return keyMemo;
  keyMemoTerms = termsHash;
  keyMemo = (async () => {
    const h = createHash('sha256').update(termsHash).update(JSON.stringify(LEXICAL_WEIGHTS));
    try {
      h.update(String((createRequire(import.meta.url)('snowball-stemmers/package.json') as { version?: string }).version));
    } catch {
      h.update('snowball-stemmers');
    }
    for (const m of ANALYSIS_MODULES) {
      let src: Buffer | undefined;
      for (const ext of ['.js', '.ts']) {
        src = await readFile(new URL(m + ext, import.meta.url)).catch(() => undefined);
        if (src) break;
      }
      if (!src) return undefined;
      h.update(src);
    }
    return h.digest('hex');
  })();
  return keyMemo;
}

/** Hash of a passage's language and text, to check an entry still describes it. */
export function passageHash(language: string, text: string): string {
  return createHash('sha1').update(language).update('\n').update(text).digest('hex');
}

/** Reads the cache: label → (passage hash, entry). Empty when absent, unreadable or made under another key. */
export async function readLexicalCache(path: string, key: string): Promise<Map<number, { hash: string; entry: LexicalEntry }>> {
  const out = new Map<number, { hash: string; entry: LexicalEntry }>();
  try {
    const file = JSON.parse(await readFile(path, 'utf8')) as StoredFile;
    if (file?.version !== 1 || file.key !== key || typeof file.passages !== 'object' || file.passages === null) return out;
    for (const [label, e] of Object.entries(file.passages)) {
      if (typeof e?.h !== 'string' || !Array.isArray(e.t) || !Array.isArray(e.n)) continue;
      out.set(Number(label), { hash: e.h, entry: { terms: new Map(e.t), names: e.n } });
    }
  } catch {
    // absent or damaged: analysed again
  }
  return out;
}

/**
 * Writes the cache (through a temporary file and a rename).
 * @throws the file system's error (the caller reports it; the index in memory is unaffected).
 */
export async function writeLexicalCache(path: string, key: string, entries: Map<number, { hash: string; entry: LexicalEntry }>): Promise<void> {
  const passages: Record<string, StoredEntry> = {};
  for (const [label, { hash, entry }] of entries) passages[label] = { h: hash, t: [...entry.terms], n: entry.names };
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, key, passages } satisfies StoredFile));
  await rename(tmp, path);
}
