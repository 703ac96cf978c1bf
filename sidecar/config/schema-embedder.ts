import { z } from 'zod';

/** Text embeddings for retrieval. */
export const embedderSchema = z.object({
  /** `local`: hashed word/concept/character features, no download; `ollama`: an Ollama embedding model. */
  provider: z.enum(['local', 'ollama']).default('local'),
  local: z.object({
    /** Vector dimension (hash buckets). */
    dimension: z.number().int().min(64).max(65_536).default(2048),
    /** Bilingual term map (YAML, concept → forms); relative to the working directory, then the package root. */
    termsFile: z.string().default('config/kb-terms.yaml'),
  }).strict().prefault({}),
  ollama: z.object({
    /** Ollama server URL. */
    host: z.string().min(1).default('http://127.0.0.1:11434'),
    /** Embedding model (must be pulled on the server), e.g. nomic-embed-text (768), bge-m3 (1024). */
    model: z.string().min(1).default('nomic-embed-text'),
    /** Deadline per request in ms. */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Texts per /api/embed request. */
    batchSize: z.number().int().min(1).max(1024).default(32),
  }).strict().prefault({}),
}).strict().prefault({});

export type EmbedderConfig = z.infer<typeof embedderSchema>;
