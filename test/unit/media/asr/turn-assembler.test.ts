import { describe, expect, it } from 'vitest';
import { TurnAssembler, type AssembledTurn } from '../../../../media/asr/turn-assembler.js';
import type { AsrFinalEvent, AsrWord } from '../../../../media/asr/asr-provider.js';

function word(text: string, startMs: number, endMs: number, confidence: number, speaker?: number): AsrWord {
  return { text, startMs, endMs, confidence, ...(speaker !== undefined ? { speaker } : {}) };
}

function final(words: AsrWord[], endOfUtterance: boolean, extra: Partial<AsrFinalEvent> = {}): AsrFinalEvent {
  return {
    type: 'final', text: words.map((w) => w.text).join(' '), words, confidence: 0.9, language: 'en',
    startMs: words[0]?.startMs ?? 0, endMs: words.at(-1)?.endMs ?? 0, endOfUtterance, fromFinalize: false, ...extra,
  };
}

function harness(mixed = false): { a: TurnAssembler; interims: AssembledTurn[]; finals: AssembledTurn[]; setMixed(m: boolean): void } {
  const interims: AssembledTurn[] = [];
  const finals: AssembledTurn[] = [];
  let isMixed = mixed;
  const a = new TurnAssembler({ interim: (t) => interims.push(t), final: (t) => finals.push(t) }, () => isMixed);
  return { a, interims, finals, setMixed: (m) => { isMixed = m; } };
}

describe('TurnAssembler', () => {
  it('joins final pieces into one turn until the end of utterance, averaging word confidence', () => {
    const h = harness();
    h.a.final(final([word('that', 100, 300, 0.8), word('is', 300, 400, 0.6)], false));
    expect(h.finals).toEqual([]);
    // the open turn is shown as an interim of the pieces so far
    expect(h.interims).toEqual([{ words: [word('that', 100, 300, 0.8), word('is', 300, 400, 0.6)], text: 'that is', startMs: 100, endMs: 400, confidence: 1, language: 'en', speaker: undefined }]);
    h.a.interim([word('too', 450, 600, 0.5)], 'too', 450, 600, 0.5, 'en');
    expect(h.interims[1]).toEqual({ words: [word('that', 100, 300, 0.8), word('is', 300, 400, 0.6), word('too', 450, 600, 0.5)], text: 'that is too', startMs: 100, endMs: 600, confidence: 0.5, language: 'en', speaker: undefined });
    h.a.final(final([word('too', 450, 600, 0.4), word('much', 600, 800, 0.2)], true));
    expect(h.finals).toHaveLength(1);
    expect(h.finals[0].text).toBe('that is too much');
    expect(h.finals[0].startMs).toBe(100);
    expect(h.finals[0].endMs).toBe(800);
    expect(h.finals[0].confidence).toBeCloseTo((0.8 + 0.6 + 0.4 + 0.2) / 4, 10);
    expect(h.finals[0].speaker).toBeUndefined();
    h.a.close();
    expect(h.finals).toHaveLength(1);
  });

  it('splits a mixed stream at each speaker change and ignores speakers on a non-mixed one', () => {
    const h = harness(true);
    h.a.final(final([word('hello', 0, 200, 1, 0), word('hi', 300, 400, 1, 1), word('there', 400, 500, 1, 1)], true));
    expect(h.finals.map((t) => [t.speaker, t.text, t.startMs, t.endMs])).toEqual([[0, 'hello', 0, 200], [1, 'hi there', 300, 500]]);
    h.setMixed(false);
    h.a.final(final([word('one', 600, 700, 1, 0), word('two', 700, 800, 1, 1)], true));
    expect(h.finals[2]).toMatchObject({ text: 'one two', speaker: undefined, startMs: 600, endMs: 800 });
  });

  it('uses the segment text and confidence when a provider gives no word timings, and closes on a forced finalize', () => {
    const h = harness();
    h.a.final(final([], false, { text: ' price is high ', confidence: 0.7, startMs: 50, endMs: 900 }));
    h.a.final(final([], false, { text: 'for us', confidence: 0.5, startMs: 900, endMs: 1400, fromFinalize: true }));
    expect(h.finals).toEqual([{ words: [], text: 'price is high for us', startMs: 50, endMs: 1400, confidence: 0.6, language: 'en', speaker: undefined }]);
    // an empty interim with nothing open is not shown
    h.a.interim([], '', 1500, 1600, 0.9, 'en');
    expect(h.interims.at(-1)?.text).toBe('price is high');
  });
});
