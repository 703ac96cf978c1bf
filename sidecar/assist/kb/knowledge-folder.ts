/**
 * Reads a knowledge folder: every supported file (Markdown, text, CSV, XLSX, PDF, DOCX) through its
 * reader, sidecar metadata `<file>.kb.yaml`, and calculators `*.calc.yaml`. A file that fails is
 * reported by name and reason; everything else still loads. Facts that share an explicit id across
 * documents are merged into one {@link Fact} (the longest statement is the primary text; the others
 * are kept in `alsoIn` and indexed as extra passages).
 *
 * Re-reading is cheap when a {@link ParseCache} of the last read is given: a file whose size and mtime
 * (and its sidecar's) are those of the last read is not read at all; one whose stamp moved is read and
 * hashed, and parsed again only when its content hash changed. A stamp taken within
 * {@link RACY_WINDOW_MS} of its mtime is not trusted (a write in the same clock tick keeps size and
 * mtime), the rule git uses for its index.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Fact, ObjectionClass } from '../ports.js';
import { parseCalculator, type Calculator } from './calculator.js';
import { readCsv } from './csv-reader.js';
import { metaFromYaml } from './document-meta.js';
import { readDocx } from './docx-reader.js';
import { KbError } from './kb-error.js';
import type { DocumentReader, FactOccurrence, FileReport, ParsedDocument } from './kb-types.js';
import { readMarkdown } from './markdown-reader.js';
import { readPdf } from './pdf-reader.js';
import { readText } from './text-reader.js';
import { readXlsx } from './xlsx-reader.js';

/** Reader per file extension (lower case, with dot). */
export const READERS: Record<string, DocumentReader> = {
  '.md': readMarkdown, '.markdown': readMarkdown, '.txt': readText, '.text': readText,
  '.csv': readCsv, '.xlsx': readXlsx, '.pdf': readPdf, '.docx': readDocx,
};

/** Suffix of sidecar metadata files: `price-list.csv` → `price-list.csv.kb.yaml`. */
export const SIDECAR_SUFFIX = '.kb.yaml';
/** Suffix of calculator definitions. */
export const CALCULATOR_SUFFIX = '.calc.yaml';

/** Size (bytes) and mtime (epoch ms) of a file and of its sidecar (`-1` when it has none), when read at `readAtMs`. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  sidecarSize: number;
  sidecarMtimeMs: number;
  readAtMs: number;
}

/** What the last read learned of one file, so an unchanged file need not be parsed again (JSON-safe). */
export interface CachedParse {
  hash: string;
  stamp: FileStamp;
  occurrences: FactOccurrence[];
  classHints: ParsedDocument['classHints'];
  facts: number;
  unverified: number;
  warnings: string[];
  /** Set when the file failed: the reason, reported again while the file stays the same. */
  reason?: string;
}

/** File (relative, `/`-separated) → its last parse. */
export type ParseCache = Record<string, CachedParse>;

/** A stamp whose mtime is this close to the moment it was taken may hide a later write in the same tick, ms. */
export const RACY_WINDOW_MS = 2000;

/** One file of the folder after reading. */
export interface LoadedFile {
  /** Path relative to the folder, `/`-separated. */
  file: string;
  /** sha256 of the file bytes plus its sidecar's bytes (hex). */
  hash: string;
  occurrences: FactOccurrence[];
  classHints: ParsedDocument['classHints'];
  report: FileReport;
  /** Its entry for the next read's {@link ParseCache} (readers' files only). */
  cache?: CachedParse;
}

