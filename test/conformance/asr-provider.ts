import { describe, expect, it } from 'vitest';
import type { AsrEvent, AsrFinalEvent, AsrProvider, AsrSessionOptions } from '../../media/asr/asr-provider.js';
import { InvalidStateError } from '../../sidecar/core/errors.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { collect, writeFrames } from '../helpers/asr.js';

/**
 * One suite that every AsrProvider adapter and decorator passes (STYLE §7). Each case awaits every
 * assertion; nothing is handed to `Promise.all` uncalled.
 */
export interface AsrConformanceSubject {
  provider: AsrProvider;
  /** PCM16 16 kHz speech with at least one utterance and a pause after it. */
  speech: Int16Array;
  /** Words the finals must contain, in order (lower case, punctuation stripped). */
  expectedWords: string[];
  /** Share of `expectedWords` that must be found (1 for scripted providers; lower for real models). */
  minRecall?: number;
  language?: string;
  cleanup?: () => Promise<void>;
}

const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');

/** In-order recall of `expected` in `got` (longest common subsequence / expected length). */
export function orderedRecall(expected: string[], got: string[]): number {
  const dp = Array.from({ length: expected.length + 1 }, () => new Array<number>(got.length + 1).fill(0));
  for (let i = 1; i <= expected.length; i++) {
    for (let j = 1; j <= got.length; j++) {
      dp[i][j] = expected[i - 1] === got[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  return expected.length ? dp[expected.length][got.length] / expected.length : 1;
}

export function asrProviderConformance(name: string, make: () => Promise<AsrConformanceSubject>): void {
  describe(`AsrProvider conformance: ${name}`, () => {
    const opts = (s: AsrConformanceSubject): AsrSessionOptions => ({
      language: s.language ?? 'en', sampleRateHz: 16000, logger: silentLogger(),
    });

    it('declares its capabilities completely', async () => {
      const s = await make();
      try {
        const c = s.provider.capabilities;
        expect(typeof s.provider.name).toBe('string');
        expect(s.provider.name.length).toBeGreaterThan(0);
        expect(typeof c.interim).toBe('boolean');
        expect(typeof c.wordTimings).toBe('boolean');
        expect(typeof c.diarization).toBe('boolean');
        expect(typeof c.finalize).toBe('boolean');
        expect(c.encodings).toContain('linear16');
        expect(c.languages === 'any' || (Array.isArray(c.languages) && c.languages.length > 0)).toBe(true);
      } finally {
        await s.cleanup?.();
      }
    });

    it('turns speech into finals in order, ends after finish(), and keeps every time inside the audio', async () => {
      const s = await make();
      try {
        const session = s.provider.open(opts(s));
        const r = collect(session);
        await expect(session.ready).resolves.toBe(true);
        writeFrames(session, s.speech);
        const writtenMs = session.writtenMs;
        expect(writtenMs).toBeCloseTo((s.speech.length / 16000) * 1000, 6);
        await session.finish({ timeoutMs: 10_000 });
        const events = await r.done;
        expect(events.some((e) => e.type === 'error')).toBe(false);
        const finals = events.filter((e): e is AsrFinalEvent => e.type === 'final');
        expect(finals.length).toBeGreaterThan(0);
        const got = finals.flatMap((f) => f.text.split(/\s+/)).map(norm).filter(Boolean);
        expect(orderedRecall(s.expectedWords.map(norm), got)).toBeGreaterThanOrEqual(s.minRecall ?? 1);
        let lastEnd = -1;
        for (const f of finals) {
          expect(f.startMs).toBeGreaterThanOrEqual(0);
          expect(f.endMs).toBeLessThanOrEqual(writtenMs + 1);
          expect(f.startMs).toBeLessThanOrEqual(f.endMs);
          for (const w of f.words) {
            // finals never repeat audio: each word starts at or after the previous final word's end
            expect(w.startMs).toBeGreaterThanOrEqual(lastEnd);
            expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
            expect(w.confidence).toBeGreaterThanOrEqual(0);
            expect(w.confidence).toBeLessThanOrEqual(1);
            lastEnd = w.endMs;
          }
        }
      } finally {
        await s.cleanup?.();
      }
    });

    it('sends interims only before the final that settles them', async () => {
      const s = await make();
      try {
        const session = s.provider.open(opts(s));
        const r = collect(session);
        writeFrames(session, s.speech);
        await session.finish({ timeoutMs: 10_000 });
        const events: AsrEvent[] = await r.done;
        const interims = events.filter((e) => e.type === 'interim');
        if (!s.provider.capabilities.interim) {
          expect(interims).toHaveLength(0);
          return;
        }
        expect(interims.length).toBeGreaterThan(0);
        expect(events.findLastIndex((e) => e.type === 'interim')).toBeLessThan(events.findLastIndex((e) => e.type === 'final'));
      } finally {
        await s.cleanup?.();
      }
    });

    it('makes finish() idempotent and refuses audio after it', async () => {
      const s = await make();
      try {
        const session = s.provider.open(opts(s));
        const r = collect(session);
        writeFrames(session, s.speech.subarray(0, 3200));
        const a = session.finish();
        expect(session.finish()).toBe(a);
        expect(() => session.write(new Int16Array(320))).toThrow(InvalidStateError);
        await a;
        await r.done;
      } finally {
        await s.cleanup?.();
      }
    });

    it('ends the iterator on close() and ignores a second close()', async () => {
      const s = await make();
      try {
        const session = s.provider.open(opts(s));
        const r = collect(session);
        writeFrames(session, s.speech.subarray(0, 3200));
        session.close('test');
        session.close('again');
        const events = await r.done;
        expect(events.every((e) => e.type !== 'error')).toBe(true);
        expect(() => session.write(new Int16Array(320))).toThrow(InvalidStateError);
      } finally {
        await s.cleanup?.();
      }
    });

    it('rejects audio of the wrong type with a TypeError', async () => {
      const s = await make();
      try {
        const session = s.provider.open(opts(s));
        expect(() => session.write(new Uint8Array(640) as unknown as Int16Array)).toThrow(TypeError);
        session.close();
      } finally {
        await s.cleanup?.();
      }
    });
  });
}
