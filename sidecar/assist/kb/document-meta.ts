/**
 * Document metadata: YAML front matter, sidecar files (`<name>.kb.yaml`) and markers in comments.
 * Front matter and sidecar files are validated with one zod schema; an invalid one fails its file
 * with `KB_BAD_META` and the reason, never silently.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OBJECTION_CLASSES } from '../ports.js';
import { KbError } from './kb-error.js';
import type { DocumentMeta } from './kb-types.js';

const isoDate = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date().transform((d) => d.toISOString().slice(0, 10))]);
const stringList = z.union([z.string().transform((s) => s.split(/[,\s]+/).filter(Boolean)), z.array(z.string())]);

const rowsSchema = z.object({
  id: z.string().optional(),
  text: z.string().optional(),
  textColumns: z.array(z.string()).optional(),
  language: z.string().optional(),
  classes: z.string().optional(),
  tags: z.array(z.string()).optional(),
  validUntil: z.string().optional(),
  verified: z.string().optional(),
  sheet: z.string().optional(),
}).strict();

/** Accepted keys; `audience: internal` is a synonym for `internal: true`, `valid_until` for `validUntil`. */
const metaSchema = z.object({
  language: z.string().regex(/^[a-z]{2}$/).optional(),
  lang: z.string().regex(/^[a-z]{2}$/).optional(),
  verified: z.boolean().optional(),
  internal: z.boolean().optional(),
  audience: z.enum(['internal', 'external', 'public']).optional(),
  classes: z.array(z.enum(OBJECTION_CLASSES)).optional(),
  tags: stringList.optional(),
  product: stringList.optional(),
  industry: stringList.optional(),
  competitor: stringList.optional(),
  validUntil: isoDate.optional(),
  valid_until: isoDate.optional(),
  facts: z.enum(['auto', 'tagged', 'all']).optional(),
  rows: rowsSchema.optional(),
  title: z.string().optional(),
}).passthrough();

/** Validates a parsed YAML object as document metadata. Throws KbError `KB_BAD_META`. */
export function metaFromObject(obj: unknown, file: string): DocumentMeta {
  if (obj === null || obj === undefined) return {};
  const r = metaSchema.safeParse(obj);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new KbError('KB_BAD_META', `invalid metadata key "${issue.path.join('.')}": ${issue.message}`, { file });
  }
  const m = r.data;
  const tags = [...(m.tags ?? []), ...(m.product ?? []), ...(m.industry ?? []), ...(m.competitor ?? [])];
  const meta: DocumentMeta = {};
  const language = m.language ?? m.lang;
  if (language) meta.language = language;
  if (m.verified !== undefined) meta.verified = m.verified;
  if (m.internal !== undefined || m.audience) meta.internal = m.internal ?? m.audience === 'internal';
  if (m.classes) meta.classes = [...m.classes];
  if (tags.length) meta.tags = tags;
  const validUntil = m.validUntil ?? m.valid_until;
  if (validUntil) meta.validUntil = validUntil;
  if (m.facts) meta.facts = m.facts;
  if (m.rows) meta.rows = m.rows;
  return meta;
}

/** Parses YAML text as metadata (sidecar file). Throws KbError `KB_BAD_META` on YAML errors. */
export function metaFromYaml(text: string, file: string): DocumentMeta {
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (err) {
    throw new KbError('KB_BAD_META', `metadata is not valid YAML: ${(err as Error).message}`, { file, cause: err });
  }
  return metaFromObject(obj, file);
}

/**
 * Splits YAML front matter (`---\n…\n---\n` at the very start) from a Markdown/text body.
 * @returns the metadata (empty when there is no front matter) and the body with the lines replaced by
 *   blank lines, so line numbers stay those of the file.
 */
export function splitFrontMatter(source: string, file: string): { meta: DocumentMeta; body: string } {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return { meta: {}, body: source.replace(/^\uFEFF/, '') };
  const meta = metaFromYaml(m[1], file);
  const blank = '\n'.repeat(m[0].split('\n').length - 1);
  return { meta, body: blank + source.slice(m[0].length) };
}

/**
 * Reads markers from a comment or note: `INTERNAL`/`internal only`/`sales team only` → internal;
 * `Language: English`, `Sprog: dansk`, `Sprache: Deutsch` → language; `unverified`/`ikke verificeret`/
 * `nicht verifiziert`/`draft` → unverified.
 */
export function markersIn(text: string): { internal?: boolean; language?: string; unverified?: boolean; verified?: boolean } {
  const out: { internal?: boolean; language?: string; unverified?: boolean; verified?: boolean } = {};
  if (/\bINTERNAL\b|\binternal only\b|\bsales team only\b|\bkun internt\b|\bnur intern\b/i.test(text)) out.internal = true;
  const lang = /\b(?:language|sprog|sprache)\s*:\s*(english|engelsk|englisch|danish|dansk|dänisch|german|deutsch|tysk|en|da|de)\b/i.exec(text);
  if (lang) {
    const v = lang[1].toLowerCase();
    out.language = /^(english|engelsk|englisch|en)$/.test(v) ? 'en' : /^(danish|dansk|dänisch|da)$/.test(v) ? 'da' : 'de';
  }
  if (/\bunverified\b|\bnot verified\b|\bikke verificeret\b|\bnicht verifiziert\b|\bunbestätigt\b|\bdraft\b|\budkast\b|\bentwurf\b/i.test(text)) out.unverified = true;
  else if (/^\s*verified\s*$/i.test(text)) out.verified = true;
  return out;
}

/** Merges metadata: later sources override earlier ones key by key; tags and classes are unioned. */
export function mergeMeta(...metas: DocumentMeta[]): DocumentMeta {
  const out: DocumentMeta = {};
  for (const m of metas) {
    const { tags, classes, ...rest } = m;
    Object.assign(out, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (tags) out.tags = [...new Set([...(out.tags ?? []), ...tags])];
    if (classes) out.classes = [...new Set([...(out.classes ?? []), ...classes])];
  }
  return out;
}
