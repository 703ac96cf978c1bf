import { describe, expect, it } from 'vitest';
import { composeExtractiveCard } from '../../../../sidecar/assist/cards/extractive-composer.js';
import type { Card } from '../../../../sidecar/assist/cards/card.js';
import { ObjectionLedger, type ObjectionLedgerRecord } from '../../../../sidecar/calls/ledger.js';
import type { Fact } from '../../../../sidecar/assist/ports.js';

const fact = (id: string, text: string): Fact => ({ id, text, source: 'price-list.csv', location: '', language: 'en', classes: [], tags: [], verified: true });

function card(objectionId: string, facts: Fact[], stages = { asrAtMs: 1000, detectedAtMs: 1003, retrievedAtMs: 1007 }): Card {
  const c = composeExtractiveCard({
    callId: 'call-7', objectionId, objectionClass: 'price', language: 'en', utterance: 'too expensive', detectionConfidence: 0.9,
    retrieved: facts.map((f) => ({ fact: f, score: 0.4 })), ...stages,
  });
  c.stages.cardPushedAtMs = 1012;
  return c;
}

const basis = fact('F-101', 'Basis subscription: 39.00 DKK per active employee per month.');
const active = fact('F-105', 'An employee is billed only for months in which he or she has at least one time registration or one planned shift.');

