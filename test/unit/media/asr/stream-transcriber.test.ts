import { describe, expect, it } from 'vitest';
import { StreamTranscriber, type AsrHealthEvent } from '../../../../media/asr/stream-transcriber.js';
import type { AsrFinalEvent, AsrInterimEvent, AsrWord } from '../../../../media/asr/asr-provider.js';
import type { PcmFrame } from '../../../../media/stream-pipeline-types.js';
import { Transcript, type Utterance } from '../../../../sidecar/calls/transcript.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { ManualAsrProvider } from '../../../fakes/manual-asr-provider.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today', 'good', 'morning'];

/** 20 ms frames of `pcm` on the stream timeline from `startMs`. */
function frames(pcm: Int16Array, startMs = 0): PcmFrame[] {
  const out: PcmFrame[] = [];
  for (let i = 0; i < pcm.length; i += 320) out.push({ samples: pcm.slice(i, i + 320), startMs: startMs + i / 16, concealed: false });
  return out;
}

function speech(ks: number[], leadMs = 100): Int16Array {
  const items = [{ k: 0, ms: leadMs }];
  for (const k of ks) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 400 });
  return scriptedSpeech(items);
}

const w = (text: string, startMs: number, endMs: number, speaker?: number): AsrWord =>
  ({ text, startMs, endMs, confidence: 0.9, ...(speaker !== undefined ? { speaker } : {}) });
const final = (words: AsrWord[], endOfUtterance: boolean, fromFinalize = false): AsrFinalEvent => ({
  type: 'final', text: words.map((x) => x.text).join(' '), words, confidence: 0.9, language: 'en',
  startMs: words[0]?.startMs ?? 0, endMs: words.at(-1)?.endMs ?? 0, endOfUtterance, fromFinalize,
});
const interim = (words: AsrWord[]): AsrInterimEvent => ({
  type: 'interim', text: words.map((x) => x.text).join(' '), words, confidence: 0.8, language: 'en',
  startMs: words[0].startMs, endMs: words.at(-1)!.endMs,
});
const brief = (u: Utterance) => [u.role, u.text, u.startMs, u.endMs];

