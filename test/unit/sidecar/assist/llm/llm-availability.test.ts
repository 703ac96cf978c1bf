import { afterEach, describe, expect, it } from 'vitest';
import { LlmAvailability } from '../../../../../sidecar/assist/llm/llm-availability.js';
import { startOllamaServer, type OllamaServer } from '../../../../servers/ollama-server.js';
import { captureLogger } from '../../sip/srf-harness.js';

let server: OllamaServer | undefined;
let watch: LlmAvailability | undefined;
afterEach(async () => {
  watch?.stop();
  await server?.close();
  server = watch = undefined;
});

describe('LlmAvailability', () => {
  it('reports an answering Ollama, then its outage once, then its return once', async () => {
    server = await startOllamaServer();
    const { logger, lines } = captureLogger();
    const changes: boolean[] = [];
    watch = new LlmAvailability({ name: 'ollama:llama3.2:3b', host: server.url, logger, onChange: (up) => changes.push(up) });
    expect(await watch.start()).toBe(true);
    expect(watch.detail).toBe('ollama:llama3.2:3b answers');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/version']);

    server.fault = { status: 503, body: 'loading' };
    expect(await watch.probe()).toBe(false);
    expect(await watch.probe()).toBe(false);
    expect(watch.detail).toBe(`${server.url} answered HTTP 503`);
    server.fault = undefined;
    expect(await watch.probe()).toBe(true);
    expect(changes).toEqual([true, false, true]);
    const said = lines.filter((l) => l.llm === 'ollama:llama3.2:3b').map((l) => l.msg);
    expect(said).toEqual([
      'language model unreachable: cards stay extractive until it answers (rechecked every 30 s)',
      'language model reachable again: cards are drafted',
    ]);
  });

  it('treats a host nobody listens on as unreachable, logged once at start', async () => {
    server = await startOllamaServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const { logger, lines } = captureLogger();
    watch = new LlmAvailability({ name: 'ollama:m', host: url, logger, timeoutMs: 1000 });
    expect(await watch.start()).toBe(false);
    expect(watch.available).toBe(false);
    expect(watch.detail).toBe(`${url} unreachable (connection failed)`);
    await watch.probe();
    expect(lines.filter((l) => l.msg.startsWith('language model unreachable')).length).toBe(1);
  });
});
