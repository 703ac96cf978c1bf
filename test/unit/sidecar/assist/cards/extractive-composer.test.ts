import { describe, expect, it } from 'vitest';
import { CardComposer } from '../../../../../sidecar/assist/cards/card-composer.js';
import { combineConfidence, groundingConfidence, retrievalConfidence } from '../../../../../sidecar/assist/cards/card-confidence.js';
import type { Card } from '../../../../../sidecar/assist/cards/card.js';
import { composeExtractiveCard } from '../../../../../sidecar/assist/cards/extractive-composer.js';
import type { Fact, RetrievalQuery, Retriever } from '../../../../../sidecar/assist/ports.js';
import { GroundingGuard } from '../../../../../sidecar/assist/cards/grounding-guard.js';
import { COMPETITORS, F } from './nordtid-facts.js';

const calc: Fact = {
  id: 'C-ROI', text: 'With 260 employees the saving is about 1,234,000 DKK/year after the subscription.', source: 'roi.calc.yaml', location: '',
  language: 'en', classes: ['price'], tags: [], verified: true, inputs: { employees: { value: 260, unit: 'employees', from: 'crm' } },
};

describe('composeExtractiveCard', () => {
  it('quotes the top supporting facts with ids, shows calculator results and CRM context, and is not flagged', () => {
    const card = composeExtractiveCard({
      callId: 'call-1', objectionId: 'call-1:3', objectionClass: 'price', language: 'da', utterance: 'det er for dyrt', detectionConfidence: 0.92,
      retrieved: [
        { fact: F.basis, score: 0.5 }, { fact: calc, score: 0.45 }, { fact: F.annual, score: 0.3 }, { fact: F.basis, score: 0.29 },
        { fact: F.volume, score: 0.2 }, { fact: { ...F.plus, verified: false }, score: 0.19 }, { fact: F.onboarding, score: 0.05 },
      ],
      move: { move: 'Omregn prisen per medarbejder.', question: 'Hvad bruger I i dag?' },
      context: { company: 'Fjordhotel A/S', employees: 260, currentVendor: 'Excel', contactName: 'Mette Lund', fields: { hourlyCostDkk: 310 }, source: 'file' },
      asrAtMs: 100, detectedAtMs: 102, retrievedAtMs: 105,
    }, { replyFacts: 2 });
    expect(card.status).toBe('extractive');
    expect(card.facts.map((f) => f.id)).toEqual(['F-101', 'F-112', 'F-114']);
    expect(card.calculations.map((f) => [f.id, f.inputs?.employees.from])).toEqual([['C-ROI', 'crm']]);
    expect(card.reply).toBe('Basis subscription (Basis): 39.00 DKK / 5.20 EUR per active employee per month, monthly or annual. [F-101] '
      + 'Annual prepayment discount: 10% off subscription fees when the year is paid in advance. [F-112]');
    expect(card.cited).toEqual(['F-101', 'F-112', 'F-114']);
    expect(card.replySource).toBe('extractive');
    expect(card.noVerifiedAnswer).toBe(false);
    expect(card.context).toEqual({ company: 'Fjordhotel A/S', contactName: 'Mette Lund', employees: 260, currentVendor: 'Excel', source: 'file' });
    expect(card.move).toEqual({ move: 'Omregn prisen per medarbejder.', question: 'Hvad bruger I i dag?' });
    expect(card.confidence.grounding).toBe(1);
    expect(card.confidence.retrieval).toBe(1);
    expect(card.flagged).toBe(false);
    expect(card.stages).toEqual({ asrAtMs: 100, detectedAtMs: 102, retrievedAtMs: 105 });
    expect(card.facts[0]).toEqual({ id: 'F-101', text: F.basis.text, source: 'price-list.csv', location: '', score: 0.5, internal: false });
  });

  it('keeps the reply to two claim-carrying sentences by default while citing every fact it shows', () => {
    const card = composeExtractiveCard({
      callId: 'c', objectionId: 'c:1', objectionClass: 'compliance', language: 'en', utterance: 'do you have a SOC 2 report and where is our data hosted', detectionConfidence: 0.9,
      retrieved: [
        { fact: F.noSoc2, score: 0.5 }, { fact: F.hosting, score: 0.45 }, { fact: F.iso27001, score: 0.4 },
        { fact: F.isae, score: 0.3 }, { fact: F.noGermany, score: 0.25 }, { fact: F.dpa, score: 0.2 }, { fact: F.breach, score: 0.15 },
      ],
      asrAtMs: 0, detectedAtMs: 1,
    });
    expect(card.reply).toBe(`No SOC 2 report of any kind (neither Type I nor Type II). [F-310] ${F.hosting.text} [F-301]`);
    expect(card.facts.map((f) => f.id)).toEqual(['F-310', 'F-301', 'F-305', 'F-306', 'F-303']);
    expect(card.cited).toEqual(['F-310', 'F-301', 'F-305', 'F-306', 'F-303']);
    const guard = new GroundingGuard([F.noSoc2, F.hosting, F.iso27001, F.isae, F.noGermany], { language: 'en', competitors: COMPETITORS, allowedNames: ['Nordtid'] });
    const checked = guard.check(card.reply);
    expect(checked.removed).toEqual([]);
    expect(checked.cited).toEqual(['F-310', 'F-301']);
  });

  it('says there is no verified answer and offers the playbook question when nothing supports it', () => {
    const card = composeExtractiveCard({
      callId: 'c', objectionId: 'c:1', objectionClass: 'trust', language: 'de', utterance: 'x', detectionConfidence: 0.95,
      retrieved: [{ fact: F.basis, score: 0.04 }], move: { move: 'Beweise geben.', question: 'Was müssten Sie sehen?' }, asrAtMs: 0, detectedAtMs: 1,
    });
    expect(card.noVerifiedAnswer).toBe(true);
    expect(card.reply).toBe('Keine verifizierte Antwort in der Wissensbasis. Was müssten Sie sehen?');
    expect(card.cited).toEqual([]);
    expect(card.replySource).toBe('none');
    expect(card.facts).toEqual([]);
    expect(card.flagged).toBe(true);
    expect(card.confidence.value).toBe(0);
  });

  it('marks a card whose detection is unsure', () => {
    const card = composeExtractiveCard({
      callId: 'c', objectionId: 'c:1', objectionClass: 'price', language: 'en', utterance: 'x', detectionConfidence: 0.5,
      retrieved: [{ fact: F.basis, score: 0.5 }], asrAtMs: 0, detectedAtMs: 1,
    });
    expect(card.confidence.value).toBeCloseTo(Math.pow(0.5, 0.4), 3);
    expect(card.flagged).toBe(true);
  });
});