describe('StreamTranscriber', () => {
  it('builds the ordered two-party transcript with roles, participants and call-time word timings', async () => {
    const transcript = new Transcript();
    const provider = new FakeAsrProvider({ vocabulary: VOCAB });
    const common = { provider, language: 'en', transcript, vad: false as const, logger: silentLogger() };
    // Agent stream starts at call start; the customer's stream started 3000 ms into the call.
    const agent = new StreamTranscriber({ ...common, streamLabel: '1', participantId: 'p-agent', role: 'agent', streamOffsetMs: 0 });
    const customer = new StreamTranscriber({ ...common, streamLabel: '2', participantId: 'p-cust', role: 'customer', streamOffsetMs: 3000 });
    for (const f of frames(speech([9, 10]))) agent.write(f); // "good morning" at 100–540 ms
    for (const f of frames(speech([1, 2, 3]))) customer.write(f); // at 3100–3780 ms of the call
    for (const f of frames(speech([4, 5]), 1000)) agent.write(f); // agent stream time 1100–1540
    await Promise.all([agent.finish(), customer.finish()]);
    expect(transcript.utterances.map(brief)).toEqual([
      ['agent', 'good morning', 100, 540],
      ['agent', 'more than', 1100, 1540],
      ['customer', 'honestly that is', 3100, 3780],
    ]);
    const u = transcript.utterances[2];
    expect(u.streamLabel).toBe('2');
    expect(u.participantId).toBe('p-cust');
    expect(u.roleGuessed).toBe(false);
    expect(u.language).toBe('en');
    expect(u.final).toBe(true);
    expect(u.words.map((x) => [x.text, x.startMs, x.endMs])).toEqual([
      ['honestly', 3100, 3300], ['that', 3340, 3540], ['is', 3580, 3780],
    ]);
    expect(typeof u.asrDelayMs).toBe('number');
    expect(u.asrDelayMs).toBeGreaterThanOrEqual(0);
    expect(transcript.open).toEqual([]);
  });

  it('keeps call times right across a hold, when the stream timeline jumps', async () => {
    const transcript = new Transcript();
    const t = new StreamTranscriber({
      provider: new FakeAsrProvider({ vocabulary: VOCAB }), language: 'en', transcript, streamLabel: '2', role: 'customer',
      streamOffsetMs: 500, vad: false, logger: silentLogger(),
    });
    for (const f of frames(speech([1]))) t.write(f); // stream 0–740
    for (const f of frames(speech([2]), 60_000)) t.write(f); // after a hold: stream 60000–
    await t.finish();
    expect(transcript.utterances.map(brief)).toEqual([
      ['customer', 'honestly', 600, 800],
      ['customer', 'that', 60_600, 60_800],
    ]);
  });

  it('joins final pieces into one utterance until the end of the turn, updating one open utterance', async () => {
    const transcript = new Transcript();
    const seen: Array<[string, string, boolean]> = [];
    transcript.on('interim', (u) => seen.push([u.id, u.text, u.final]));
    transcript.on('final', (u) => seen.push([u.id, u.text, u.final]));
    const provider = new ManualAsrProvider();
    const t = new StreamTranscriber({ provider, language: 'en', transcript, streamLabel: '2', role: 'customer', streamOffsetMs: 0, vad: false, logger: silentLogger() });
    const s = provider.sessions[0];
    for (const f of frames(new Int16Array(16000 * 3))) t.write(f);
    s.push(
      interim([w('that', 100, 300)]),
      final([w('that', 100, 300), w('is', 340, 500)], false),
      interim([w('too', 600, 800)]),
      final([w('too', 600, 800), w('expensive', 840, 1300)], true),
      interim([w('okay', 2000, 2200)]),
      { type: 'utterance-end', lastWordEndMs: 2200 },
    );
    await t.finish();
    expect(seen).toEqual([
      ['2-1', 'that', false],
      ['2-1', 'that is', false],
      ['2-1', 'that is too', false],
      ['2-1', 'that is too expensive', true],
      ['2-2', 'okay', false],
    ]);
    expect(transcript.utterances.map(brief)).toEqual([['customer', 'that is too expensive', 100, 1300]]);
  });

  it('splits a diarized mixed stream into per-speaker utterances with guessed roles (first speaker = agent)', async () => {
    const transcript = new Transcript();
    const provider = new ManualAsrProvider();
    const t = new StreamTranscriber({ provider, language: 'en', transcript, streamLabel: 'mix', role: 'mixed', streamOffsetMs: 0, vad: false, logger: silentLogger() });
    expect(provider.sessions[0].options.diarize).toBe(true);
    for (const f of frames(new Int16Array(16000 * 3))) t.write(f);
    provider.sessions[0].push(
      final([w('hello', 0, 300, 0), w('acme', 300, 600, 0), w('hi', 900, 1000, 1)], false),
      final([w('too', 1100, 1300, 1), w('pricey', 1300, 1600, 1)], true),
    );
    await t.finish();
    expect(transcript.utterances.map((u) => [u.role, u.roleGuessed, u.text])).toEqual([
      ['agent', true, 'hello acme'],
      ['customer', true, 'hi too pricey'],
    ]);
    expect(transcript.utterances[0].participantId).toBeUndefined();
  });

  it('follows a per-call speaker override on a mixed stream', async () => {
    const transcript = new Transcript();
    const provider = new ManualAsrProvider();
    const t = new StreamTranscriber({
      provider, language: 'en', transcript, streamLabel: 'mix', role: 'mixed', streamOffsetMs: 0, vad: false,
      speakerRoles: { 0: 'customer' }, logger: silentLogger(),
    });
    provider.sessions[0].push(final([w('hello', 0, 300, 0), w('hi', 400, 500, 1)], true));
    await t.finish();
    expect(transcript.utterances.map((u) => u.role)).toEqual(['customer', 'agent']);
  });

  it('turns a provider failure into a degraded event and keeps taking frames without throwing', async () => {
    const transcript = new Transcript();
    const auth = new ProviderError('fake', 'authentication', 'fake: API key rejected', { status: 401 });
    const provider = new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, error: auth }] });
    const t = new StreamTranscriber({ provider, language: 'en', transcript, streamLabel: '1', role: 'agent', streamOffsetMs: 0, vad: false, logger: silentLogger() });
    const degraded: AsrHealthEvent[] = [];
    const closed: string[] = [];
    t.on('degraded', (e) => degraded.push(e));
    t.on('close', (e) => closed.push(e.reason));
    for (const f of frames(speech([1]))) t.write(f);
    await t.finish();
    for (const f of frames(speech([1]))) t.write(f);
    expect(degraded).toEqual([{ component: 'asr', streamLabel: '1', provider: 'fake', category: 'authentication', retrying: false, detail: 'fake: API key rejected' }]);
    expect(closed).toEqual(['provider-failed']);
    expect(transcript.utterances).toEqual([]);
    expect(t.droppedFrames).toBeGreaterThan(0);
  });

  it('finalizes early when the VAD hears the end of speech', async () => {
    const { readWavPcm16 } = await import('../../../helpers/media.js');
    const { fileURLToPath } = await import('node:url');
    const wav = readWavPcm16(fileURLToPath(new URL('../../../fixtures/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', import.meta.url)));
    const provider = new ManualAsrProvider();
    const t = new StreamTranscriber({ provider, language: 'en', transcript: new Transcript(), streamLabel: '1', role: 'agent', streamOffsetMs: 0, logger: silentLogger() });
    const pcm = new Int16Array(wav.samples.length + 16000);
    pcm.set(wav.samples);
    for (const f of frames(pcm)) t.write(f);
    expect(provider.sessions[0].finalizeCalls).toBe(1);
    t.close('test');
  });

  it('finalizes early from a VAD running in worker threads', async () => {
    const { VadPool } = await import('../../../../media/asr/vad-pool.js');
    const { readWavPcm16 } = await import('../../../helpers/media.js');
    const { fileURLToPath } = await import('node:url');
    const wav = readWavPcm16(fileURLToPath(new URL('../../../fixtures/librivox/sense_and_sensibility_01_austen_64kb-0880.wav', import.meta.url)));
    const pool = await VadPool.create({ workers: 1 });
    try {
      const provider = new ManualAsrProvider();
      const t = new StreamTranscriber({ provider, language: 'en', transcript: new Transcript(), streamLabel: '1', role: 'agent', streamOffsetMs: 0, vadPool: pool, logger: silentLogger() });
      const pcm = new Int16Array(wav.samples.length + 16000);
      pcm.set(wav.samples);
      for (const f of frames(pcm)) t.write(f);
      const deadline = Date.now() + 5000;
      while (provider.sessions[0].finalizeCalls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(provider.sessions[0].finalizeCalls).toBe(1);
      t.close('test');
    } finally {
      await pool.close();
    }
  });
});
