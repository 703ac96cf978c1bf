import { afterEach, describe, expect, it } from 'vitest';
import { DeepgramProvider } from '../../../../media/asr/deepgram.js';
import { ReconnectingAsrProvider } from '../../../../media/asr/reconnecting.js';
import { encodeG711, g711Table, type G711Codec } from '../../../../media/codecs/g711.js';
import type { PcmFrame } from '../../../../media/stream-pipeline-types.js';
import { CallTranscriber, type TranscribedSession } from '../../../../sidecar/calls/call-transcriber.js';
import { EnhancedEmitter } from '../../../../sidecar/core/enhanced-emitter.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import type { RecordingSessionEvents } from '../../../../sidecar/sip/recording-session.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramFault, type DeepgramTestServer } from '../../../servers/deepgram-server.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];

/** A recording session stand-in. Its call starts in the future, so every stream sits at call time 0 (no wall clock in the times). */
class FakeSession extends EnhancedEmitter<RecordingSessionEvents> {
  readonly callId = 'call-g711';
  readonly call = { startedAtMs: Date.now() + 3_600_000 };
  hooks: Array<() => Promise<void> | void> = [];
  beforeClose(hook: () => Promise<void> | void): void { this.hooks.push(hook); }
  async close(): Promise<void> { for (const h of this.hooks) await h(); }
}

/** Two utterances at 8 kHz: words 1–3, a 500 ms pause, words 4–8 (2520 ms). */
function speech8k(): Int16Array {
  const items = [{ k: 0, ms: 100 }];
  for (const k of [1, 2, 3]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 500 });
  for (const k of [4, 5, 6, 7, 8]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  return scriptedSpeech(items, 8000);
}

/**
 * The frames a StreamPipeline emits for this audio sent as `codec`: 16 kHz PCM (the decoded G.711, each
 * sample held twice) and, with `payload`, the G.711 bytes of the same 20 ms.
 */
function pipelineFrames(codec: G711Codec, payload: boolean): PcmFrame[] {
  const bytes = encodeG711(codec, speech8k());
  const table = g711Table(codec);
  const frames: PcmFrame[] = [];
  for (let at = 0; at < bytes.length; at += 160) {
    const samples = new Int16Array(320);
    for (let i = 0; i < 160; i++) samples[2 * i] = samples[2 * i + 1] = table[bytes[at + i]];
    const frame: PcmFrame = { samples, startMs: at / 8, concealed: false };
    if (payload) Object.assign(frame, { g711: bytes.slice(at, at + 160), g711Codec: codec });
    frames.push(frame);
  }
  return frames;
}

let server: DeepgramTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function transcribe(frames: PcmFrame[], opts: { faults?: DeepgramFault[]; sendG711?: boolean; fake?: boolean } = {}) {
  await server?.close(); // one server per run
  server = await startDeepgramServer({ apiKey: 'k', vocabulary: VOCAB, faults: opts.faults });
  const provider = opts.fake ? new FakeAsrProvider({ vocabulary: VOCAB }) : new ReconnectingAsrProvider(new DeepgramProvider({
    apiKey: 'k', baseUrl: server.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
    smartFormat: true, punctuate: true, vadEvents: false, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
  }), { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 });
  const s = new FakeSession();
  const ct = new CallTranscriber({
    session: s as unknown as TranscribedSession, provider, language: 'en', vad: false, finishTimeoutMs: 2000,
    ...(opts.sendG711 !== undefined && { sendG711: opts.sendG711 }), logger: silentLogger(),
  });
  const participant = { id: 'p-1', aor: 'sip:customer@x', role: 'customer' as const };
  for (const frame of frames) s.safeEmit('frame', { label: '1', role: 'customer', participant, frame });
  await s.close();
  const utterances = ct.transcript.utterances.map((u) => ({ text: u.text, startMs: u.startMs, endMs: u.endMs, words: u.words.map((w) => [w.text, w.startMs, w.endMs]) }));
  return { utterances, connections: server.connections.map((c) => ({ encoding: c.query.get('encoding'), sampleRate: c.query.get('sample_rate'), audioBytes: c.audioBytes })) };
}

describe('CallTranscriber: G.711 payload to a provider that takes it natively', () => {
  it('opens Deepgram with encoding=mulaw&sample_rate=8000, sends a quarter of the bytes, and gets the same words at the same call times', async () => {
    const pcm = await transcribe(pipelineFrames('PCMU', false)); // an audio replay: PCM only
    const g711 = await transcribe(pipelineFrames('PCMU', true)); // a SIPREC PCMU stream
    expect(pcm.connections).toEqual([{ encoding: 'linear16', sampleRate: '16000', audioBytes: 2520 * 32 }]);
    expect(g711.connections).toEqual([{ encoding: 'mulaw', sampleRate: '8000', audioBytes: 2520 * 8 }]);
    expect(pcm.utterances.map((u) => u.text)).toEqual(['honestly that is', 'more than we pay today']);
    expect(g711.utterances).toEqual(pcm.utterances);
    expect(g711.utterances[1].words.map((w) => w[1])).toEqual([1320, 1560, 1800, 2040, 2280]);
  });

  it('opens alaw for a PCMA stream', async () => {
    const g711 = await transcribe(pipelineFrames('PCMA', true));
    expect(g711.connections).toEqual([{ encoding: 'alaw', sampleRate: '8000', audioBytes: 2520 * 8 }]);
    expect(g711.utterances.map((u) => u.text)).toEqual(['honestly that is', 'more than we pay today']);
  });

  it('resends the right G.711 bytes after a dropped connection: no word lost or repeated, times continuous', async () => {
    const baseline = await transcribe(pipelineFrames('PCMU', true));
    const dropped = await transcribe(pipelineFrames('PCMU', true), { faults: [{ connection: 0, afterAudioMs: 1800, code: 1011, reason: 'NET-0000' }] });
    expect(dropped.connections.map((c) => [c.encoding, c.sampleRate])).toEqual([['mulaw', '8000'], ['mulaw', '8000']]);
    // connection 1 got the audio since the end of the first final (1080 ms → 2520 ms) at 8 bytes per ms
    expect(dropped.connections[1].audioBytes).toBe((2520 - 1080) * 8);
    expect(dropped.utterances).toEqual(baseline.utterances);
  });

  it('keeps the session\'s codec when a re-INVITE switches the stream to PCMA: later frames are transcoded, the words stay', async () => {
    const ulaw = pipelineFrames('PCMU', true);
    const alaw = pipelineFrames('PCMA', true);
    const baseline = await transcribe(ulaw);
    const switched = await transcribe([...ulaw.slice(0, 60), ...alaw.slice(60)]);
    expect(switched.connections).toEqual([{ encoding: 'mulaw', sampleRate: '8000', audioBytes: 2520 * 8 }]);
    expect(switched.utterances).toEqual(baseline.utterances);
  });

  it('stays linear16 with sendG711: false, and for a provider that takes no G.711', async () => {
    const off = await transcribe(pipelineFrames('PCMU', true), { sendG711: false });
    expect(off.connections).toEqual([{ encoding: 'linear16', sampleRate: '16000', audioBytes: 2520 * 32 }]);
    const fake = await transcribe(pipelineFrames('PCMU', true), { fake: true }); // FakeAsrProvider throws for anything but linear16
    expect(fake.utterances.map((u) => u.text)).toEqual(['honestly that is', 'more than we pay today']);
  });
});