describe('confidence parts', () => {
  it('scales retrieval between the floor and the good score and penalises any removal', () => {
    const o = { minFactScore: 0.1, goodFactScore: 0.3 };
    expect(retrievalConfidence([], o)).toBe(0);
    expect(retrievalConfidence([0.05], o)).toBe(0);
    expect(retrievalConfidence([0.1], o)).toBe(0.5);
    expect(retrievalConfidence([0.2], o)).toBe(0.75);
    expect(retrievalConfidence([0.3, 0.3], o)).toBe(1);
    expect(groundingConfidence(2, 0)).toBe(1);
    expect(groundingConfidence(2, 1)).toBeCloseTo(0.3, 10);
    expect(combineConfidence({ detection: 1, retrieval: 1, grounding: groundingConfidence(99, 1) }).value).toBeLessThan(0.8);
  });
});

describe('CardComposer', () => {
  it('retrieves with the class and CRM record, pushes the extractive card with stage stamps and finalises it without a model', async () => {
    const queries: RetrievalQuery[] = [];
    const retriever: Retriever = { search: async (q) => { queries.push(q); return [{ fact: F.iso27001, score: 0.4 }, { fact: F.isae, score: 0.35 }]; } };
    let t = 2000;
    const composer = new CardComposer({ retriever, moves: () => ({ move: 'Answer with facts.', question: 'Which requirements?' }), now: () => ++t });
    const pushed: Card[] = [];
    const context = { company: 'X', fields: {}, source: 'file' };
    const final = await composer.compose(
      { callId: 'c', objectionId: 'c:1', objectionClass: 'compliance', language: 'en', text: 'are you iso certified', confidence: 0.9, stages: { asrAtMs: 1990, detectedAtMs: 1995 } },
      { context, onCard: (c) => pushed.push(c) },
    );
    expect(queries).toEqual([{ text: 'are you iso certified', k: 6, objectionClass: 'compliance', customer: context }]);
    expect(pushed).toHaveLength(1);
    expect(pushed[0].status).toBe('final');
    expect(final.stages).toEqual({ asrAtMs: 1990, detectedAtMs: 1995, retrievedAtMs: 2001, cardPushedAtMs: 2002 });
    expect(final.cited).toEqual(['F-305', 'F-306']);
  });

  it('still pushes a card when retrieval fails', async () => {
    const composer = new CardComposer({ retriever: { search: async () => { throw new Error('embedder down'); } }, moves: () => ({ move: 'm', question: 'What would you need?' }) });
    const final = await composer.compose({ callId: 'c', objectionId: 'c:2', objectionClass: 'trust', language: 'en', text: 'x', confidence: 0.9, stages: { asrAtMs: 0, detectedAtMs: 1 } });
    expect(final.noVerifiedAnswer).toBe(true);
    expect(final.reply).toBe('No verified answer in the knowledge base. What would you need?');
    expect(final.status).toBe('final');
  });
});
