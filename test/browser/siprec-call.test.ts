/**
 * The whole product in real Chromium: the sidecar started by its composition root (`startSidecar`, as
 * `modsvar serve` does) with Deepgram pointed at the local Deepgram protocol server, the test knowledge
 * base and the CSV CRM; a SIPREC call made by the SiprecDriver (INVITE through the fake drachtio-server,
 * live RTP per participant, BYE). The agent's page must open the call by itself and show the
 * transcript and a price card built from the knowledge base; the agent's feedback must reach the
 * server; the supervisor wall must list the call with its counts and drop it after the BYE.
 *
 * Needs Debian's `chromium` package; skips with a printed reason when it is absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../sidecar/calls/call-registry.js';
import { packageRoot } from '../../sidecar/config/load-config.js';
import { configSchema } from '../../sidecar/config/schema.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { startSidecar, type Sidecar } from '../../sidecar/main.js';
import { FakeDrachtioServer } from '../servers/drachtio-server.js';
import { startDeepgramServer, type DeepgramTestServer } from '../servers/deepgram-server.js';
import { chromiumPath, launchChromium } from './chromium.js';
import type { CallScript } from './drivers/call-driver.js';
import { SiprecDriver, words } from './drivers/siprec-driver.js';

const CHROMIUM = chromiumPath();
if (!CHROMIUM) console.warn('test/browser: skipped — Debian package "chromium" is not installed (apt-get install chromium)');

const ROOT = packageRoot();
const ARTIFACTS = join(ROOT, 'test-artifacts');
const TOKENS = { agent: 'siprec-e2e-agent-token-5c4b3a2918', sup: 'siprec-e2e-supervisor-token-7d6e5f4a3b' };

const call: CallScript = {
  callId: 'pbx-siprec-e2e-1',
  language: 'en',
  startedAgoMs: 0,
  participants: [
    { id: 'c', aor: 'sip:+4520123456@trunk.example.net', name: 'Mette Lund', role: 'customer' },
    { id: 'a', aor: 'sip:1001@pbx.example.com', name: 'Anna Holm', role: 'agent' },
  ],
  turns: [
    { role: 'agent', startMs: 0, text: 'Good morning, how can I help?' },
    { role: 'customer', startMs: 0, text: 'That is too expensive for us.' },
    { role: 'agent', startMs: 0, text: 'I can help with the price.' },
  ],
};
const VOCABULARY = [...new Set(call.turns.flatMap((t) => words(t.text)))];

describe.skipIf(!CHROMIUM)('a SIPREC call through the whole sidecar, seen in Chromium', () => {
  let drachtio: FakeDrachtioServer;
  let deepgram: DeepgramTestServer;
  let sidecar: Sidecar;
  let browser: Browser;
  let driver: SiprecDriver;
  let dir: string;
  const feedback: FeedbackRecord[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'agent-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'modsvar-siprec-ui-'));
    drachtio = await FakeDrachtioServer.start({ secret: 'ui-e2e-secret' });
    deepgram = await startDeepgramServer({ apiKey: 'ui-e2e-deepgram-key', vocabulary: VOCABULARY });
    const base = 47200 + (process.pid % 50) * 20;
    const config = configSchema.parse({
      drachtio: { host: '127.0.0.1', port: drachtio.port, secret: 'ui-e2e-secret', reconnectMaxMs: 400 },
      sip: { allowedSources: ['192.0.2.0/24', '127.0.0.0/8'], rtpPortMin: base, rtpPortMax: base + 18, rtpBindAddress: '127.0.0.1', mediaAddress: '127.0.0.1' },
      media: { jitterBufferMs: 40 },
      asr: { provider: 'deepgram', defaultLanguage: 'en', vad: { enabled: false }, finishTimeoutMs: 900, deepgram: { baseUrl: deepgram.url } },
      kb: { dir: new URL('../fixtures/kb', import.meta.url).pathname, indexDir: join(dir, 'index') },
      crm: { provider: 'file', file: { path: new URL('../fixtures/crm/customers.csv', import.meta.url).pathname } },
      api: {
        host: '127.0.0.1', port: 0,
        tokens: [
          { tokenEnv: 'E2E_AGENT', role: 'agent', aors: ['1001'], name: 'Anna Holm' },
          { tokenEnv: 'E2E_SUP', role: 'supervisor', name: 'Sofie Lund' },
        ],
      },
      llm: { provider: 'none' },
    });
    sidecar = await startSidecar({
      config, logger: silentLogger(),
      env: { DEEPGRAM_API_KEY: 'ui-e2e-deepgram-key', E2E_AGENT: TOKENS.agent, E2E_SUP: TOKENS.sup },
    });
    sidecar.registry.observer.on('feedback', (f) => feedback.push(f));
    await drachtio.waitForRoute('invite', 1, 10_000);
    driver = new SiprecDriver({ drachtio, vocabulary: VOCABULARY });
    browser = await launchChromium(CHROMIUM!);
  }, 120_000);

  afterAll(async () => {
    driver?.close();
    await browser?.close();
    await sidecar?.stop(3000);
    await drachtio?.close();
    await deepgram?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('pageerror', (err) => { throw err; });
    await page.goto(sidecar.api!.url + '/');
    await page.locator('#token').fill(token);
    await page.click('button[type=submit]');
    return page;
  }

  it('shows the recorded call\'s transcript and a knowledge-base price card to the agent, takes feedback, and lists the call on the wall', async () => {
    const page = await signIn(TOKENS.agent);
    await page.getByText('Waiting for your next call').waitFor();

    const callId = await driver.start(call);
    await page.locator('[data-testid=customer-name]').filter({ hasText: 'Mette Lund' }).waitFor({ timeout: 15_000 });
    expect(page.url()).toContain(`/call/${callId}`);
    // the CRM (test/fixtures/crm/customers.csv) knows the customer's number
    await expect.poll(() => page.locator('.company').textContent(), { timeout: 10_000 }).toBe('Fjordhotel A/S');

    await driver.play(call, 0, 2);
    await page.locator('.line.agent:not(.interim) .text', { hasText: 'good morning how can i help' }).waitFor({ timeout: 15_000 });
    await page.locator('.line.customer:not(.interim) .text', { hasText: 'that is too expensive for us' }).waitFor({ timeout: 15_000 });
    const card = page.locator('[data-testid=card]', { has: page.locator('.badge.class-price') });
    await card.waitFor({ timeout: 15_000 });
    const reply = (await card.locator('.reply').textContent()) ?? '';
    expect(reply.length).toBeGreaterThan(20);

    // the card's citations are facts of the test knowledge base, expandable to their source files
    const server = sidecar.registry.snapshot(callId)!.call.cards.find((c) => c.objectionClass === 'price')!;
    expect(server.citations.length).toBeGreaterThan(0);
    for (const c of server.citations) expect(sidecar.assist.retrieval!.index.facts.has(c.factId) || sidecar.assist.retrieval!.index.calculators.has(c.factId)).toBe(true);
    await card.locator('details.sources summary').click();
    await card.locator('cite', { hasText: server.citations[0].source }).first().waitFor();
    expect(server.stages.asrAtMs).toBeLessThanOrEqual(server.stages.extractiveAtMs!);

    // the agent marks it used: the verdict reaches the server and the ledger counts the objection answered
    await page.keyboard.press('u');
    await expect.poll(() => feedback.length).toBe(1);
    expect(feedback[0]).toMatchObject({ callId, kind: 'used', by: 'token:E2E_AGENT', card: { objectionClass: 'price' } });
    await expect.poll(() => sidecar.registry.snapshot(callId)!.call.ledger.map((l) => l.state)).toEqual(['answered']);
    await driver.play(call, 2, 3);
    await page.locator('.line.agent:not(.interim) .text', { hasText: 'i can help with the price' }).waitFor({ timeout: 15_000 });
    // per-stream RTP counters reach the call's health (published every 5 s while they change)
    const media = await expect.poll(() => sidecar.registry.snapshot(callId)!.call.health.find((h) => h.component === 'media'), { timeout: 10_000 }).toBeDefined()
      .then(() => sidecar.registry.snapshot(callId)!.call.health.find((h) => h.component === 'media')!);
    expect(media.status).toBe('ok');
    expect(media.streams!.map((s) => [s.label, s.role])).toEqual([['1', 'customer'], ['2', 'agent']]);
    for (const s of media.streams!) expect(s.packetsReceived).toBeGreaterThan(100);
    await page.screenshot({ path: join(ARTIFACTS, 'siprec-agent-view.png') });
    await page.context().close();

    // the supervisor wall lists the live call with its counts, and drops it after the BYE
    const wall = await signIn(TOKENS.sup);
    await wall.waitForURL(/\/wall$/);
    const row = wall.locator(`[data-testid=wall-row][data-call-id="${callId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=objections]').textContent()).toBe('1');
    // answered by "used" feedback: no warning pill (the wall leaves a zero count blank)
    expect(await row.locator('[data-testid=unanswered]').textContent()).toBe('0');
    expect(await row.locator('[data-testid=unanswered] .pill-warn').count()).toBe(0);
    expect(await row.textContent()).toContain('Anna Holm');
    await wall.screenshot({ path: join(ARTIFACTS, 'siprec-supervisor-wall.png') });
    await driver.end(callId);
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => sidecar.hub.size).toBe(0);
    expect(sidecar.registry.list('recent').find((s) => s.callId === callId)).toMatchObject({ state: 'ended', objectionsRaised: 1, cardsShown: 1, objectionsUnanswered: 0 });
    // one Deepgram session per stream, both drained at the BYE
    expect(deepgram.connections).toHaveLength(2);
    for (const c of deepgram.connections) expect(c.controls.at(-1)).toEqual({ type: 'CloseStream' });
    await wall.context().close();
  }, 120_000);
});
