import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { DecodePool, type DecodeJobKind } from '../../../../media/asr/decode-pool.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';

const engineModule = fileURLToPath(new URL('../../../fakes/fake-sherpa-engine.ts', import.meta.url));

/** A pool of one scripted worker whose decodes sleep `msPerAudioSecond` per second of audio. */
async function pool(msPerAudioSecond: number, saturationWaitMs = 100) {
  const dir = fakeModelDir(['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx'], ['a']);
  writeFileSync(join(dir, 'fake-engine.json'), JSON.stringify({ mode: 'describe', msPerAudioSecond }));
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(JSON.parse(l)); } });
  const p = await DecodePool.create({
    workers: 1, engineModule, logger, models: { m: { modelConfig: { tokens: join(dir, 'tokens.txt') } } },
    scheduler: { interimIntervalMs: 500, interimCpuShare: 0.25, maxInterimIntervalMs: 4000, saturationWaitMs },
  });
  return { p, lines };
}

/** Submits a job of `ms` of silence; resolves with its label when done. */
function job(p: DecodePool, sessionId: number, kind: DecodeJobKind, ms: number, done: string[]) {
  let handle!: ReturnType<DecodePool['submit']>;
  const finished = new Promise<void>((resolve, reject) => {
    handle = p.submit({
      sessionId, kind, model: 'm', pcm: new Int16Array(ms * 16),
      onDone: ({ result }) => { done.push(`${kind}${sessionId}:${result.text.split(' ')[0]}`); resolve(); },
      onFailed: (err) => reject(err),
    });
  });
  return { handle, finished };
}

describe('DecodePool (scripted OfflineRecognizer in a worker thread)', () => {
  let closeMe: DecodePool | undefined;
  afterEach(async () => {
    await closeMe?.close();
    closeMe = undefined;
  });

  it('serves finals before interims and one job per session at a time, in queue order otherwise', async () => {
    const { p } = await pool(100);
    closeMe = p;
    const done: string[] = [];
    const jobs = [
      job(p, 1, 'final', 1000, done), // starts at once
      job(p, 2, 'interim', 200, done),
      job(p, 2, 'final', 300, done),
      job(p, 1, 'interim', 400, done),
    ];
    await Promise.all(jobs.map((j) => j.finished));
    expect(done).toEqual(['final1:s16000', 'final2:s4800', 'interim2:s3200', 'interim1:s6400']);
    const st = p.stats();
    expect([st.finalsDecoded, st.interimsDecoded, st.audioMsDecoded, st.busyWorkers, st.queuedFinals, st.queuedInterims]).toEqual([2, 2, 1900, 0, 0, 0]);
    expect(st.decodeMsTotal).toBeGreaterThanOrEqual(190); // the decodes slept 100 ms per audio second
  });

  it('does not take a session waiting for its own previous job for a busy pool, but reports two sessions competing for one worker', async () => {
    const { p, lines } = await pool(100, 100);
    closeMe = p;
    const done: string[] = [];
    await Promise.all([job(p, 1, 'final', 3000, done), job(p, 1, 'interim', 200, done)].map((j) => j.finished));
    expect(p.stats().saturationEpisodes).toBe(0);
    await Promise.all([job(p, 1, 'final', 3000, done), job(p, 2, 'final', 200, done)].map((j) => j.finished));
    const st = p.stats();
    expect(st.saturationEpisodes).toBe(1);
    expect(st.maxQueueWaitMs).toBeGreaterThanOrEqual(250);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['segmented asr: decode pool saturated; interim interval lengthened (finals keep priority)']);
    expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(['segmented asr: decode pool recovered; interim interval back to normal']);
    expect([st.saturated, st.interimIntervalFactor]).toEqual([false, 1]);
  });

  it('cancels a queued interim but not a running one, and fails queued jobs at close()', async () => {
    const { p } = await pool(100);
    const done: string[] = [];
    const running = job(p, 1, 'interim', 2000, done);
    const queued = job(p, 2, 'interim', 200, done);
    expect(running.handle.cancel()).toBe(false);
    expect(queued.handle.cancel()).toBe(true);
    expect(queued.handle.cancel()).toBe(false);
    const orphan = job(p, 3, 'final', 200, done);
    const failed = orphan.finished.catch((e) => e);
    await p.close();
    const err = await failed;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('decode pool closed');
    expect(done).toEqual(['interim1:s32000']); // the running job finished before the worker exited
    expect(p.stats().interimsCancelled).toBe(1);
    expect(() => p.submit({ sessionId: 4, kind: 'final', model: 'm', pcm: new Int16Array(1), onDone() {}, onFailed() {} })).toThrow(/closed/);
  });
});
