import { describe, expect, it } from 'vitest';
import { embedderSchema, kbSchema } from '../../../../../sidecar/config/schema.js';
import { createEmbedder, createRetrieval, loadConfiguredTerms, resolveConfigPath } from '../../../../../sidecar/assist/retrieval/create-retrieval.js';
import { LocalEmbedder } from '../../../../../sidecar/assist/retrieval/local-embedder.js';
import { OllamaEmbedder } from '../../../../../sidecar/assist/retrieval/ollama-embedder.js';
import { startOllamaServer } from '../../../../servers/ollama-server.js';

describe('createRetrieval', () => {
  it('builds the local stack from defaults: the shipped sample folder, index beside it, 2048 dimensions', async () => {
    const { index, retriever } = await createRetrieval(kbSchema.parse({}), embedderSchema.parse({}), { persist: false });
    expect(index.kbDir).toBe(resolveConfigPath('config/kb-sample'));
    expect(index.indexDir).toBe(`${index.kbDir}.modsvar-index`);
    expect(index.embedder).toBeInstanceOf(LocalEmbedder);
    expect(index.embedder.dimension).toBe(2048);
    const r = await index.ingest();
    expect(r.factCount).toBe(136);
    expect((await retriever.search({ text: 'are you iso 27001 certified', k: 3 })).map((h) => h.fact.id)).toContain('F-305');
  });

  it('connects the Ollama embedder when configured, and fails with a ProviderError when Ollama is down', async () => {
    const server = await startOllamaServer({ embedDimension: 16 });
    const cfg = embedderSchema.parse({ provider: 'ollama', ollama: { host: server.url, model: 'nomic-embed-text' } });
    const e = await createEmbedder(cfg, loadConfiguredTerms(cfg));
    expect(e).toBeInstanceOf(OllamaEmbedder);
    expect(e.dimension).toBe(16);
    await server.close();
    await expect(createEmbedder(cfg, loadConfiguredTerms(cfg))).rejects.toMatchObject({ code: 'PROVIDER_CONNECTIVITY', provider: 'ollama' });
  });
});
