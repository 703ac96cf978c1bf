/**
 * The knowledge index: the facts of a knowledge folder, one passage per fact occurrence (and per
 * calculator), their vectors in an HNSW index and their terms in a BM25 index, persisted beside the
 * folder (`<folder>.modsvar-index/` unless configured) with a manifest:
 *
 * ```json
 * {"version":1,"embedder":{"name":"local-hash-v2…","dimension":2048},"nextLabel":158,
 *  "files":{"faq.md":{"hash":"<sha256>","labels":[12,13,…]}},
 *  "passages":[{"label":12,"factId":"F-401","file":"faq.md","text":"…","language":"da"}],
 *  "cache":{"faq.md":{"hash":"<sha256>","stamp":{"size":5120,"mtimeMs":…},"occurrences":[…],…}}}
 * ```
 *
 * `ingest()` checks the folder against the manifest: files whose size and mtime are unchanged are not
 * read, files whose content hash is unchanged are not parsed (their facts come from `cache`), and only
 * the passages of added or changed files are embedded; a different embedder name or dimension rebuilds
 * everything. Each passage's lexical analysis is kept in `lexical.json` (see lexical-cache.ts), so a
 * fresh process does not analyse unchanged passages again. When nothing changed, nothing is written. Not safe for two processes writing the same
 * index at once.
 *
 * @example
 * ```ts
 * const index = new KnowledgeIndex({ kbDir: 'config/kb-sample', embedder });
 * const { reports } = await index.ingest();
 * const hits = await new HybridRetriever(index).search({ text: 'too expensive', k: 5 });
 * ```
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Embedder, Fact, Language } from '../ports.js';
import { calculatorSearchText, type Calculator } from '../kb/calculator.js';
import type { FileReport } from '../kb/kb-types.js';
import { loadKnowledgeFolder, type ParseCache } from '../kb/knowledge-folder.js';
import { HnswIndex, type HnswOptions } from './hnsw-index.js';
import { lexicalCacheKey, passageHash, readLexicalCache, writeLexicalCache, type LexicalEntry } from './lexical-cache.js';
import { LexicalIndex, analysisTerms, nameWords } from './lexical-index.js';
import { analyse, stem } from './text-analyzer.js';
import type { TermMap } from './term-map.js';

/** One indexed passage: a fact occurrence or a calculator. */
export interface Passage {
  label: number;
  factId: string;
  file: string;
  /** Text embedded and matched: section context + statement. */
  text: string;
  language: string;
}

interface Manifest {
  version: 1;
  embedder: { name: string; dimension: number };
  nextLabel: number;
  files: Record<string, { hash: string; labels: number[] }>;
  passages: Passage[];
  /** Each read file's last parse (failed ones too), so unchanged files are not parsed again. Absent in older manifests. */
  cache?: ParseCache;
}

/** Options for {@link KnowledgeIndex}. */
export interface KnowledgeIndexOptions {
  /** The knowledge folder. */
  kbDir: string;
  /** Where the index is kept. Default: `<kbDir>.modsvar-index` beside the folder. */
  indexDir?: string;
  embedder: Embedder;
  /** Term map for the exact-term index (the same one the local embedder uses). */
  terms: TermMap;
  hnsw?: HnswOptions;
  /** Write the index to disk after ingest. Default true. */
  persist?: boolean;
}

/** Result of {@link KnowledgeIndex.ingest}. */
export interface IngestResult {
  reports: FileReport[];
  /** Verified facts in the index (calculators included). */
  factCount: number;
  /** Passages embedded in this run (0 when nothing changed). */
  embeddedPassages: number;
  /** Passages analysed for the BM25 index in this run (the others came from `lexical.json`). */
  analysedPassages: number;
  /** True when the whole index was rebuilt (first run, or embedder/dimension changed). */
  rebuilt: boolean;
  /** Set when the index could not be written (e.g. a read-only folder); it is still usable in memory. */
  persistError?: string;
  /** Files read from disk (the others had the size and mtime of the last ingest). */
  filesRead: number;
  /** Files parsed (the others were unchanged and their facts reused). */
  filesParsed: number;
  /** True when the index on disk was written (false when nothing changed or `persist` is off). */
  saved: boolean;
}

const MANIFEST = 'manifest.json';
const VECTORS = 'vectors.hnsw';
const LEXICAL = 'lexical.json';

