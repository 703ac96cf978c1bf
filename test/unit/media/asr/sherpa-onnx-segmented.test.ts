import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { SherpaOnnxProvider } from '../../../../media/asr/sherpa-onnx.js';
import type { AsrFinalEvent, AsrInterimEvent } from '../../../../media/asr/asr-provider.js';
import type { SegmentedDecodeEvent } from '../../../../media/asr/segmented-session.js';
import { InvalidStateError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { collect } from '../../../helpers/asr.js';
import { asrProviderConformance } from '../../../conformance/asr-provider.js';
import { describeText, expectDecoded, options, twoUtterances, writePaced } from './segmented-fixtures.js';

describe('sherpa-onnx segmented mode (Silero VAD on real speech, scripted OfflineRecognizer in worker threads)', () => {
  let provider: SherpaOnnxProvider;
  const decodes: SegmentedDecodeEvent[] = [];
  beforeAll(async () => {
    // Decoding takes 20 ms per second of audio; a 5 % CPU share makes the budget (d / 0.05) exceed the
    // 500 ms interval once the utterance so far passes about 1.25 s, so both rules are exercised.
    provider = await SherpaOnnxProvider.create(options({ mode: 'describe', msPerAudioSecond: 20 }, {}, { interimCpuShare: 0.05 }));
    provider.segmented!.observer.on('decode', (e) => decodes.push(e));
  });
  afterAll(async () => {
    await provider.close();
  });

  it('decodes each utterance whole as soon as the VAD ends it: one final per utterance, exactly its audio plus padding', async () => {
    decodes.length = 0;
    const { pcm, spans } = twoUtterances();
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, pcm);
    await s.finish();
    const events = await r.done;
    const finals = events.filter((e): e is AsrFinalEvent => e.type === 'final');
    const finalDecodes = decodes.filter((d) => d.kind === 'final');
    expect(finals).toHaveLength(2);
    expect(finalDecodes.map((d) => d.utterance)).toEqual([1, 2]);
    finals.forEach((f, i) => {
      const d = finalDecodes[i];
      const [start, end] = spans[i];
      expect([f.endOfUtterance, f.fromFinalize, f.language]).toEqual([true, false, 'da']);
      // The clip is the VAD segment with 200 ms before and up to 100 ms after: inside the clip's span, covering most of it.
      expect(d.clipStartMs).toBeGreaterThanOrEqual(start - 400);
      expect(d.clipEndMs).toBeLessThanOrEqual(end + 350);
      expect(d.clipEndMs - d.clipStartMs).toBeGreaterThan((end - start) * 0.7);
      expectDecoded(f.text, pcm, d.clipStartMs, d.clipEndMs);
      // Token times (seconds from the clip start) land on the session timeline.
      const n = (d.clipEndMs - d.clipStartMs) * 16;
      expect(f.words.map((w) => w.startMs)).toEqual([Math.round(d.clipStartMs), Math.round(d.clipStartMs + n / 32)]);
      expect(f.startMs).toBe(Math.round(d.clipStartMs));
      expect(f.endMs).toBeLessThanOrEqual(d.clipEndMs);
    });
    // Each utterance: speech-started, then (interims and) its final.
    const starts = events.flatMap((e, i) => (e.type === 'speech-started' ? [i] : []));
    const finalIdx = events.flatMap((e, i) => (e.type === 'final' ? [i] : []));
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBeLessThan(finalIdx[0]);
    expect(starts[1]).toBeLessThan(finalIdx[1]);
    expect(s.writtenMs).toBe(pcm.length / 16);
  });

  it('emits interims of the utterance so far at the interval, or later as the CPU budget asks, and only before its final', async () => {
    decodes.length = 0;
    const { pcm } = twoUtterances(3);
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, pcm);
    await s.finish();
    const events = await r.done;
    const finalAt = (u: number) => events.filter((e) => e.type === 'final').map((e) => events.indexOf(e))[u - 1];
    for (const u of [1, 2]) {
      const interims = decodes.filter((d) => d.kind === 'interim' && d.utterance === u);
      const final = decodes.find((d) => d.kind === 'final' && d.utterance === u)!;
      expect(interims.length).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < interims.length; i++) {
        const d = interims[i];
        expect(d.clipEndMs).toBeLessThanOrEqual(final.clipEndMs);
        if (i === 0) continue;
        // Rule 1 + 2: the next interim starts after max(interval, previous decode time / CPU share) of audio.
        const prev = interims[i - 1];
        expect(d.clipStartMs).toBe(prev.clipStartMs);
        expect(d.clipEndMs - prev.clipEndMs).toBeGreaterThanOrEqual(Math.max(500, prev.decodeMs / 0.05) - 1);
      }
    }
    // Each interim event is the decode of exactly the audio so far, and comes before its utterance's final.
    const interimEvents = events.filter((e): e is AsrInterimEvent => e.type === 'interim');
    expect(interimEvents.length).toBeGreaterThanOrEqual(2);
    for (const e of interimEvents) {
      const d = decodes.find((x) => x.kind === 'interim' && Math.round(x.clipStartMs) === e.startMs && e.text.startsWith(`s${(x.clipEndMs - x.clipStartMs) * 16} `))!;
      expect(d).toBeDefined();
      expectDecoded(e.text, pcm, d.clipStartMs, d.clipEndMs);
      expect(events.indexOf(e)).toBeLessThan(finalAt(d.utterance));
    }
  });

  it('at finish(), turns speech still running into the last final and ends; refuses audio after', async () => {
    const { pcm, spans } = twoUtterances(5);
    const cut = pcm.subarray(0, Math.round((spans[0][0] + 1500) * 16)); // hang-up in the middle of utterance 1
    const s = provider.open({ language: 'da-DK', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    await writePaced(s, cut);
    const done = s.finish();
    expect(s.finish()).toBe(done);
    expect(() => s.write(new Int16Array(320))).toThrow(InvalidStateError);
    await done;
    const finals = (await r.done).filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals).toHaveLength(1);
    expect([finals[0].fromFinalize, finals[0].endOfUtterance, finals[0].language]).toEqual([true, true, 'da-DK']);
    expect(finals[0].text).toMatch(/^s\d+ h[0-9a-f]{8}$/);
    expect(finals[0].endMs).toBeLessThanOrEqual(cut.length / 16);
    expect(provider.segmented!.sessions).toBe(0);
  });

  it('marks as forced only the final that finish() cut, not utterances that ended on their own while draining', async () => {
    const { pcm, spans } = twoUtterances(8);
    const cut = pcm.subarray(0, Math.round((spans[1][0] + 1200) * 16)); // utterance 1 whole, hang-up inside utterance 2
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    s.write(cut); // all at once: the VAD reads it after finish() has begun
    await s.finish();
    const finals = (await r.done).filter((e): e is AsrFinalEvent => e.type === 'final');
    expect(finals.map((f) => [f.fromFinalize, f.endOfUtterance])).toEqual([[false, true], [true, true]]);
  });

  it('drops pending work on close() and keeps the pool usable', async () => {
    const { pcm } = twoUtterances(9);
    const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
    const r = collect(s);
    s.write(pcm.slice(0, 16000 * 3));
    s.close('test');
    s.close('again');
    expect((await r.done).some((e) => e.type === 'error' || e.type === 'final')).toBe(false);
    expect(() => s.write(new Int16Array(320))).toThrow(InvalidStateError);
    expect(provider.segmented!.stats().queuedFinals + provider.segmented!.stats().queuedInterims).toBe(0);
  });
});