describe('ObjectionLedger', () => {
  it('follows raised → card shown → answered when the agent quotes a cited number', () => {
    const ledger = new ObjectionLedger({ callId: 'call-7' });
    const changes: ObjectionLedgerRecord[] = [];
    ledger.on('change', (r) => changes.push(r));
    ledger.raise({ objectionId: 'call-7:1', objectionClass: 'price', language: 'en', text: 'honestly that is more than we pay today', startMs: 40_000, endMs: 43_000 });
    ledger.cardShown(card('call-7:1', [basis, active]), 43_020);
    ledger.agentTurn({ text: 'Sure, let me check one thing first.', startMs: 44_000, endMs: 45_000 });
    ledger.agentTurn({ text: 'It is thirty-nine kroner per person, and only for active staff.', startMs: 46_000, endMs: 49_000 });
    expect(changes.map((c) => c.state)).toEqual(['raised', 'card_shown', 'card_shown', 'answered']);
    const [r] = ledger.records();
    expect(r).toMatchObject({ state: 'answered', answeredBy: 'speech', answeredMs: 49_000, cardShownMs: 43_020, raisedMs: 40_000, agentTurnsSeen: 2, cited: ['F-101', 'F-105'] });
    expect(r.matchedTerms).toEqual(['n:39']);
    expect(r.latency).toEqual({ detectMs: 3, retrieveMs: 4, pushMs: 5, asrToCardMs: 12 });
    expect(ledger.entries()).toEqual([{ objectionId: 'call-7:1', objectionClass: 'price', state: 'answered', raisedMs: 40_000, cardShownMs: 43_020, answeredMs: 49_000, cardId: 'call-7:1' }]);
  });

  it('counts an answer in another wording of the class topic, in Danish', () => {
    const ledger = new ObjectionLedger({ callId: 'c' });
    ledger.raise({ objectionId: 'c:1', objectionClass: 'price', language: 'da', text: 'det er altså for dyrt for os', startMs: 0, endMs: 2000 });
    ledger.agentTurn({ text: 'Jeg forstår godt at prisen virker dyr', startMs: 3000, endMs: 5000 });
    expect(ledger.records()[0]).toMatchObject({ state: 'answered', answeredMs: 5000 });
  });

  it('leaves an objection open when the agent talks about something else, and marks it unanswered at hang-up', () => {
    const ledger = new ObjectionLedger({ callId: 'c' });
    ledger.raise({ objectionId: 'c:1', objectionClass: 'compliance', language: 'en', text: 'where is our data stored', startMs: 0, endMs: 2000 });
    ledger.cardShown(card('c:1', [fact('F-301', 'All customer data is stored in two data centres in Denmark: Ballerup and Aarhus.')]), 2100);
    ledger.agentTurn({ text: 'Let us look at the shift planner first.', startMs: 3000, endMs: 5000 });
    expect(ledger.records()[0].state).toBe('card_shown');
    const closes: string[] = [];
    ledger.on('close', (r) => closes.push(r));
    const final = ledger.close('hang-up');
    expect(final[0]).toMatchObject({ state: 'unanswered', agentTurnsSeen: 1 });
    expect(ledger.close('again')).toEqual(final);
    expect(closes).toEqual(['hang-up']);
    expect(() => ledger.raise({ objectionId: 'c:2', objectionClass: 'price', language: 'en', text: 'x', startMs: 1, endMs: 2 })).toThrow(/closed/);
  });

  it('ignores agent turns after the window or beyond the turn limit, and turns before the objection', () => {
    const ledger = new ObjectionLedger({ callId: 'c', maxAgentTurns: 1, answerWindowMs: 10_000 });
    ledger.raise({ objectionId: 'c:1', objectionClass: 'price', language: 'en', text: 'the price is too high', startMs: 10_000, endMs: 12_000 });
    ledger.agentTurn({ text: 'our price is fair and the price is clear', startMs: 5000, endMs: 8000 });
    ledger.agentTurn({ text: 'how many people work there', startMs: 13_000, endMs: 14_000 });
    ledger.agentTurn({ text: 'the price is high, I hear you', startMs: 15_000, endMs: 16_000 });
    expect(ledger.records()[0]).toMatchObject({ state: 'raised', agentTurnsSeen: 1 });
    const late = new ObjectionLedger({ callId: 'd', answerWindowMs: 10_000 });
    late.raise({ objectionId: 'd:1', objectionClass: 'price', language: 'en', text: 'the price is too high', startMs: 0, endMs: 2000 });
    late.agentTurn({ text: 'the price is high, I hear you', startMs: 20_000, endMs: 22_000 });
    expect(late.records()[0].state).toBe('raised');
  });

  it('records feedback; "used" answers the objection, "wrong" does not; withdrawn objections never become unanswered', () => {
    const ledger = new ObjectionLedger({ callId: 'c' });
    ledger.raise({ objectionId: 'c:1', objectionClass: 'price', language: 'en', text: 'too expensive', startMs: 0, endMs: 1000 });
    ledger.raise({ objectionId: 'c:2', objectionClass: 'trust', language: 'en', text: 'never heard of you', startMs: 2000, endMs: 3000 });
    ledger.raise({ objectionId: 'c:3', objectionClass: 'timing', language: 'en', text: 'maybe next year', startMs: 4000, endMs: 5000 });
    ledger.feedback('c:1', { kind: 'used', atMs: 1_700_000_000_000, by: 'agent-1' }, 1500);
    ledger.feedback('c:2', { kind: 'wrong', atMs: 1_700_000_000_500, by: 'agent-1' });
    ledger.withdraw('c:3');
    const final = ledger.close();
    expect(final.map((r) => [r.objectionId, r.state, r.answeredBy ?? null])).toEqual([
      ['c:1', 'answered', 'feedback'], ['c:2', 'unanswered', null], ['c:3', 'withdrawn', null],
    ]);
    expect(final[1].feedback).toEqual([{ kind: 'wrong', atMs: 1_700_000_000_500, by: 'agent-1' }]);
    expect(ledger.entries().map((e) => e.objectionId)).toEqual(['c:1', 'c:2']);
  });

  it('exports one latency row per card, with draft stages when a model ran', () => {
    const ledger = new ObjectionLedger({ callId: 'call-7' });
    ledger.raise({ objectionId: 'call-7:1', objectionClass: 'price', language: 'en', text: 'too expensive', startMs: 0, endMs: 1000 });
    const c = card('call-7:1', [basis]);
    c.stages.firstTokenAtMs = 1400;
    c.stages.finalDraftAtMs = 2100;
    ledger.cardShown(c, 1100);
    expect(ledger.latencyRows()).toEqual([{ callId: 'call-7', objectionId: 'call-7:1', objectionClass: 'price', detectMs: 3, retrieveMs: 4, pushMs: 5, asrToCardMs: 12, firstTokenMs: 388, draftMs: 1088 }]);
  });
});
