import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadPlaybooks } from '../../../../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../../../../sidecar/assist/detection/objection-detector.js';
import { ObjectionTracker } from '../../../../../sidecar/assist/detection/objection-tracker.js';
import type { ObjectionEvent, TranscriptInput } from '../../../../../sidecar/assist/detection/tracker-types.js';
import type { CueEvidence, DetectionResult } from '../../../../../sidecar/assist/detection/objection-detector.js';
import type { ObjectionLabel } from '../../../../../sidecar/assist/ports.js';

const { playbooks } = loadPlaybooks();
const detector = new ObjectionDetector(playbooks);

function setup(stability: Record<string, number> = { interimQuietMs: 0 }) {
  let clock = 1_000_000;
  const tracker = new ObjectionTracker({ callId: 'call-1', detector, stability, now: () => ++clock });
  const events: ObjectionEvent[] = [];
  tracker.on('objection-raised', (e) => events.push(e));
  tracker.on('objection-updated', (e) => events.push(e));
  tracker.on('objection-withdrawn', (e) => events.push(e));
  return { tracker, events };
}

function ev(type: 'interim' | 'final', utteranceId: string, text: string, extra: Partial<TranscriptInput> = {}): TranscriptInput {
  return { type, utteranceId, text, role: 'customer', participantId: 'p-cust', streamLabel: 'customer-leg', language: 'en', startMs: 10_000, endMs: 10_000 + text.length * 60, ...extra };
}

