import { describe, expect, it } from 'vitest';
import { Transcript, toSegment, type UtteranceUpdate } from '../../../../sidecar/calls/transcript.js';

const upd = (streamLabel: string, role: 'agent' | 'customer', text: string, startMs: number, endMs: number): UtteranceUpdate => ({
  streamLabel, role, roleGuessed: false, text, words: [], startMs, endMs, confidence: 0.9, language: 'da',
});

describe('Transcript', () => {
  it('keeps finals in spoken order even when a stream’s final arrives late', () => {
    const t = new Transcript();
    t.final(upd('1', 'agent', 'Hvad koster det?', 1000, 2000));
    t.final(upd('2', 'customer', 'Det er for dyrt', 2500, 3600));
    t.final(upd('1', 'agent', 'Godmorgen', 0, 800)); // arrives last, was said first
    expect(t.utterances.map((u) => [u.id, u.role, u.text])).toEqual([
      ['1-2', 'agent', 'Godmorgen'], ['1-1', 'agent', 'Hvad koster det?'], ['2-1', 'customer', 'Det er for dyrt'],
    ]);
    expect(t.toText()).toBe('[00:00] agent: Godmorgen\n[00:01] agent: Hvad koster det?\n[00:02] customer: Det er for dyrt');
  });

  it('gives an interim and the final of one utterance the same id and emits each once', () => {
    const t = new Transcript();
    const events: Array<[string, string, boolean]> = [];
    t.on('interim', (u) => events.push(['interim', u.id, u.final]));
    t.on('final', (u) => events.push(['final', u.id, u.final]));
    t.interim(upd('2', 'customer', 'det er', 100, 400));
    t.interim(upd('2', 'customer', 'det er for', 100, 600));
    expect(t.open.map((u) => u.text)).toEqual(['det er for']);
    const f = t.final(upd('2', 'customer', 'det er for dyrt', 100, 900), 180);
    expect(f?.asrDelayMs).toBe(180);
    expect(events).toEqual([['interim', '2-1', false], ['interim', '2-1', false], ['final', '2-1', true]]);
    expect(t.open).toEqual([]);
    expect(toSegment(f!)).toEqual({
      utteranceId: '2-1', streamLabel: '2', role: 'customer', text: 'det er for dyrt', startMs: 100, endMs: 900, confidence: 0.9, language: 'da',
    });
  });

  it('marks a segment whose role was guessed from a mixed stream, and only such segments', () => {
    const t = new Transcript();
    const guessed = t.final({ ...upd('1', 'customer', 'det er for dyrt', 0, 900), roleGuessed: true });
    const known = t.final(upd('2', 'agent', 'forstår jeg godt', 1000, 1900));
    expect(toSegment(guessed!).roleGuessed).toBe(true);
    expect('roleGuessed' in toSegment(known!)).toBe(false);
  });

  it('drops an empty final and closes its open utterance', () => {
    const t = new Transcript();
    t.interim(upd('1', 'agent', 'øh', 0, 100));
    expect(t.final(upd('1', 'agent', '  ', 0, 100))).toBeUndefined();
    expect(t.open).toEqual([]);
    expect(t.utterances).toEqual([]);
  });

  it('discards a stream’s open utterance without touching the other stream', () => {
    const t = new Transcript();
    t.interim(upd('1', 'agent', 'ja', 0, 100));
    t.interim(upd('2', 'customer', 'nej', 0, 100));
    t.discardOpen('1');
    expect(t.open.map((u) => u.streamLabel)).toEqual(['2']);
  });
});
