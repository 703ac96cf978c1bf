/**
 * The bilingual term map (see `config/kb-terms.yaml`): concept → surface forms in da/de/en. Loaded
 * once; lookups by word, by phrase (up to three words) and by compound part.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ModsvarError } from '../../core/errors.js';

/** A compiled term map. */
export interface TermMap {
  /** Short hash of the map's content, part of the embedder name so a changed map rebuilds the index. */
  readonly hash: string;
  /** Concepts of a single lower-case word or a space-joined phrase (exact form). */
  lookup(form: string): readonly string[] | undefined;
  /** Forms of 4+ letters usable as compound parts, longest first. */
  readonly compoundParts: readonly string[];
  /** Longest phrase length in words. */
  readonly maxPhraseWords: number;
}

const schema = z.record(z.string().min(1), z.array(z.union([z.string(), z.number()])));

/**
 * A form as the text analysis sees it: lower case, apostrophes dropped, and any other mark between
 * words (hyphen, slash) a word break, because the tokenizer splits there too ("on-premise" is matched
 * as the phrase "on premise", "cash-flow positive" as "cash flow positive").
 */
export function formKey(form: string): string {
  return form.toLowerCase().normalize('NFC').replace(/['’]/g, '').replace(/[^\p{L}\p{M}\p{N}.,]+/gu, ' ').replace(/(^|\s)[.,]+|[.,]+(\s|$)/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Builds a term map from `{concept: [forms]}`. Throws ModsvarError `KB_BAD_TERMS` when malformed. */
export function buildTermMap(raw: unknown, normalise: (form: string) => string[] = (f) => [f]): TermMap {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) throw new ModsvarError('KB_BAD_TERMS', `term map: ${r.error.issues[0].message} at ${r.error.issues[0].path.join('.')}`);
  const map = new Map<string, string[]>();
  let maxPhraseWords = 1;
  const add = (form: string, concept: string) => {
    const list = map.get(form) ?? [];
    if (!list.includes(concept)) list.push(concept);
    map.set(form, list);
  };
  for (const [concept, forms] of Object.entries(r.data)) {
    for (const f of forms) {
      const form = formKey(String(f));
      if (!form) continue;
      maxPhraseWords = Math.max(maxPhraseWords, form.split(/\s+/).length);
      add(form, concept);
      for (const variant of normalise(form)) if (variant && variant !== form) add(variant, concept);
    }
  }
  const compoundParts = [...map.keys()].filter((k) => !k.includes(' ') && k.length >= 4 && /^\p{L}+$/u.test(k)).sort((a, b) => b.length - a.length);
  const hash = createHash('sha1').update(JSON.stringify(r.data)).digest('hex').slice(0, 8);
  return { hash, lookup: (form) => map.get(form), compoundParts, maxPhraseWords };
}

/** Reads a term map file (YAML). An empty path gives an empty map. Throws ModsvarError `KB_BAD_TERMS`. */
export function loadTermMap(file: string | undefined, normalise?: (form: string) => string[]): TermMap {
  if (!file) return buildTermMap({}, normalise);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModsvarError('KB_BAD_TERMS', `term map ${file}: ${(err as Error).message}`, { cause: err });
  }
  return buildTermMap(raw, normalise);
}