export class KnowledgeIndex {
  readonly kbDir: string;
  readonly indexDir: string;
  readonly embedder: Embedder;
  readonly terms: TermMap;
  /** Facts by id (after the last ingest). */
  facts = new Map<string, Fact>();
  /** Calculators by id. */
  calculators = new Map<string, Calculator>();
  /** Passages by label. */
  passages = new Map<number, Passage>();
  vectors: HnswIndex;
  lexical = new LexicalIndex();
  private readonly options: KnowledgeIndexOptions;
  /** Normalised vectors by label, filled lazily from the HNSW index (exact cosine for lexical candidates). */
  private readonly vectorCache = new Map<number, Float32Array>();

  constructor(options: KnowledgeIndexOptions) {
    this.options = options;
    this.kbDir = resolve(options.kbDir);
    this.indexDir = resolve(options.indexDir || join(dirname(this.kbDir), `${basename(this.kbDir)}.modsvar-index`));
    this.embedder = options.embedder;
    this.terms = options.terms;
    this.vectors = HnswIndex.create(options.embedder.dimension, options.hnsw);
  }

  /**
   * Builds or updates the index from the folder.
   * @throws KbError `KB_DIR_MISSING`; ProviderError when the embedder is down (the previous index on
   *   disk is left as it was). Files that fail to parse are reported, never thrown.
   */
  async ingest(): Promise<IngestResult> {
    const { manifest: previous, raw: previousRaw } = await this.readManifest();
    const compatible = previous && previous.embedder.name === this.embedder.name && previous.embedder.dimension === this.embedder.dimension;
    const folder = await loadKnowledgeFolder(
      this.kbDir, previous ? Object.fromEntries(Object.entries(previous.files).map(([f, v]) => [f, v.hash])) : {}, previous?.cache ?? {},
    );

    let vectors: HnswIndex | undefined;
    if (compatible && this.passages.size === 0 && existsSync(join(this.indexDir, VECTORS))) {
      vectors = await HnswIndex.load(join(this.indexDir, VECTORS), this.embedder.dimension, previous.passages.map((p) => p.label), this.options.hnsw).catch(() => undefined);
    } else if (compatible && this.passages.size > 0) vectors = this.vectors;
    const reuse = compatible && vectors !== undefined;
    if (!reuse) vectors = HnswIndex.create(this.embedder.dimension, this.options.hnsw);
    const index = vectors!;

    const oldPassages = new Map((reuse ? previous!.passages : []).map((p) => [p.label, p]));
    let nextLabel = reuse ? previous!.nextLabel : 0;
    const files: Manifest['files'] = {};
    const passages: Passage[] = [];
    const toEmbed: Passage[] = [];

    const calcByFile = new Map(folder.calculators.map((c) => [c.source, c]));
    for (const f of folder.files) {
      if (f.report.status === 'failed' || f.report.status === 'skipped' || f.report.status === 'removed') continue;
      const prev = reuse ? previous!.files[f.file] : undefined;
      if (prev && prev.hash === f.hash && prev.labels.every((l) => oldPassages.has(l))) {
        files[f.file] = prev;
        for (const l of prev.labels) passages.push(oldPassages.get(l)!);
        continue;
      }
      const fresh: Passage[] = [];
      const calc = calcByFile.get(f.file);
      if (calc) fresh.push({ label: nextLabel++, factId: calc.spec.id, file: f.file, text: calculatorSearchText(calc), language: calc.spec.language });
      for (const o of f.occurrences) {
        if (!o.verified) continue;
        fresh.push({ label: nextLabel++, factId: o.id, file: f.file, text: [o.context, o.text].filter(Boolean).join('. '), language: String(o.language) });
      }
      files[f.file] = { hash: f.hash, labels: fresh.map((p) => p.label) };
      passages.push(...fresh);
      toEmbed.push(...fresh);
    }

    // embed first: if the embedder is down, nothing in memory or on disk changes
    const vecs = toEmbed.length ? await this.embedder.embed(toEmbed.map((p) => p.text), toEmbed.map((p) => p.language)) : [];
    const keep = new Set(passages.map((p) => p.label));
    let removedLabels = 0;
    for (const label of oldPassages.keys()) if (!keep.has(label)) { index.remove(label); removedLabels++; }
    toEmbed.forEach((p, i) => index.add(p.label, vecs[i]));

    this.vectors = index;
    this.vectorCache.clear();
    this.facts = folder.facts;
    this.calculators = new Map(folder.calculators.map((c) => [c.spec.id, c]));
    this.passages = new Map(passages.map((p) => [p.label, p]));
    // the BM25 index: each passage's analysis from lexical.json when it still describes it, else analysed now
    const lexicalKey = await lexicalCacheKey(this.terms.hash);
    const lexicalPath = join(this.indexDir, LEXICAL);
    const cachedLexical = lexicalKey && reuse ? await readLexicalCache(lexicalPath, lexicalKey) : new Map<number, { hash: string; entry: LexicalEntry }>();
    const lexicalEntries = new Map<number, { hash: string; entry: LexicalEntry }>();
    let analysed = 0;
    this.lexical = new LexicalIndex();
    for (const p of passages) {
      const hash = passageHash(p.language, p.text);
      let c = cachedLexical.get(p.label);
      if (!c || c.hash !== hash) {
        c = { hash, entry: { terms: analysisTerms(analyse(p.text, this.terms, p.language)), names: nameStems(p.text, p.language) } };
        analysed++;
      }
      lexicalEntries.set(p.label, c);
      this.lexical.add(p.label, c.entry.terms, c.entry.names);
    }
    const lexicalChanged = lexicalKey !== undefined && (analysed > 0 || cachedLexical.size !== lexicalEntries.size);

    const cache: ParseCache = {};
    for (const f of folder.files) if (f.cache) cache[f.file] = f.cache;
    const manifest: Manifest = { version: 1, embedder: { name: this.embedder.name, dimension: this.embedder.dimension }, nextLabel, files, passages, cache };
    const manifestJson = JSON.stringify(manifest);
    const vectorsChanged = !reuse || toEmbed.length > 0 || removedLabels > 0 || !existsSync(join(this.indexDir, VECTORS));
    let persistError: string | undefined;
    let saved = false;
    if (this.options.persist !== false && (vectorsChanged || manifestJson !== previousRaw || lexicalChanged)) {
      try {
        if (vectorsChanged || manifestJson !== previousRaw) await this.writeManifest(manifestJson, vectorsChanged ? index : undefined);
        if (lexicalChanged) await writeLexicalCache(lexicalPath, lexicalKey!, lexicalEntries);
        saved = true;
      } catch (err) {
        // a read-only location must not stop retrieval: the index stays in memory for this process
        persistError = `index not saved to ${this.indexDir}: ${(err as Error).message}`;
      }
    }
    const reports = folder.files.map((f) => f.report);
    if (!reuse && previous) for (const r of reports) if (r.status === 'unchanged') r.status = 'changed';
    return {
      reports, factCount: this.facts.size + this.calculators.size, embeddedPassages: toEmbed.length, analysedPassages: analysed, rebuilt: !reuse,
      filesRead: folder.filesRead, filesParsed: folder.filesParsed, saved, ...(persistError ? { persistError } : {}),
    };
  }

