/**
 * End to end in real Chromium: the sidecar's API serves the built agent UI; a call is driven through
 * a CallDriver (see drivers/call-driver.ts); the agent page must open the call by itself and show the
 * transcript and the cards, the agent's feedback must reach the server, and the supervisor wall must
 * list the call with its counts. Screenshots of both views go to test-artifacts/.
 *
 * Needs Debian's `chromium` package; skips with a printed reason when it is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer, callRegistryOptions } from '../../sidecar/api/server.js';
import { CallRegistry, type FeedbackRecord } from '../../sidecar/calls/call-registry.js';
import { packageRoot } from '../../sidecar/config/load-config.js';
import { apiSchema } from '../../sidecar/config/schema.js';
import { annaCall, boCall, carlaCall } from './call-scripts.js';
import { chromiumPath, launchChromium } from './chromium.js';
import type { CallDriver } from './drivers/call-driver.js';
import { RegistryDriver } from './drivers/registry-driver.js';

const CHROMIUM = chromiumPath();
if (!CHROMIUM) console.warn('test/browser: skipped — Debian package "chromium" is not installed (apt-get install chromium)');

const ROOT = packageRoot();
const ARTIFACTS = join(ROOT, 'test-artifacts');
const TOKENS = { anna: 'e2e-anna-token-9f8e7d6c5b4a', sup: 'e2e-supervisor-token-1a2b3c4d5e' };

describe.skipIf(!CHROMIUM)('agent UI and supervisor wall in Chromium', () => {
  let registry: CallRegistry;
  let app: Awaited<ReturnType<typeof buildApiServer>>;
  let base: string;
  let browser: Browser;
  let driver: CallDriver;
  const feedback: FeedbackRecord[] = [];

  beforeAll(async () => {
    // The UI under test is the one in this tree: build it (≈ 5 s).
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'agent-ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(join(ARTIFACTS, 'login.png'), { force: true });
    const config = apiSchema.parse({
      host: '127.0.0.1', port: 0,
      tokens: [
        { tokenEnv: 'E2E_ANNA', role: 'agent', aors: ['1001'], name: 'Anna Holm' },
        { tokenEnv: 'E2E_SUP', role: 'supervisor', name: 'Sofie Lund' },
      ],
    });
    registry = new CallRegistry(callRegistryOptions(config));
    registry.observer.on('feedback', (f) => feedback.push(f));
    app = await buildApiServer({ config, registry, env: { E2E_ANNA: TOKENS.anna, E2E_SUP: TOKENS.sup }, processMetrics: false });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium(CHROMIUM!);
    driver = new RegistryDriver(registry);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    registry?.close();
  });

  async function signIn(token: string, path = '/'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.on('pageerror', (err) => { throw err; });
    await page.goto(base + path);
    await page.locator('#token').waitFor();
    if (!existsSync(join(ARTIFACTS, 'login.png'))) await page.screenshot({ path: join(ARTIFACTS, 'login.png') });
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    return page;
  }

  it('opens the agent\'s live call by itself, streams transcript and cards, and sends feedback', async () => {
    const page = await signIn(TOKENS.anna);
    await page.getByText('Waiting for your next call').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'agent-waiting.png') });

    // Other agents' calls exist but never reach Anna's page.
    await driver.start(boCall);
    await driver.play(boCall, 0, boCall.turns.length);
    await driver.start(carlaCall);
    await driver.play(carlaCall, 0, carlaCall.turns.length);

    const callId = await driver.start(annaCall);
    await page.locator('[data-testid=customer-name]').filter({ hasText: 'Jens Madsen' }).waitFor();
    expect(page.url()).toContain(`/call/${callId}`);
    await expect.poll(() => page.locator('.company').textContent()).toBe('Nordlys Logistik A/S');

    await driver.play(annaCall, 0, 3);
    const customerLine = page.locator('.line.customer:not(.interim) .text', { hasText: 'mere end det vi betaler i dag' });
    await customerLine.waitFor();
    expect(await page.locator('.line.agent .role').first().textContent()).toBe('Sælger');
    const priceCard = page.locator('[data-testid=card]', { has: page.locator('.badge.class-price') });
    await priceCard.locator('.reply', { hasText: '12 % på licenser det første år, og implementeringen' }).waitFor();
    expect(await priceCard.locator('.badge').textContent()).toBe('Pris');
    expect(await priceCard.locator('.conf').textContent()).toContain('91 %');
    expect(await priceCard.locator('.conf').getAttribute('class')).toContain('conf-ok');

    // Cited facts expand to their text and source.
    await priceCard.locator('details.sources summary').click();
    await priceCard.locator('cite', { hasText: 'priser/prisark-2026.pdf · side 3' }).waitFor();

    // Keyboard: U marks the selected (newest) card used; the verdict reaches the server.
    await page.keyboard.press('u');
    await expect.poll(() => feedback.length).toBe(1);
    expect(feedback[0]).toMatchObject({ callId, kind: 'used', by: 'token:E2E_ANNA', card: { objectionClass: 'price' } });
    await priceCard.locator('[data-testid=feedback-state]', { hasText: 'Markeret brugt' }).waitFor();

    // Interim words show faint (italic, grey) and the final replaces them in place. (Published straight
    // into the registry: a UI behaviour, independent of how the call is driven.)
    registry.publish({ type: 'transcript.interim', callId, segment: { utteranceId: `${callId}-u3`, streamLabel: '2', role: 'agent', text: 'Det forstår jeg', startMs: 112_000, endMs: 113_000 } });
    const interim = page.locator('.line.interim', { hasText: 'Det forstår jeg' });
    await interim.waitFor();
    expect(await interim.locator('.text').evaluate((el) => getComputedStyle(el).fontStyle)).toBe('italic');

    // The agent answers; then a low-confidence timing card with a removed sentence arrives on top.
    await driver.play(annaCall, 3, 5);
    await interim.waitFor({ state: 'detached' });
    expect(await page.locator('.line.agent .text', { hasText: 'Det forstår jeg godt' }).count()).toBe(1);
    const timingCard = page.locator('[data-testid=card]').first();
    await timingCard.locator('.badge.class-timing').waitFor();
    await timingCard.locator('.reply', { hasText: 'så der ikke betales dobbelt' }).waitFor();
    expect(await timingCard.locator('.conf').getAttribute('class')).toContain('conf-low');
    expect(await timingCard.locator('.conf').textContent()).toContain('Ikke verificeret');
    expect(await timingCard.locator('[data-testid=removed]').textContent()).toContain('1 udokumenteret sætning fjernet');

    // Clicking "Forkert" on the price card records a second verdict.
    await priceCard.locator('button.fb-wrong').click();
    await expect.poll(() => feedback.map((f) => f.kind)).toEqual(['used', 'wrong']);
    expect(registry.snapshot(callId)!.call.cards.find((c) => c.objectionClass === 'price')!.feedback?.kind).toBe('wrong');
    await page.keyboard.press('k'); // back to the newest card
    await page.locator('.line.interim').count().then((n) => expect(n).toBe(0));
    await page.screenshot({ path: join(ARTIFACTS, 'agent-view.png') });
    await page.context().close();
  });

  it('lists every live call on the supervisor wall with its counts, alerts and today\'s figures', async () => {
    const page = await signIn(TOKENS.sup);
    await page.waitForURL(/\/wall$/);
    const row = page.locator(`[data-testid=wall-row][data-call-id="${annaCall.callId}"]`);
    await row.waitFor();
    expect(await page.locator('[data-testid=wall-row]').count()).toBe(3);
    expect(await row.locator('[data-testid=objections]').textContent()).toBe('2');
    expect(await row.locator('[data-testid=unanswered]').textContent()).toBe('1');
    expect(await row.textContent()).toContain('Anna Holm');
    expect(await row.textContent()).toContain('Nordlys Logistik A/S');
    // Anna's call has a card marked wrong and Bo's has unanswered objections: both highlighted; Carla's is calm.
    expect(await row.getAttribute('class')).toContain('alert');
    expect(await page.locator(`[data-call-id="${boCall.callId}"]`).getAttribute('class')).toContain('alert');
    expect((await page.locator(`[data-call-id="${carlaCall.callId}"]`).getAttribute('class')) ?? '').not.toContain('alert');
    // no unanswered objection shows as 0, not as a blank cell
    expect(await page.locator(`[data-call-id="${carlaCall.callId}"] [data-testid=unanswered]`).textContent()).toBe('0');
    await page.locator('[data-testid=stats] .kpi-v').first().waitFor();
    expect(await page.locator('[data-testid=stats]').textContent()).toContain('Wrong 17 % (1)');

    // Sort by unanswered objections, most first.
    await page.locator('th button.sort', { hasText: 'Unanswered' }).click();
    expect(await page.locator('[data-testid=wall-row]').first().getAttribute('data-call-id')).toBe(boCall.callId);
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-wall.png') });

    // Click through to the call: read-only, same transcript and cards, objection timeline.
    await row.click();
    await page.waitForURL(new RegExp(`/call/${annaCall.callId}$`));
    await page.locator('.readonly').waitFor();
    expect(await page.locator('button.fb-used').count()).toBe(0);
    expect(await page.locator('[data-testid=card]').count()).toBe(2);
    expect(await page.locator('[data-testid=timeline] circle.dot').count()).toBe(2);
    expect(await page.locator('[data-testid=timeline] circle.answered').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-call.png') });

    // The call ends: it leaves the wall.
    await page.goBack();
    await page.locator(`[data-call-id="${annaCall.callId}"]`).waitFor();
    await driver.end(annaCall.callId);
    await page.locator(`[data-call-id="${annaCall.callId}"]`).waitFor({ state: 'detached' });
    expect(existsSync(join(ARTIFACTS, 'supervisor-wall.png'))).toBe(true);
    await page.context().close();
  });

  it('shows a transcript replay at 2× in call time, with media and ASR not applicable and no placeholder names', async () => {
    // A transcript replay 49 s of wall time in, at 2× speed: the call's timeline has reached 1:38.
    const callId = 'replay-transcript-2x';
    const startedAtMs = Date.now() - 49_000;
    registry.upsertCall({
      callId, startedAtMs, language: 'en', source: 'transcript',
      participants: [
        { id: 'agent', aor: 'sip:agent@replay.invalid', name: 'Agent', role: 'agent' },
        { id: 'customer', aor: 'sip:customer@replay.invalid', name: 'Customer', role: 'customer' },
      ],
    });
    const seg = (i: number, role: 'agent' | 'customer', startMs: number, endMs: number, text: string) =>
      registry.publish({ type: 'transcript.final', callId, segment: { utteranceId: `${callId}-u${i}`, streamLabel: role === 'agent' ? '1' : '2', role, text, startMs, endMs } });
    seg(0, 'agent', 80_000, 86_000, 'Thanks for taking the time today.');
    seg(1, 'customer', 92_000, 98_000, 'Honestly this is more than we pay for our current tool.');
    registry.publish({ type: 'objection', callId, objection: { objectionId: 'ro1', objectionClass: 'price', confidence: 0.9, utteranceId: `${callId}-u1`, text: 'more than we pay', raisedMs: 92_000 } });
    // the ledger entry is raised at 1:45 (later than the clock) and was shown on another clock: never past "now"
    registry.publish({ type: 'ledger', callId, entry: { objectionId: 'ro1', objectionClass: 'price', state: 'card_shown', raisedMs: 105_000, cardShownMs: 49_000, cardId: 'rc1' } });
    registry.publish({ type: 'card.created', callId, card: {
      cardId: 'rc1', objectionId: 'ro1', objectionClass: 'price', status: 'final', text: 'Teams of your size save 12 % on licences in the first year.',
      citations: [], confidence: 0.9, removedCount: 0, language: 'en', createdAtMs: Date.now(), updatedAtMs: Date.now(), stages: {},
    } });

    const page = await signIn(TOKENS.sup, `/call/${callId}`);
    await page.locator('[data-testid=call-source]').waitFor();
    expect(await page.locator('.timer').textContent()).toBe('01:38');
    expect(await page.locator('[data-testid=card-time]').textContent()).toBe('01:32');
    expect(await page.locator('.line.customer .at').textContent()).toBe('01:32');
    for (const component of ['media', 'asr']) {
      const chip = page.locator(`[data-testid=health-${component}]`);
      expect(await chip.getAttribute('data-status')).toBe('n/a');
      expect(await chip.getAttribute('title')).toContain('Not applicable');
      expect(await chip.locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(194, 200, 208)');
    }
    // placeholders never show: one "Customer" heading, no "Agent: Agent", no speaker names repeating the role
    expect(await page.locator('[data-testid=customer-name]').textContent()).toBe('Customer');
    expect(await page.locator('.customer-sub').textContent()).toBe('');
    expect(await page.locator('.line .who').count()).toBe(0);
    // the timeline's marker stays at or before the now line, and every label inside the drawing
    const box = await page.locator('[data-testid=timeline] svg').evaluate((svg) => {
      const now = Number(svg.querySelector('line.now')!.getAttribute('x1'));
      const dots = [...svg.querySelectorAll('circle.dot')].map((c) => Number(c.getAttribute('cx')));
      const texts = [...svg.querySelectorAll('text')].map((t) => (t as SVGTextElement).getBBox()).map((b) => [b.x, b.x + b.width]);
      return { now, dots, texts, width: (svg as SVGSVGElement).viewBox.baseVal.width };
    });
    expect(box.dots.length).toBe(1);
    for (const x of box.dots) expect(x).toBeLessThanOrEqual(box.now);
    for (const [from, to] of box.texts) {
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeLessThanOrEqual(box.width);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'replay-call.png') });
    registry.endCall(callId, 'bye');
    await page.context().close();
  });
});