describe('ObjectionTracker', () => {
  it('raises one card from stable interim hypotheses and updates it on the final, without duplicates', () => {
    const { tracker, events } = setup();
    tracker.push(ev('interim', 'u1', 'honestly that is'));
    tracker.push(ev('interim', 'u1', 'honestly that is way too expensive'));
    expect(events).toHaveLength(0); // one hypothesis is not yet stable
    tracker.push(ev('interim', 'u1', 'honestly that is way too expensive for'));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('objection-raised');
    expect(events[0].objectionClass).toBe('price');
    expect(events[0].isFinal).toBe(false);
    expect(events[0].objectionId).toBe('call-1:1');
    tracker.push(ev('interim', 'u1', 'honestly that is way too expensive for us'));
    tracker.push(ev('final', 'u1', 'honestly that is way too expensive for us'));
    const raised = events.filter((e) => e.type === 'objection-raised');
    expect(raised).toHaveLength(1);
    const last = events[events.length - 1];
    expect(last.type).toBe('objection-updated');
    expect(last.objectionId).toBe('call-1:1');
    expect(last.isFinal).toBe(true);
    expect(last.stages.asrAtMs).toBeLessThanOrEqual(last.stages.detectedAtMs);
    expect(last.detectedAt).toBe(last.stages.detectedAtMs);
  });

  it('changes the class of the same card when the customer rules the first class out', () => {
    const { tracker, events } = setup({ interimQuietMs: 0, interimAgreement: 1 });
    tracker.push(ev('interim', 'u2', 'the price is a lot of money'));
    expect(events.map((e) => [e.type, e.objectionClass])).toEqual([['objection-raised', 'price']]);
    tracker.push(ev('final', 'u2', 'the price is not the problem it is the timing we are in the middle of a migration'));
    expect(events).toHaveLength(2);
    expect(events[1].type).toBe('objection-updated');
    expect(events[1].objectionId).toBe(events[0].objectionId);
    expect(events[1].objectionClass).toBe('timing');
    expect(events[1].previousClass).toBe('price');
  });

  it('raises a second card when a different objection follows in the same utterance', () => {
    const { tracker, events } = setup({ interimQuietMs: 0, interimAgreement: 1 });
    tracker.push(ev('interim', 'u10', 'honestly that is way too expensive for us'));
    tracker.push(ev('final', 'u10', 'honestly that is way too expensive for us and our legal team needs a data processing agreement before anything'));
    expect(events.map((e) => [e.type, e.objectionClass, e.objectionId, e.utteranceId])).toEqual([
      ['objection-raised', 'price', 'call-1:1', 'u10'],
      ['objection-raised', 'compliance', 'call-1:2', 'u10'],
    ]);
  });

  it('raises a second card for a different objection in a later utterance', () => {
    const { tracker, events } = setup();
    tracker.push(ev('final', 'u3', 'that is way too expensive for us'));
    tracker.push(ev('final', 'u4', 'and where is our data stored', { startMs: 20_000, endMs: 22_000 }));
    expect(events.map((e) => [e.type, e.objectionClass, e.objectionId])).toEqual([
      ['objection-raised', 'price', 'call-1:1'],
      ['objection-raised', 'compliance', 'call-1:2'],
    ]);
  });

  it('updates the earlier card when the same objection continues in the next utterance', () => {
    const { tracker, events } = setup();
    tracker.push(ev('final', 'u5', 'that is way too expensive', { startMs: 1_000, endMs: 3_000 }));
    tracker.push(ev('final', 'u6', 'honestly we have no budget for it', { startMs: 4_000, endMs: 6_000 }));
    expect(events.map((e) => [e.type, e.objectionClass, e.objectionId])).toEqual([
      ['objection-raised', 'price', 'call-1:1'],
      ['objection-updated', 'price', 'call-1:1'],
    ]);
    expect(events[1].utteranceId).toBe('u6');
  });

  it('never raises a card from agent or mixed streams, even with objection words', () => {
    const { tracker, events } = setup({ interimQuietMs: 0, interimAgreement: 1 });
    tracker.push(ev('final', 'a1', 'a lot of customers think it is too expensive at first', { role: 'agent' }));
    tracker.push(ev('final', 'a2', 'if budget is a concern we can start small', { role: 'mixed' }));
    tracker.push(ev('interim', 'a3', 'are you happy with excel', { role: 'agent' }));
    expect(events).toEqual([]);
    expect(tracker.ignoredNonCustomer).toBe(3);
  });

  it('ignores a repeated interim hypothesis and withdraws a card when the final is not an objection', () => {
    const { tracker, events } = setup({ interimQuietMs: 0, interimAgreement: 1 });
    tracker.push(ev('interim', 'u7', 'we are not sure we need'));
    tracker.push(ev('interim', 'u7', 'we are not sure we need'));
    expect(events.map((e) => e.type)).toEqual(['objection-raised']);
    tracker.push(ev('final', 'u7', 'okay sounds good'));
    expect(events.map((e) => e.type)).toEqual(['objection-raised', 'objection-withdrawn']);
    expect(tracker.objections[0].withdrawn).toBe(true);
  });

  it('treats a hypothesis unchanged for interimQuietMs as stable', () => {
    vi.useFakeTimers();
    try {
      const { tracker, events } = setup({ interimQuietMs: 300, interimAgreement: 3 });
      tracker.push(ev('interim', 'u8', 'we have to run this by our cfo'));
      expect(events).toHaveLength(0);
      vi.advanceTimersByTime(300);
      expect(events.map((e) => [e.type, e.objectionClass])).toEqual([['objection-raised', 'authority']]);
      tracker.close('test');
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes once, clears timers and drops events after close', () => {
    const { tracker, events } = setup();
    const reasons: string[] = [];
    tracker.on('close', (r) => reasons.push(r));
    tracker.close('call-ended');
    tracker.close('again');
    tracker.push(ev('final', 'u9', 'too expensive'));
    expect(reasons).toEqual(['call-ended']);
    expect(events).toEqual([]);
    expect(tracker.droppedAfterClose).toBe(1);
    expect(tracker.closed).toBe(true);
  });
});

/** A detector stand-in that answers each text with a scripted result (tests the tracker's rules alone). */
function scripted(results: Record<string, { label: ObjectionLabel; scores: Partial<Record<ObjectionLabel, number>>; evidence: Array<[ObjectionLabel, number, number, number]>; byClassifier?: boolean }>): ObjectionDetector {
  return {
    detect(text: string): DetectionResult {
      const s = results[text];
      if (!s) throw new Error(`no scripted result for "${text}"`);
      const scores = { price: 0, timing: 0, trust: 0, authority: 0, need: 0, competitor: 0, status_quo: 0, compliance: 0, none: 0, ...s.scores };
      const evidence: CueEvidence[] = s.evidence.map(([label, start, end, weight]) => ({ label, start, end, weight, pattern: 'p', words: 'w' }));
      return { label: s.label, confidence: s.byClassifier ? 0.7 : 0.9, margin: 2, scores, dismissed: [], evidence, language: 'en', normalisedText: text, ...(s.byClassifier ? { byClassifier: true } : {}) };
    },
  } as unknown as ObjectionDetector;
}

describe('ObjectionTracker: one card per objection while the hypothesis grows', () => {
  function run(det: ObjectionDetector, steps: Array<[type: 'interim' | 'final', text: string]>) {
    const tracker = new ObjectionTracker({ callId: 'call-2', detector: det, stability: { interimQuietMs: 0, interimAgreement: 1 }, now: () => 5 });
    const events: ObjectionEvent[] = [];
    for (const t of ['objection-raised', 'objection-updated', 'objection-withdrawn'] as const) tracker.on(t, (e) => events.push(e));
    for (const [type, text] of steps) tracker.push(ev(type, 'u-grow', text));
    return events;
  }

  it('"honestly that is more than" … "more than we pay today": one price card, no need card', () => {
    const events = run(detector, [
      ['interim', 'honestly that is'],
      ['interim', 'honestly that is more'],
      ['interim', 'honestly that is more than'],
      ['interim', 'honestly that is more than we pay'],
      ['final', 'honestly that is more than we pay today'],
    ]);
    expect(events.filter((e) => e.type === 'objection-raised').map((e) => e.objectionClass)).toEqual(['price']);
    expect(events.every((e) => e.objectionClass === 'price' && e.objectionId === 'call-2:1')).toBe(true);
    expect(events[events.length - 1].isFinal).toBe(true);
  });

  it('re-reads the same words as another class on the same card (previousClass set)', () => {
    const det = scripted({
      'that is more than': { label: 'need', scores: { need: 1.4 }, evidence: [['need', 2, 4, 1.4]] },
      'that is more than we pay today': { label: 'price', scores: { need: 1.2, price: 4.6 }, evidence: [['need', 2, 4, 1.2], ['price', 3, 7, 4.6]] },
    });
    const events = run(det, [['interim', 'that is more than'], ['final', 'that is more than we pay today']]);
    expect(events.map((e) => [e.type, e.objectionClass, e.previousClass, e.objectionId])).toEqual([
      ['objection-raised', 'need', undefined, 'call-2:1'],
      ['objection-updated', 'price', 'need', 'call-2:1'],
    ]);
  });

  it('keeps a second card when the first class rests on other words than the new one', () => {
    const det = scripted({
      'we do not need it': { label: 'need', scores: { need: 2.4 }, evidence: [['need', 0, 4, 2.4]] },
      'we do not need it and it costs too much': { label: 'price', scores: { need: 2.0, price: 3.0 }, evidence: [['need', 0, 4, 2.0], ['price', 6, 9, 3.0]] },
    });
    const events = run(det, [['interim', 'we do not need it'], ['final', 'we do not need it and it costs too much']]);
    expect(events.map((e) => [e.type, e.objectionClass, e.objectionId])).toEqual([
      ['objection-raised', 'need', 'call-2:1'],
      ['objection-raised', 'price', 'call-2:2'],
    ]);
  });

  it('raises no card from an interim that only the example classifier labels; the final may', () => {
    const det = scripted({
      'we are also looking at': { label: 'competitor', scores: {}, evidence: [], byClassifier: true },
      'we are also looking at rotaking': { label: 'competitor', scores: {}, evidence: [], byClassifier: true },
    });
    const events = run(det, [['interim', 'we are also looking at'], ['final', 'we are also looking at rotaking']]);
    expect(events.map((e) => [e.type, e.objectionClass, e.isFinal])).toEqual([['objection-raised', 'competitor', true]]);
  });
});