/** The whole folder after reading. */
export interface LoadedFolder {
  files: LoadedFile[];
  /** Files read from disk in this pass (the others were reused from the cache by their stamp). */
  filesRead: number;
  /** Files parsed in this pass (the others were unchanged). */
  filesParsed: number;
  calculators: Calculator[];
  /** Merged facts by id (verified only). */
  facts: Map<string, Fact>;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name.startsWith('~$')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Reads the folder.
 * @param dir the knowledge folder.
 * @param previousHashes file → hash from the last ingest, to label files added/changed/unchanged/removed.
 * @param cache the last read's parses (`LoadedFile.cache` of each file), to skip unchanged files.
 * @throws KbError `KB_DIR_MISSING` when `dir` is not a folder. Per-file problems never throw.
 */
export async function loadKnowledgeFolder(dir: string, previousHashes: Record<string, string> = {}, cache: ParseCache = {}): Promise<LoadedFolder> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new KbError('KB_DIR_MISSING', `knowledge folder not found: ${dir}`);
  const all = await listFiles(dir);
  const present = new Set(all);
  const files: LoadedFile[] = [];
  const calculators: Calculator[] = [];
  let filesRead = 0;
  let filesParsed = 0;
  for (const file of all) {
    if (file.endsWith(SIDECAR_SUFFIX)) continue;
    if (file.endsWith(CALCULATOR_SUFFIX)) {
      const bytes = await readFile(join(dir, file));
      const hash = createHash('sha256').update(bytes).digest('hex');
      try {
        calculators.push(parseCalculator(bytes.toString('utf8'), file));
        files.push({ file, hash, occurrences: [], classHints: [], report: { file, status: status(file, hash), facts: 1, unverified: 0, warnings: [] } });
      } catch (err) {
        files.push({ file, hash, occurrences: [], classHints: [], report: { file, status: 'failed', facts: 0, unverified: 0, reason: (err as Error).message, warnings: [] } });
      }
      continue;
    }
    const reader = READERS[extname(file).toLowerCase()];
    if (!reader) {
      files.push({ file, hash: '', occurrences: [], classHints: [], report: { file, status: 'skipped', facts: 0, unverified: 0, reason: `unsupported format "${extname(file) || file}"`, warnings: [] } });
      continue;
    }
    const sidecarName = file + SIDECAR_SUFFIX;
    const stamp = await stampOf(join(dir, file), present.has(sidecarName) ? join(dir, sidecarName) : undefined);
    const known = usable(cache[file]);
    if (known && stamp && sameStamp(known.stamp, stamp)) {
      files.push(fromCache(file, known, known.stamp));
      continue;
    }
    const bytes = await readFile(join(dir, file));
    const sidecar = present.has(sidecarName) ? await readFile(join(dir, sidecarName)) : undefined;
    filesRead++;
    const hash = createHash('sha256').update(bytes).update(sidecar ?? Buffer.alloc(0)).digest('hex');
    const newStamp = stamp ?? { size: -1, mtimeMs: -1, sidecarSize: -1, sidecarMtimeMs: -1, readAtMs: 0 };
    if (known && known.hash === hash) {
      files.push(fromCache(file, known, newStamp));
      continue;
    }
    filesParsed++;
    try {
      const meta = sidecar ? metaFromYaml(sidecar.toString('utf8'), sidecarName) : {};
      const parsed = await reader({ bytes, file, meta });
      const facts = new Set(parsed.facts.map((f) => f.id)).size;
      files.push({
        file, hash, occurrences: parsed.facts, classHints: parsed.classHints,
        report: { file, status: status(file, hash), facts, unverified: parsed.unverifiedCount, warnings: parsed.warnings },
        cache: { hash, stamp: newStamp, occurrences: parsed.facts, classHints: parsed.classHints, facts, unverified: parsed.unverifiedCount, warnings: parsed.warnings },
      });
    } catch (err) {
      const reason = err instanceof KbError || err instanceof Error ? err.message : String(err);
      files.push({
        file, hash, occurrences: [], classHints: [], report: { file, status: 'failed', facts: 0, unverified: 0, reason, warnings: [] },
        cache: { hash, stamp: newStamp, occurrences: [], classHints: [], facts: 0, unverified: 0, warnings: [], reason },
      });
    }
  }
  for (const file of Object.keys(previousHashes)) {
    if (!files.some((f) => f.file === file)) files.push({ file, hash: '', occurrences: [], classHints: [], report: { file, status: 'removed', facts: 0, unverified: 0, warnings: [] } });
  }
  return { files, calculators, facts: mergeFacts(files), filesRead, filesParsed };

