import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssist, type AssistStack } from '../../../../sidecar/assist/create-assist.js';
import { configSchema } from '../../../../sidecar/config/schema.js';
import { startOllamaServer, type OllamaServer } from '../../../servers/ollama-server.js';
import { captureLogger } from '../sip/srf-harness.js';

const KB_DIR = new URL('../../../fixtures/kb', import.meta.url).pathname;
const CRM_FILE = new URL('../../../fixtures/crm/customers.csv', import.meta.url).pathname;

let dir: string | undefined;
let stack: AssistStack | undefined;
let ollama: OllamaServer | undefined;
afterEach(async () => {
  stack?.close();
  await ollama?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = stack = ollama = undefined;
});

describe('createAssist', () => {
  it('builds a missing knowledge index at start and is ready; with no language model every card is extractive', async () => {
    dir = mkdtempSync(join(tmpdir(), 'modsvar-assist-'));
    const indexDir = join(dir, 'index');
    const config = configSchema.parse({ kb: { dir: KB_DIR, indexDir }, crm: { provider: 'file', file: { path: CRM_FILE } } });
    const { logger, lines } = captureLogger();
    stack = await createAssist(config, { logger });
    expect(existsSync(join(indexDir, 'manifest.json'))).toBe(true);
    const ready = stack.indexReady();
    expect(ready.ok).toBe(true);
    expect(ready.detail).toMatch(new RegExp(`^\\d+ verified facts from ${KB_DIR}$`));
    expect(lines.some((l) => l.msg === 'knowledge index built')).toBe(true);
    expect(stack.services.composer.drafting).toBe(false);
    expect(stack.services.contexts).toBeDefined();
    const hits = await stack.retriever.search({ text: 'that is too expensive for us', objectionClass: 'price', k: 3 });
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.fact.verified)).toBe(true);
    stack.close();

    // a second start loads the saved index instead of embedding again
    const again = captureLogger();
    stack = await createAssist(config, { logger: again.logger });
    expect(again.lines.some((l) => l.msg === 'knowledge index loaded')).toBe(true);
  });

  it('names a missing knowledge folder, keeps going with empty retrieval, and reports the index not ready', async () => {
    dir = mkdtempSync(join(tmpdir(), 'modsvar-assist-'));
    const config = configSchema.parse({ kb: { dir: join(dir, 'no-such-kb'), indexDir: join(dir, 'index') }, crm: { provider: 'none' } });
    const { logger, lines } = captureLogger();
    stack = await createAssist(config, { logger, indexRetryMs: 60_000 });
    const ready = stack.indexReady();
    expect(ready.ok).toBe(false);
    expect(ready.detail).toContain('KB_DIR_MISSING');
    expect(lines.some((l) => l.code === 'KB_DIR_MISSING' && l.level === 50)).toBe(true);
    expect(await stack.retriever.search({ text: 'too expensive' })).toEqual([]);
    expect(stack.services.contexts).toBeUndefined();
  });

  it('drafts only while the configured Ollama answers: extractive while it is down, drafted once it is back', async () => {
    ollama = await startOllamaServer();
    ollama.fault = { status: 503, body: 'starting' };
    dir = mkdtempSync(join(tmpdir(), 'modsvar-assist-'));
    const config = configSchema.parse({
      kb: { dir: KB_DIR, indexDir: join(dir, 'index') }, crm: { provider: 'none' },
      llm: { provider: 'ollama', ollama: { host: ollama.url } },
    });
    stack = await createAssist(config, { logger: captureLogger().logger });
    expect(stack.llm?.available).toBe(false);
    expect(stack.services.composer.drafting).toBe(false);
    ollama.fault = undefined;
    await stack.llm!.probe();
    expect(stack.services.composer.drafting).toBe(true);
  });
});
