import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaEmbedder } from '../../../../../sidecar/assist/retrieval/ollama-embedder.js';
import { fakeEmbedding, startOllamaServer, type OllamaServer } from '../../../../servers/ollama-server.js';

let server: OllamaServer;
beforeEach(async () => {
  server = await startOllamaServer({ embedDimension: 32 });
});
afterEach(async () => {
  await server.close();
});

describe('OllamaEmbedder against a local /api/embed server', () => {
  it('learns the dimension with one probe and names itself after the model', async () => {
    const e = await OllamaEmbedder.connect({ host: server.url, model: 'nomic-embed-text' });
    expect(e.dimension).toBe(32);
    expect(e.name).toBe('ollama:nomic-embed-text');
    expect(server.requests).toEqual([{ method: 'POST', path: '/api/embed', body: { model: 'nomic-embed-text', input: ['dimension probe'] } }]);
  });

  it('sends texts in batches, in order, and returns normalised vectors', async () => {
    const e = new OllamaEmbedder({ host: server.url, model: 'nomic-embed-text', batchSize: 2 }, 32);
    const vecs = await e.embed(['too expensive', 'for dyrt', 'zu teuer']);
    expect(server.requests.map((r) => (r.body as { input: string[] }).input)).toEqual([['too expensive', 'for dyrt'], ['zu teuer']]);
    expect(vecs).toHaveLength(3);
    expect(Array.from(vecs[2]).map((x) => Math.round(x * 1e5))).toEqual(fakeEmbedding('zu teuer', 32).map((x) => Math.round(x * 1e5)));
    expect(Math.hypot(...vecs[0])).toBeCloseTo(1, 5);
  });

  it('reports a missing model as a non-retryable invalid_request ProviderError', async () => {
    const e = new OllamaEmbedder({ host: server.url, model: 'no-such-model' }, 32);
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_INVALID_REQUEST', provider: 'ollama', status: 404, retryable: false, message: expect.stringContaining('not found') });
  });

  it('reports a server error as retryable, a timeout as timeout, and a closed port as connectivity', async () => {
    server.fault = { status: 500, body: 'runner failed' };
    const e = new OllamaEmbedder({ host: server.url, model: 'nomic-embed-text', timeoutMs: 200 }, 32);
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_SERVER', retryable: true, status: 500 });
    server.fault = undefined;
    server.delayMs = 1000;
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_TIMEOUT', retryable: true });
    server.delayMs = 0;
    const url = server.url;
    await server.close();
    await expect(new OllamaEmbedder({ host: url, model: 'nomic-embed-text' }, 32).embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_CONNECTIVITY' });
    server = await startOllamaServer();
  });

  it('rejects vectors of another dimension than declared', async () => {
    const e = new OllamaEmbedder({ host: server.url, model: 'nomic-embed-text' }, 768);
    await expect(e.embed(['x'])).rejects.toMatchObject({ code: 'PROVIDER_SERVER', message: expect.stringContaining('32 dimensions, expected 768') });
  });
});