  /** The stored (normalised) vector of a passage, or undefined. */
  vectorOf(label: number): Float32Array | undefined {
    let v = this.vectorCache.get(label);
    if (!v) {
      const raw = this.vectors.vector(label);
      if (!raw) return undefined;
      v = Float32Array.from(raw);
      this.vectorCache.set(label, v);
    }
    return v;
  }

  /** The manifest on disk and its text (to skip rewriting an unchanged one); both undefined when absent or unreadable. */
  private async readManifest(): Promise<{ manifest?: Manifest; raw?: string }> {
    try {
      const raw = await readFile(join(this.indexDir, MANIFEST), 'utf8');
      const m = JSON.parse(raw) as Manifest;
      if (m.cache !== undefined && (typeof m.cache !== 'object' || m.cache === null || Array.isArray(m.cache))) delete m.cache;
      return m.version === 1 && Array.isArray(m.passages) ? { manifest: m, raw } : {};
    } catch {
      return {};
    }
  }

  /** Writes the manifest (and the vectors when given), each through a temporary file and a rename. */
  private async writeManifest(manifestJson: string, index: HnswIndex | undefined): Promise<void> {
    await mkdir(this.indexDir, { recursive: true });
    const tmpVec = join(this.indexDir, `${VECTORS}.tmp`);
    const tmpMan = join(this.indexDir, `${MANIFEST}.tmp`);
    if (index) await index.save(tmpVec);
    await writeFile(tmpMan, manifestJson);
    if (index) await rename(tmpVec, join(this.indexDir, VECTORS));
    await rename(tmpMan, join(this.indexDir, MANIFEST));
  }

  /** Deletes the persisted index (the next ingest rebuilds it). */
  async clear(): Promise<void> {
    await rm(this.indexDir, { recursive: true, force: true });
  }
}

/** Name terms of a passage as `w:<stem>` keys for the exact-term index. */
export function nameStems(text: string, language: Language | string): string[] {
  const lang: Language = language === 'da' || language === 'de' ? language : 'en';
  return nameWords(text).map((w) => `w:${stem(w, lang)}`);
}
