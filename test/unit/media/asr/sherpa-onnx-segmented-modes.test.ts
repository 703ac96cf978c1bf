import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SherpaOnnxProvider } from '../../../../media/asr/sherpa-onnx.js';
import { StreamTranscriber } from '../../../../media/asr/stream-transcriber.js';
import { Transcript, type Utterance } from '../../../../sidecar/calls/transcript.js';
import type { AsrEvent, AsrFinalEvent } from '../../../../media/asr/asr-provider.js';
import { ModelFileError } from '../../../../media/asr/vad.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';
import { collect, finalText, writeFrames } from '../../../helpers/asr.js';
import { wordErrorRate } from '../../../helpers/wer.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';
import { readWavPcm16 } from '../../../helpers/media.js';
import { orderedRecall } from '../../../conformance/asr-provider.js';
import { VOCAB, librivox, options, twoUtterances, writePaced } from './segmented-fixtures.js';

describe('sherpa-onnx with streaming and segmented languages side by side', () => {
  it('serves English from a streaming model and Danish from a segmented one in the same provider', async () => {
    const enDir = fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx'], VOCAB);
    const o = options({ mode: 'describe' });
    const provider = await SherpaOnnxProvider.create({ ...o, models: { en: { dir: enDir }, ...o.models } });
    try {
      expect(provider.capabilities.languages).toEqual(['en', 'da']);
      expect(provider.capabilities.finalize).toBe(true);
      const en = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
      const da = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
      expect(provider.load).toEqual([1]);
      expect(provider.segmented!.sessions).toBe(1);
      const ren = collect(en);
      const rda = collect(da);
      writeFrames(en, scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }, { k: 0, ms: 40 }, { k: 5, ms: 200 }, { k: 0, ms: 500 }]));
      const { pcm } = twoUtterances(4);
      await writePaced(da, pcm);
      await Promise.all([en.finish(), da.finish()]);
      const text = (evs: AsrEvent[]) => evs.filter((e): e is AsrFinalEvent => e.type === 'final').map((e) => e.text);
      expect(text(await ren.done)).toEqual(['more than']);
      const daFinals = text(await rda.done);
      expect(daFinals).toHaveLength(2);
      for (const t of daFinals) expect(t).toMatch(/^s\d+ h[0-9a-f]{8}$/);
    } finally {
      await provider.close();
    }
  });

  it('ends utterances after each language\'s own silence (two languages on one model folder)', async () => {
    const o = options({ mode: 'describe' });
    const dir = o.models.da.dir;
    const provider = await SherpaOnnxProvider.create({
      ...o, models: { da: { dir, mode: 'segmented', minSilenceMs: 700 }, de: { dir, mode: 'segmented' } },
    });
    try {
      // Two clips 400 ms apart: one utterance for a 700 ms rule, two for the default 250 ms.
      const { pcm } = twoUtterances(12, 400);
      const count = async (language: string) => {
        const s = provider.open({ language, sampleRateHz: 16000, logger: silentLogger() });
        const r = collect(s);
        await writePaced(s, pcm);
        await s.finish();
        return (await r.done).filter((e) => e.type === 'final').length;
      };
      expect(await count('da')).toBe(1);
      expect(await count('de')).toBe(2);
    } finally {
      await provider.close();
    }
  });

  it('declares no finalize() when every language is segmented (its own VAD ends utterances)', async () => {
    const provider = await SherpaOnnxProvider.create(options({ mode: 'words' }));
    try {
      expect(provider.capabilities.finalize).toBe(false);
      expect(provider.load).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it('refuses to start when a segmented model folder is missing, naming it', async () => {
    const err = await SherpaOnnxProvider.create({ ...options({ mode: 'words' }), models: { da: { dir: '/nonexistent/parakeet', mode: 'segmented' } } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.code).toBe('ASR_MODEL_MISSING');
    expect(err.file).toBe('/nonexistent/parakeet');
  });
});

describe('sherpa-onnx segmented mode in a call transcript', () => {
  it('fills the call transcript through the stream transcriber: interims update the open utterance, each final closes it with its delay', async () => {
    const provider = await SherpaOnnxProvider.create(options({ mode: 'describe' }));
    try {
      const transcript = new Transcript();
      const interims: Utterance[] = [];
      transcript.on('interim', (u) => interims.push({ ...u }));
      const t = new StreamTranscriber({
        provider, language: 'da', transcript, streamLabel: '2', role: 'customer', streamOffsetMs: 5000, vad: false, logger: silentLogger(),
      });
      const { pcm } = twoUtterances(6);
      for (let i = 0; i < pcm.length; i += 1600) {
        for (let j = i; j < Math.min(i + 1600, pcm.length); j += 320) t.write({ samples: pcm.slice(j, j + 320), startMs: j / 16, concealed: false });
        await new Promise((r) => setTimeout(r, 10));
      }
      await t.finish();
      const finals = transcript.utterances;
      expect(finals).toHaveLength(2);
      for (const u of finals) {
        expect([u.final, u.role, u.streamLabel, u.language]).toEqual([true, 'customer', '2', 'da']);
        expect(u.text).toMatch(/^s\d+ h[0-9a-f]{8}$/);
        expect(u.startMs).toBeGreaterThanOrEqual(5000); // call time = stream offset + session time
        expect(u.asrDelayMs).toBeGreaterThanOrEqual(0);
      }
      expect(finals[1].startMs).toBeGreaterThan(finals[0].endMs);
      expect(interims.length).toBeGreaterThan(0);
      // Interims carry the id of the utterance their final closes.
      expect(new Set(interims.map((u) => u.id)).size).toBeLessThanOrEqual(2);
      for (const u of interims) expect(finals.map((f) => f.id)).toContain(u.id);
    } finally {
      await provider.close();
    }
  });
});

describe('sherpa-onnx segmented mode when the decoder fails', () => {
  it('ends the session with a retryable error when its decoding worker dies, and serves new sessions on a replacement', async () => {
    const provider = await SherpaOnnxProvider.create(options({ mode: 'describe', exitOnDecode: 1 }, {}, { interimIntervalMs: 5000, maxInterimIntervalMs: 5000 }));
    try {
      const { pcm } = twoUtterances(2);
      const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
      const r = collect(s);
      await writePaced(s, pcm.subarray(0, 16000 * 5)); // utterance 1 ends: its final kills the worker
      const events = await r.done;
      const err = events.at(-1);
      expect(err?.type).toBe('error');
      if (err?.type !== 'error') return;
      expect([err.error.provider, err.error.category, err.error.retryable]).toEqual(['sherpa-onnx', 'server', true]);
      expect(err.error.message).toContain('decoder worker exited (code 3)');
      expect(events.some((e) => e.type === 'final')).toBe(false);
      expect(provider.segmented!.stats().jobsFailed).toBe(1);
      s.write(new Int16Array(320)); // a failed session drops audio without throwing
      // A new session (as the reconnecting decorator opens) is decoded by the replacement worker.
      const again = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
      const r2 = collect(again);
      await writePaced(again, pcm.subarray(0, 16000 * 5));
      await again.finish();
      const finals = (await r2.done).filter((e): e is AsrFinalEvent => e.type === 'final');
      expect(finals).toHaveLength(1);
      expect(finals[0].text).toMatch(/^s\d+ h[0-9a-f]{8}$/);
    } finally {
      await provider.close();
    }
  });
});

// Real speech with a real offline model: runs when SHERPA_ONNX_OFFLINE_MODEL_DIR points at a segmented-mode
// model folder (e.g. models/sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8 after `make models`).
const offlineDir = process.env.SHERPA_ONNX_OFFLINE_MODEL_DIR;
if (!offlineDir) {
  process.stdout.write('sherpa-onnx segmented real-model tests skipped: set SHERPA_ONNX_OFFLINE_MODEL_DIR to an offline model folder ' +
    '(e.g. models/sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8 after `make models`).\n');
}

describe.skipIf(!offlineDir)('sherpa-onnx segmented mode with a real model (SHERPA_ONNX_OFFLINE_MODEL_DIR)', () => {
  const real = (langs: string[]) => SherpaOnnxProvider.create({
    ...options({ mode: 'words' }), engineModule: undefined, probeModels: true,
    models: Object.fromEntries(langs.map((l) => [l, { dir: offlineDir!, mode: 'segmented' as const }])),
  });
  const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}' ]/gu, ' ').split(/\s+/).filter(Boolean);

  it('transcribes LibriVox speech (English) with a word error rate under 25 %', async () => {
    const refs = new Map(readFileSync(librivox('transcription'), 'utf8').split('\n').filter(Boolean).map((l) => {
      const m = /^<s> (.*) <\/s> \((.*)\)$/.exec(l)!;
      return [m[2], m[1]] as const;
    }));
    const provider = await real(['en']);
    try {
      let errors = 0;
      let words = 0;
      for (const [id, ref] of refs) {
        const wav = readWavPcm16(librivox(`${id}.wav`)).samples;
        const pcm = new Int16Array(wav.length + 16000);
        pcm.set(wav);
        const s = provider.open({ language: 'en', sampleRateHz: 16000, logger: silentLogger() });
        const r = collect(s);
        writeFrames(s, pcm);
        await s.finish({ timeoutMs: 60_000 });
        const hyp = norm(finalText(await r.done)).join(' ');
        const wer = wordErrorRate(ref, hyp);
        errors += wer * ref.split(' ').length;
        words += ref.split(' ').length;
        process.stdout.write(`  ${id}: WER ${(wer * 100).toFixed(1)} %  "${hyp}"\n`);
      }
      process.stdout.write(`  LibriVox WER ${((errors / words) * 100).toFixed(1)} % over ${words} words (segmented, ${offlineDir})\n`);
      expect(errors / words).toBeLessThan(0.25);
    } finally {
      await provider.close();
    }
  }, 300_000);

  it('recognises Danish (espeak-ng speech: a price objection) and emits interims before the final', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-da-'));
    const text = 'det er desværre alt for dyrt for os i år og vi har ikke budget til det';
    const synth = spawnSync('espeak-ng', ['-v', 'da', '-s', '150', '-w', join(dir, 'raw.wav'), text]);
    const conv = synth.status === 0 ? spawnSync('sox', [join(dir, 'raw.wav'), '-r', '16000', '-c', '1', '-b', '16', join(dir, 'da.wav')]) : synth;
    if (conv.status !== 0) throw new Error('espeak-ng and sox (Debian packages) are needed for the Danish check');
    const speech = readWavPcm16(join(dir, 'da.wav')).samples;
    const pcm = new Int16Array(8000 + speech.length + 16000);
    pcm.set(speech, 8000);
    const provider = await real(['da']);
    try {
      const s = provider.open({ language: 'da', sampleRateHz: 16000, logger: silentLogger() });
      const r = collect(s);
      await writePaced(s, pcm);
      await s.finish({ timeoutMs: 60_000 });
      const events = await r.done;
      const hyp = norm(finalText(events));
      process.stdout.write(`  Danish: "${hyp.join(' ')}"\n`);
      expect(orderedRecall(norm(text), hyp)).toBeGreaterThanOrEqual(0.5);
      expect(hyp).toContain('dyrt');
      expect(events.findIndex((e) => e.type === 'interim')).toBeLessThan(events.findIndex((e) => e.type === 'final'));
    } finally {
      await provider.close();
    }
  }, 300_000);
});
