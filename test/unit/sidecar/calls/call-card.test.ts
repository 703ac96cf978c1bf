import { describe, expect, it } from 'vitest';
import type { Card } from '../../../../sidecar/assist/cards/card.js';
import { toCallCard } from '../../../../sidecar/calls/call-card.js';

function card(over: Partial<Card> = {}): Card {
  return {
    id: 'c1:1', callId: 'c1', objectionId: 'c1:1', objectionClass: 'price', language: 'en', utterance: 'too expensive', status: 'final',
    move: { move: 'Reframe cost per active employee.', question: 'What do you pay per employee today?' },
    facts: [
      { id: 'F-105', text: 'Seasonal staff cost nothing in months they do not work.', source: 'price-list.csv', location: 'row 5', score: 0.6, internal: false },
      { id: 'F-112', text: 'Annual prepayment: 10% off.', source: 'price-list.csv', location: 'row 12', score: 0.5, internal: false },
    ],
    calculations: [{ id: 'calc:roi', text: 'Payback in 7 months.', source: 'roi.calc.yaml', location: 'roi', score: 0.4, internal: false }],
    reply: 'Seasonal staff cost nothing in months they do not work. [F-105] Payback in 7 months. [calc:roi]', replySource: 'extractive',
    cited: ['F-105', 'calc:roi', 'F-999'], noVerifiedAnswer: false, confidence: { value: 0.87, detection: 0.9, retrieval: 0.8, grounding: 1 },
    flagged: false, removed: [{ text: 'We are ISO certified.', reason: 'uncited certification' }],
    stages: { asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1005, cardPushedAtMs: 1007 },
    ...over,
  };
}

describe('toCallCard', () => {
  it('maps an extractive final card: cited facts with sources (unknown ids left out), confidence, removals and stages', () => {
    expect(toCallCard(card(), { createdAtMs: 1007, updatedAtMs: 1007 })).toEqual({
      cardId: 'c1:1', objectionId: 'c1:1', objectionClass: 'price', status: 'final',
      text: 'Seasonal staff cost nothing in months they do not work. [F-105] Payback in 7 months. [calc:roi]',
      citations: [
        { factId: 'F-105', text: 'Seasonal staff cost nothing in months they do not work.', source: 'price-list.csv', location: 'row 5' },
        { factId: 'calc:roi', text: 'Payback in 7 months.', source: 'roi.calc.yaml', location: 'roi' },
      ],
      confidence: 0.87, removedCount: 1, language: 'en', createdAtMs: 1007, updatedAtMs: 1007,
      stages: { asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1005, extractiveAtMs: 1007, finalAtMs: 1007 },
    });
  });

  it('shows the accepted draft sentences while drafting, with the draft and first-token stages', () => {
    const drafting = card({
      status: 'drafting', draft: { model: 'ollama:m', rawText: 'raw', text: 'You only pay for active staff. [F-105]' },
      stages: { asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1005, cardPushedAtMs: 1007, firstTokenAtMs: 1300 },
    });
    const out = toCallCard(drafting, { createdAtMs: 1007, updatedAtMs: 1350 });
    expect(out.status).toBe('drafting');
    expect(out.text).toBe('You only pay for active staff. [F-105]');
    expect(out.stages).toEqual({ asrAtMs: 1000, detectedAtMs: 1002, retrievedAtMs: 1005, extractiveAtMs: 1007, draftStartedAtMs: 1007, draftFirstTextAtMs: 1300 });
    const done = toCallCard({ ...drafting, status: 'final', stages: { ...drafting.stages, finalDraftAtMs: 1900 } }, { createdAtMs: 1007, updatedAtMs: 1900 });
    expect(done.stages.finalAtMs).toBe(1900);
    expect(done.text).toBe(drafting.reply);
  });

  it('a card without a verified answer is no_answer and carries the playbook question to ask', () => {
    const out = toCallCard(card({ noVerifiedAnswer: true, facts: [], calculations: [], cited: [], reply: 'No verified answer in the knowledge base.', replySource: 'none' }), { createdAtMs: 1, updatedAtMs: 1 });
    expect(out).toMatchObject({ status: 'no_answer', playbookMove: 'What do you pay per employee today?', citations: [] });
    expect(toCallCard(card(), { createdAtMs: 1, updatedAtMs: 1 }).playbookMove).toBeUndefined();
  });
});
