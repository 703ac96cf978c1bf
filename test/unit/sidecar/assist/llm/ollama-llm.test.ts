import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../../sidecar/core/errors.js';
import { OllamaLlm } from '../../../../../sidecar/assist/llm/ollama-llm.js';
import { scriptedChat, startOllamaServer, type OllamaServer } from '../../../../servers/ollama-server.js';

let server: OllamaServer;
beforeAll(async () => {
  server = await startOllamaServer();
  server.chat = scriptedChat([
    { when: 'hello', tokens: ['Vi ', 'har ', 'ISO 27001 ', '[F-305].'] },
    { when: 'slow', text: 'one two three four five six seven eight', tokenDelayMs: 200 },
    { when: 'broken', text: 'a b c d', errorAfter: 2 },
    { when: 'truncated', text: 'a b c', noDone: true },
  ]);
});
afterAll(async () => server.close());

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of it) out.push(d);
  return out;
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    return err as ProviderError;
  }
  throw new Error('expected a failure');
}

describe('OllamaLlm', () => {
  it('streams the deltas and always asks the server to stream', async () => {
    const llm = new OllamaLlm({ host: server.url, model: 'llama3.2:3b', numPredict: 120, keepAlive: '10m' });
    expect(llm.name).toBe('ollama:llama3.2:3b');
    expect(llm.streaming).toBe(true);
    const deltas = await collect(llm.chat([{ role: 'system', content: 'kort' }, { role: 'user', content: 'hello' }], { temperature: 0.1 }));
    expect(deltas).toEqual(['Vi ', 'har ', 'ISO 27001 ', '[F-305].']);
    const body = server.requests.at(-1)!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'llama3.2:3b', stream: true, keep_alive: '10m',
      options: { temperature: 0.1, num_predict: 120, num_ctx: 4096 },
      messages: [{ role: 'system', content: 'kort' }, { role: 'user', content: 'hello' }],
    });
  });

  it('maps a missing model to invalid_request, not retryable', async () => {
    const llm = new OllamaLlm({ host: server.url, model: 'nope' });
    const err = await failure(collect(llm.chat([{ role: 'user', content: 'hello' }])));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'ollama', category: 'invalid_request', status: 404, retryable: false });
  });

  it('maps an error line mid-stream and a stream without done to server errors', async () => {
    const llm = new OllamaLlm({ host: server.url, model: 'llama3.2:3b' });
    const mid = await failure(collect(llm.chat([{ role: 'user', content: 'broken' }])));
    expect(mid).toMatchObject({ category: 'server', retryable: true });
    expect(mid.message).toContain('model runner has unexpectedly stopped');
    const cut = await failure(collect(llm.chat([{ role: 'user', content: 'truncated' }])));
    expect(cut).toMatchObject({ category: 'server' });
  });

  it('maps a refused connection to connectivity', async () => {
    const dead = await startOllamaServer();
    const url = dead.url;
    await dead.close();
    const err = await failure(collect(new OllamaLlm({ host: url, model: 'llama3.2:3b' }).chat([{ role: 'user', content: 'hello' }])));
    expect(err).toMatchObject({ category: 'connectivity', retryable: true });
  });

  it('maps a 503 from a full queue to a retryable server error', async () => {
    server.fault = { status: 503, body: 'server busy, please try again' };
    try {
      const err = await failure(collect(new OllamaLlm({ host: server.url, model: 'llama3.2:3b' }).chat([{ role: 'user', content: 'hello' }])));
      expect(err).toMatchObject({ category: 'server', status: 503, retryable: true });
    } finally {
      server.fault = undefined;
    }
  });

  it('throws AbortError when the signal aborts mid-stream, and the server sees the connection close', async () => {
    const llm = new OllamaLlm({ host: server.url, model: 'llama3.2:3b' });
    const ac = new AbortController();
    const got: string[] = [];
    let error: Error | undefined;
    try {
      for await (const d of llm.chat([{ role: 'user', content: 'slow' }], { signal: ac.signal })) {
        got.push(d);
        if (got.length === 2) ac.abort();
      }
    } catch (err) {
      error = err as Error;
    }
    expect(error?.name).toBe('AbortError');
    expect(got).toEqual(['one ', 'two ']);
  });

  it('maps its own request deadline to a timeout', async () => {
    const llm = new OllamaLlm({ host: server.url, model: 'llama3.2:3b', requestTimeoutMs: 300 });
    const err = await failure(collect(llm.chat([{ role: 'user', content: 'slow' }])));
    expect(err).toMatchObject({ category: 'timeout', retryable: true });
  });

  it('refuses a configuration without host or model', () => {
    expect(() => new OllamaLlm({ host: '', model: 'x' })).toThrow(TypeError);
    expect(() => new OllamaLlm({ host: 'http://h', model: '' })).toThrow(TypeError);
  });
});