  function status(file: string, hash: string): FileReport['status'] {
    const prev = previousHashes[file];
    return prev === undefined ? 'added' : prev === hash ? 'unchanged' : 'changed';
  }

  function fromCache(file: string, c: CachedParse, stamp: FileStamp): LoadedFile {
    const report: FileReport = c.reason !== undefined
      ? { file, status: 'failed', facts: 0, unverified: 0, reason: c.reason, warnings: [], cached: true }
      : { file, status: status(file, c.hash), facts: c.facts, unverified: c.unverified, warnings: [...c.warnings], cached: true };
    return { file, hash: c.hash, occurrences: c.occurrences, classHints: c.classHints, report, cache: { ...c, stamp } };
  }
}

/** A cache entry of the expected shape, else undefined (a hand-edited or older manifest: the file is parsed). */
function usable(c: CachedParse | undefined): CachedParse | undefined {
  if (!c || typeof c !== 'object' || typeof c.hash !== 'string' || !c.stamp || typeof c.stamp !== 'object') return undefined;
  if (!Array.isArray(c.occurrences) || !Array.isArray(c.classHints) || !Array.isArray(c.warnings)) return undefined;
  return c;
}

/** The stamp of a file and its sidecar now; undefined when either cannot be stat'ed (then it is read). */
async function stampOf(path: string, sidecarPath: string | undefined): Promise<FileStamp | undefined> {
  const readAtMs = Date.now();
  const [s, sc] = await Promise.all([stat(path).catch(() => undefined), sidecarPath ? stat(sidecarPath).catch(() => undefined) : undefined]);
  if (!s || (sidecarPath && !sc)) return undefined;
  return { size: s.size, mtimeMs: s.mtimeMs, sidecarSize: sc?.size ?? -1, sidecarMtimeMs: sc?.mtimeMs ?? -1, readAtMs };
}

/** True when `now` shows the same file as `known` and `known` was taken long enough after the last write to trust it. */
function sameStamp(known: FileStamp, now: FileStamp): boolean {
  if (known.size !== now.size || known.mtimeMs !== now.mtimeMs || known.sidecarSize !== now.sidecarSize || known.sidecarMtimeMs !== now.sidecarMtimeMs) return false;
  return Math.max(known.mtimeMs, known.sidecarMtimeMs) < known.readAtMs - RACY_WINDOW_MS;
}

/**
 * Merges occurrences into facts by id: the longest verified statement is primary, the others go to
 * `alsoIn`; classes and tags are unioned; class hints (e.g. a battlecard's class table) are applied;
 * a fact is internal only when every occurrence is internal.
 */
export function mergeFacts(files: LoadedFile[]): Map<string, Fact> {
  const byId = new Map<string, FactOccurrence[]>();
  for (const f of files) for (const o of f.occurrences) if (o.verified) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
  const hints = new Map<string, Set<ObjectionClass>>();
  for (const f of files) for (const h of f.classHints) for (const c of h.classes) hints.set(h.id, (hints.get(h.id) ?? new Set()).add(c));
  const facts = new Map<string, Fact>();
  for (const [id, occ] of byId) {
    const primary = [...occ].sort((a, b) => b.text.length - a.text.length)[0];
    const { context: _context, ...base } = primary;
    const others = occ.filter((o) => o !== primary);
    const fact: Fact = {
      ...base,
      classes: [...new Set([...occ.flatMap((o) => o.classes), ...(hints.get(id) ?? [])])],
      tags: [...new Set(occ.flatMap((o) => o.tags))],
      internal: occ.every((o) => o.internal),
    };
    if (others.length) fact.alsoIn = others.map((o) => ({ source: o.source, location: o.location, text: o.text, language: o.language }));
    facts.set(id, fact);
  }
  return facts;
}
