import { describe, expect, it } from 'vitest';
import { AssistSession } from '../../../../sidecar/assist/assist-session.js';
import type { Card } from '../../../../sidecar/assist/cards/card.js';
import type { CardComposer, CardRequest } from '../../../../sidecar/assist/cards/card-composer.js';
import type { ObjectionDetector } from '../../../../sidecar/assist/detection/objection-detector.js';
import type { CallEventInit } from '../../../../sidecar/calls/call-events.js';
import type { CallSource } from '../../../../sidecar/calls/call-hub-types.js';
import { Transcript } from '../../../../sidecar/calls/transcript.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';

const ZERO = { price: 0, timing: 0, trust: 0, authority: 0, need: 0, competitor: 0, status_quo: 0, compliance: 0, none: 0 };
/** Every customer line about money is a price objection; anything else is none. */
const detector = {
  detect: (text: string) => /expensive|price/.test(text)
    ? { label: 'price', confidence: 0.9, margin: 3, scores: { ...ZERO, price: 4 }, dismissed: [], evidence: [], language: 'en', normalisedText: text }
    : { label: 'none', confidence: 0.9, margin: 3, scores: { ...ZERO, none: 4 }, dismissed: [], evidence: [], language: 'en', normalisedText: text },
} as unknown as ObjectionDetector;

/** One final card per request, handed over at once. */
const composer = {
  drafting: false,
  async compose(req: CardRequest, o: { onCard?: (c: Card) => void } = {}) {
    const card: Card = {
      id: req.objectionId, callId: req.callId, objectionId: req.objectionId, objectionClass: req.objectionClass, language: req.language,
      utterance: req.text, status: 'final', facts: [{ id: 'F-1', text: 'Seasonal staff cost nothing in idle months.', source: 'prices.csv', location: 'row 2', score: 0.6, internal: false }],
      calculations: [], reply: 'Seasonal staff cost nothing in idle months. [F-1]', replySource: 'extractive', cited: ['F-1'],
      noVerifiedAnswer: false, confidence: { value: 0.9, detection: 0.9, retrieval: 0.9, grounding: 1 }, flagged: false, removed: [],
      stages: { ...req.stages, retrievedAtMs: req.stages.detectedAtMs + 1, cardPushedAtMs: req.stages.detectedAtMs + 2 },
    };
    o.onCard?.(card);
    return card;
  },
} as unknown as CardComposer;

const START_MS = 1_700_000_000_000;

/** A session whose wall clock reads `wall.ms` after call start. */
function session(source: CallSource | undefined) {
  const transcript = new Transcript();
  const wall = { ms: 0 };
  const events: CallEventInit[] = [];
  const s = new AssistSession({
    callId: 'c1', startedAtMs: START_MS, ...(source && { source }), transcript, services: { detector, composer },
    publish: (e) => events.push(e), logger: silentLogger(), now: () => START_MS + wall.ms,
  });
  const say = (role: 'agent' | 'customer', text: string, startMs: number, endMs: number) => transcript.final({
    streamLabel: role === 'agent' ? '1' : '2', role, roleGuessed: false, text, words: [], startMs, endMs, confidence: 1, language: 'en',
  });
  return { s, transcript, wall, events, say };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('AssistSession call time', () => {
  it('times a replay\'s card and "used" answer on the transcript timeline, not on the (faster) wall clock', async () => {
    for (const source of ['replay', 'transcript'] as const) {
      const { s, wall, say } = session(source);
      // unpaced replay: a minute of call is delivered within 40 ms of wall time
      wall.ms = 20;
      say('agent', 'Shall we go ahead with the plan?', 1_000, 58_000);
      say('customer', 'That is too expensive for us.', 60_000, 62_500);
      await settle();
      expect(s.callMs()).toBe(62_500);
      wall.ms = 40;
      say('agent', 'Let me check the terms for you.', 63_000, 75_000);
      s.feedback('c1:1', 'used', 'agent-7');
      await s.finish();
      const [r] = s.ledger;
      expect(r.raisedMs).toBe(60_000);
      expect(r.cardShownMs).toBe(62_500);
      expect(r.state).toBe('answered');
      expect(r.answeredBy).toBe('feedback');
      expect(r.answeredMs).toBe(75_000);
      expect(r.feedback).toEqual([{ kind: 'used', atMs: START_MS + 40, by: 'agent-7' }]);
    }
  });

  it('keeps a replay\'s call time on the timeline when the replay is slower than real time (paused)', async () => {
    const { s, wall, say } = session('replay');
    say('customer', 'That is too expensive for us.', 4_000, 6_000);
    await settle();
    wall.ms = 600_000; // paused for ten minutes after the objection
    s.feedback('c1:1', 'used', 'agent-7');
    await s.finish();
    expect(s.ledger[0]).toMatchObject({ raisedMs: 4_000, cardShownMs: 6_000, answeredMs: 6_000 });
  });

  it('times a live SIPREC call by the wall clock since call start, as before', async () => {
    for (const source of ['siprec', undefined] as const) {
      const { s, wall, say } = session(source);
      wall.ms = 63_100; // the final arrives 600 ms after the words ended
      say('customer', 'That is too expensive for us.', 60_000, 62_500);
      await settle();
      wall.ms = 80_000;
      s.feedback('c1:1', 'used', 'agent-7');
      await s.finish();
      expect(s.ledger[0]).toMatchObject({ raisedMs: 60_000, cardShownMs: 63_100, answeredMs: 80_000, state: 'answered' });
    }
  });

  it('counts interims of any speaker in the timeline position, and never goes back', () => {
    const { s, transcript, say } = session('transcript');
    expect(s.callMs()).toBe(0);
    transcript.interim({ streamLabel: '1', role: 'agent', roleGuessed: false, text: 'so the', words: [], startMs: 2_000, endMs: 2_400, confidence: 1, language: 'en' });
    expect(s.callMs()).toBe(2_400);
    say('agent', 'so the plan', 2_000, 3_100);
    expect(s.callMs()).toBe(3_100);
    say('customer', 'yes', 1_000, 1_500); // a late final of an earlier utterance
    expect(s.callMs()).toBe(3_100);
  });
});
