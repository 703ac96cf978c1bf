import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../../../../sidecar/assist/cards/card.js';
import { DraftComposer } from '../../../../../sidecar/assist/cards/draft-composer.js';
import { composeExtractiveCard } from '../../../../../sidecar/assist/cards/extractive-composer.js';
import { OllamaLlm } from '../../../../../sidecar/assist/llm/ollama-llm.js';
import type { Fact, RetrievedFact } from '../../../../../sidecar/assist/ports.js';
import { scriptedChat, startOllamaServer, type OllamaServer } from '../../../../servers/ollama-server.js';
import { COMPETITORS, F } from './nordtid-facts.js';

/**
 * The composer and the guard against the local Ollama server (NDJSON /api/chat stream) with scripted
 * replies: an invented certification, a wrong price, a made-up percentage, a correct cited reply, a
 * timeout. Each prompt is routed by a marker word in the customer's utterance.
 */
let server: OllamaServer;

beforeAll(async () => {
  server = await startOllamaServer();
  server.chat = scriptedChat([
    { when: 'CASE-CERT', text: 'We are ISO 27001 certified [F-305]. We also hold SOC 2 Type II and TISAX [F-305]. I can send the documentation pack.' },
    { when: 'CASE-PRICE', text: 'Basis is 29 DKK per active employee per month [F-101]. You only pay for active employees.' },
    { when: 'CASE-PERCENT', text: 'Paying the year in advance gives 10% off [F-112]. Most customers save 35% in the first year.' },
    { when: 'CASE-GOOD', text: 'Basis costs 39 DKK per active employee per month [F-101]. Paying the year in advance takes 10% off [F-112].' },
    { when: 'CASE-SLOW', text: 'Basis costs 39 DKK per active employee per month [F-101].', firstTokenDelayMs: 2000 },
    { when: 'CASE-STALL', text: 'Basis costs 39 DKK per active employee per month [F-101]. And then', tokenDelayMs: 400 },
    { when: 'CASE-ALLBAD', text: 'We are SOC 2 certified [F-310]. We host in Frankfurt [F-301].' },
    { when: 'CASE-BROKEN', text: 'Basis costs 39 DKK [F-101]. More', errorAfter: 3 },
    { when: 'CASE-MISSING', httpError: { status: 404, message: 'model "llama3.2:3b" not found, try pulling it first' } },
  ]);
});
afterAll(async () => server.close());

const priceFacts: Fact[] = [F.basis, F.annual, F.plus, F.volume];
const certFacts: Fact[] = [F.iso27001, F.isae, F.noSoc2, F.hosting];

function extractive(marker: string, facts: Fact[]): Card {
  const retrieved: RetrievedFact[] = facts.map((fact, i) => ({ fact, score: 0.6 - i * 0.05 }));
  return composeExtractiveCard({
    callId: 'call-1', objectionId: 'call-1:1', objectionClass: facts === priceFacts ? 'price' : 'compliance', language: 'en',
    utterance: `${marker} that is too expensive`, detectionConfidence: 0.9, retrieved,
    move: { move: 'Reframe cost per employee.', question: 'What do you spend today?' },
    asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1004,
  });
}

function composer(overrides: { firstTokenTimeoutMs?: number; totalTimeoutMs?: number } = {}): DraftComposer {
  let t = 5000;
  return new DraftComposer({
    llm: new OllamaLlm({ host: server.url, model: 'llama3.2:3b' }),
    competitors: COMPETITORS, companyName: 'Nordtid', now: () => ++t,
    firstTokenTimeoutMs: overrides.firstTokenTimeoutMs ?? 5000, totalTimeoutMs: overrides.totalTimeoutMs ?? 10_000,
  });
}

async function run(marker: string, facts: Fact[], c = composer()): Promise<{ start: Card; final: Card; updates: Card[] }> {
  const start = extractive(marker, facts);
  const updates: Card[] = [];
  const final = await c.draft({ card: start, facts, turns: [{ role: 'customer', text: start.utterance }], onUpdate: (u) => updates.push(u) });
  return { start, final, updates };
}

