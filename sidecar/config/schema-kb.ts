import { z } from 'zod';

/** Knowledge base: the folder of verified company documents and how facts are retrieved from it. */
export const kbSchema = z.object({
  /**
   * The knowledge folder (Markdown, text, CSV, XLSX, PDF, DOCX, `*.calc.yaml` calculators). A relative
   * path is resolved against the working directory, then against the package root. Default: the
   * sample knowledge base shipped in `config/kb-sample`.
   */
  dir: z.string().min(1).default('config/kb-sample'),
  /** Where the index (HNSW vectors + manifest) is kept; empty = `<dir>.modsvar-index` beside the folder. */
  indexDir: z.string().default(''),
  /** Hybrid retrieval: score = vectorWeight·cosine + lexicalWeight·BM25 + classBonus. */
  retrieval: z.object({
    vectorWeight: z.number().min(0).max(1).default(0.4),
    lexicalWeight: z.number().min(0).max(1).default(0.6),
    /** Added to facts tagged with the objection's class. */
    classBonus: z.number().min(0).max(1).default(0.05),
    /** HNSW candidates per query before fusion. */
    vectorCandidates: z.number().int().min(1).max(10_000).default(64),
    /** Facts returned per query when the caller does not say. */
    defaultK: z.number().int().min(1).max(100).default(5),
  }).strict().prefault({}),
  /** HNSW graph parameters (hnswlib). */
  hnsw: z.object({
    m: z.number().int().min(4).max(96).default(16),
    efConstruction: z.number().int().min(10).max(2000).default(200),
    efSearch: z.number().int().min(10).max(2000).default(64),
  }).strict().prefault({}),
}).strict().prefault({});

export type KbConfig = z.infer<typeof kbSchema>;