describe('sherpa-onnx segmented mode under load', () => {
  it('says so in logs and stats when the pool saturates, lengthens the interim interval, still delivers every final, and recovers', async () => {
    const lines: Array<{ level: number; msg: string; interimIntervalMs?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
    // One worker; each decode sleeps 100 ms per second of audio; a 50 ms queue wait counts as saturated.
    const provider = await SherpaOnnxProvider.create(options({ mode: 'describe', msPerAudioSecond: 100 }, { logger }, { saturationWaitMs: 50 }));
    try {
      const decodes: SegmentedDecodeEvent[] = [];
      provider.segmented!.observer.on('decode', (e) => decodes.push(e));
      const streams = [1, 2, 3].map((seed) => ({ ...twoUtterances(seed), s: provider.open({ language: 'da', sampleRateHz: 16000, logger }) }));
      const readers = streams.map((x) => collect(x.s));
      await Promise.all(streams.map((x) => writePaced(x.s, x.pcm)));
      await Promise.all(streams.map((x) => x.s.finish({ timeoutMs: 20_000 })));
      for (const [i, x] of streams.entries()) {
        const finals = (await readers[i].done).filter((e): e is AsrFinalEvent => e.type === 'final');
        const fd = decodes.filter((d) => d.kind === 'final' && d.sessionId === finalsSession(decodes, x, finals));
        expect(finals).toHaveLength(2);
        finals.forEach((f, j) => expectDecoded(f.text, x.pcm, fd[j].clipStartMs, fd[j].clipEndMs));
      }
      const stats = provider.segmented!.stats();
      expect(stats.saturationEpisodes).toBeGreaterThanOrEqual(1);
      expect(stats.maxInterimIntervalFactor).toBeGreaterThanOrEqual(2);
      expect(stats.maxQueueWaitMs).toBeGreaterThanOrEqual(50);
      expect(stats.finalsDecoded).toBe(6);
      expect(stats.audioMsDecoded).toBeGreaterThan(0);
      const warn = lines.find((l) => l.level === 40 && l.msg.includes('decode pool saturated'));
      expect(warn?.interimIntervalMs).toBeGreaterThanOrEqual(1000);
      // Drained: recovered, logged, normal interval again.
      expect([stats.saturated, stats.interimIntervalFactor, stats.busyWorkers, stats.queuedFinals]).toEqual([false, 1, 0, 0]);
      expect(lines.some((l) => l.level === 30 && l.msg.includes('decode pool recovered'))).toBe(true);
    } finally {
      await provider.close();
    }
  });
});

/** The session id whose final decodes produced these finals (matched by decoded text). */
function finalsSession(decodes: SegmentedDecodeEvent[], x: { pcm: Int16Array }, finals: AsrFinalEvent[]): number {
  const d = decodes.find((e) => e.kind === 'final' && finals[0].text === describeText(x.pcm, e));
  return d?.sessionId ?? -1;
}

asrProviderConformance('sherpa-onnx segmented (scripted offline engine, real VAD)', async () => {
  const provider = await SherpaOnnxProvider.create(options({ mode: 'describe' }));
  return { provider, speech: twoUtterances(11).pcm, expectedWords: [], minRecall: 0, language: 'da', cleanup: () => provider.close() };
});