describe('DraftComposer with the grounding guard', () => {
  it('removes an invented certification and keeps the cited, true sentences', async () => {
    const { final } = await run('CASE-CERT', certFacts);
    expect(final.status).toBe('final');
    expect(final.draft?.outcome).toBe('accepted');
    expect(final.replySource).toBe('draft');
    expect(final.reply).toBe('We are ISO 27001 certified [F-305]. I can send the documentation pack.');
    expect(final.removed.map((r) => r.text)).toEqual(['We also hold SOC 2 Type II and TISAX [F-305].']);
    expect(final.removed[0].reason).toContain('SOC 2 Type II');
    expect(final.cited).toEqual(['F-305']);
    expect(final.flagged).toBe(true);
    expect(final.confidence.grounding).toBeCloseTo((2 / 3) * 0.45, 5);
  });

  it('leaves the extractive card standing when the only cited sentence has a wrong price', async () => {
    const { start, final } = await run('CASE-PRICE', priceFacts);
    expect(final.draft?.outcome).toBe('guard-rejected');
    expect(final.reply).toBe(start.reply);
    expect(final.replySource).toBe('extractive');
    expect(final.cited).toEqual(start.cited);
    expect(final.removed).toEqual([{ text: 'Basis is 29 DKK per active employee per month [F-101].', reason: '"29 DKK" is not in the cited facts' }]);
  });

  it('removes an uncited made-up percentage', async () => {
    const { final } = await run('CASE-PERCENT', priceFacts);
    expect(final.draft?.outcome).toBe('accepted');
    expect(final.reply).toBe('Paying the year in advance gives 10% off [F-112].');
    expect(final.removed).toEqual([{ text: 'Most customers save 35% in the first year.', reason: '"35%" has no citation' }]);
  });

  it('accepts a correct cited reply: streamed into the card, final, not flagged, all stages stamped', async () => {
    const { start, final, updates } = await run('CASE-GOOD', priceFacts);
    expect(start.status).toBe('extractive');
    expect(updates[0].status).toBe('drafting');
    expect(updates.some((u) => u.status === 'drafting' && u.draft?.text === 'Basis costs 39 DKK per active employee per month [F-101].')).toBe(true);
    expect(final.reply).toBe('Basis costs 39 DKK per active employee per month [F-101]. Paying the year in advance takes 10% off [F-112].');
    expect(final.cited).toEqual(['F-101', 'F-112']);
    expect(final.removed).toEqual([]);
    expect(final.flagged).toBe(false);
    expect(final.confidence.grounding).toBe(1);
    expect(final.stages).toMatchObject({ asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1004 });
    expect(final.stages.firstTokenAtMs).toBeGreaterThan(5000);
    expect(final.stages.finalDraftAtMs).toBeGreaterThan(final.stages.firstTokenAtMs!);
    const prompt = server.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as { stream: boolean; messages: Array<{ content: string }> };
    expect(prompt.stream).toBe(true);
    expect(prompt.messages[1].content).toContain('[F-101] Basis subscription (Basis): 39.00 DKK');
    expect(prompt.messages[1].content).toContain('Customer: CASE-GOOD that is too expensive');
  });

  it('keeps the extractive card when the first token does not come in time', async () => {
    const { start, final } = await run('CASE-SLOW', priceFacts, composer({ firstTokenTimeoutMs: 300 }));
    expect(final.draft).toMatchObject({ outcome: 'timeout', errorCode: 'LLM_FIRST_TOKEN_TIMEOUT' });
    expect(final.reply).toBe(start.reply);
    expect(final.replySource).toBe('extractive');
    expect(final.stages.firstTokenAtMs).toBeUndefined();
    expect(final.status).toBe('final');
  });

  it('keeps the extractive card when the whole draft takes too long, even after good sentences', async () => {
    const { start, final } = await run('CASE-STALL', priceFacts, composer({ totalTimeoutMs: 1500 }));
    expect(final.draft).toMatchObject({ outcome: 'timeout', errorCode: 'LLM_TIMEOUT' });
    expect(final.reply).toBe(start.reply);
  });

  it('rejects a draft whose every sentence fails, listing all removals', async () => {
    const { start, final } = await run('CASE-ALLBAD', certFacts);
    expect(final.draft?.outcome).toBe('guard-rejected');
    expect(final.reply).toBe(start.reply);
    expect(final.removed.map((r) => r.text)).toEqual(['We are SOC 2 certified [F-310].', 'We host in Frankfurt [F-301].']);
  });

  it('keeps the extractive card on a mid-stream error and on a missing model', async () => {
    const broken = await run('CASE-BROKEN', priceFacts);
    expect(broken.final.draft).toMatchObject({ outcome: 'provider-error', errorCode: 'PROVIDER_SERVER' });
    expect(broken.final.reply).toBe(broken.start.reply);
    const missing = await run('CASE-MISSING', priceFacts);
    expect(missing.final.draft).toMatchObject({ outcome: 'provider-error', errorCode: 'PROVIDER_INVALID_REQUEST' });
  });

  it('stops on cancel and does not draft a card without a verified answer', async () => {
    const ac = new AbortController();
    const start = extractive('CASE-STALL', priceFacts);
    const p = composer().draft({ card: start, facts: priceFacts, turns: [{ role: 'customer', text: start.utterance }], signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const cancelled = await p;
    expect(cancelled.draft?.errorCode).toBeUndefined();
    expect(cancelled.draft?.outcome).toBe('cancelled');
    const empty = composeExtractiveCard({
      callId: 'c', objectionId: 'c:2', objectionClass: 'trust', language: 'da', utterance: 'x', detectionConfidence: 0.9,
      retrieved: [], move: { move: 'm', question: 'Hvad skal I se?' }, asrAtMs: 0, detectedAtMs: 1,
    });
    const before = server.requests.length;
    const final = await composer().draft({ card: empty, facts: [], turns: [] });
    expect(final.draft).toBeUndefined();
    expect(final.reply).toBe('Intet verificeret svar i vidensbasen. Hvad skal I se?');
    expect(server.requests.length).toBe(before);
  });
});
