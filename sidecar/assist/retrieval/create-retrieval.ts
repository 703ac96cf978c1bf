/**
 * Composition of the retrieval stack from configuration: embedder (local or Ollama), term map,
 * knowledge index and hybrid retriever. The only place that chooses an embedder adapter.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { packageRoot } from '../../config/load-config.js';
import type { EmbedderConfig, KbConfig } from '../../config/schema.js';
import type { Embedder } from '../ports.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { LocalEmbedder } from './local-embedder.js';
import { OllamaEmbedder } from './ollama-embedder.js';
import { loadTermMap, type TermMap } from './term-map.js';
import { stemAll } from './text-analyzer.js';

/** Resolves a configured path: absolute as is; relative against the working directory if it exists there, else the package root. */
export function resolveConfigPath(p: string): string {
  if (!p) return p;
  if (isAbsolute(p)) return p;
  const fromCwd = resolve(process.cwd(), p);
  return existsSync(fromCwd) ? fromCwd : resolve(packageRoot(), p);
}

/** Loads the term map named by the embedder config (forms are also matched by their da/de/en stems). */
export function loadConfiguredTerms(config: EmbedderConfig): TermMap {
  return loadTermMap(config.local.termsFile ? resolveConfigPath(config.local.termsFile) : undefined, stemAll);
}

/**
 * Creates the configured embedder.
 * @throws ProviderError when `provider: ollama` and the server cannot be reached (no silent fallback:
 *   an index built by another embedder would not match).
 */
export async function createEmbedder(config: EmbedderConfig, terms: TermMap): Promise<Embedder> {
  if (config.provider === 'ollama') return OllamaEmbedder.connect(config.ollama);
  return new LocalEmbedder({ dimension: config.local.dimension, terms });
}

/** The assembled stack. */
export interface RetrievalStack {
  index: KnowledgeIndex;
  retriever: HybridRetriever;
}

/** Builds the knowledge index and retriever (does not ingest; call `index.ingest()`). */
export async function createRetrieval(kb: KbConfig, embedderConfig: EmbedderConfig, overrides: { kbDir?: string; persist?: boolean } = {}): Promise<RetrievalStack> {
  const terms = loadConfiguredTerms(embedderConfig);
  const embedder = await createEmbedder(embedderConfig, terms);
  const index = new KnowledgeIndex({
    kbDir: overrides.kbDir ? resolve(overrides.kbDir) : resolveConfigPath(kb.dir),
    indexDir: kb.indexDir ? resolveConfigPath(kb.indexDir) : undefined,
    embedder, terms, hnsw: kb.hnsw, persist: overrides.persist,
  });
  return { index, retriever: new HybridRetriever(index, kb.retrieval) };
}
