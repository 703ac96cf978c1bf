/**
 * `modsvar replay` of a recording, end to end: the composition root (`startSidecar`) with the Deepgram
 * adapter pointed at the local Deepgram stand-in, a stereo 8 kHz WAV read, resampled and paced by the
 * replay client into `/api/ingress/ws`, through the call hub, ASR per party, detection and cards, back to
 * the client as call events. The stand-in recognises words from the audio's amplitude (see
 * test/servers/deepgram-server.ts), so the words are known and the objection is real detector output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefilePkg from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../sidecar/config/schema.js';
import type { CallEvent } from '../../sidecar/calls/call-events.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { startSidecar, type Sidecar } from '../../sidecar/main.js';
import { replayCall } from '../../sidecar/replay/replay-client.js';
import { readWavRecording } from '../../sidecar/replay/wav-source.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramTestServer } from '../servers/deepgram-server.js';

const { WaveFile } = wavefilePkg;
const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today', 'good', 'morning'];
const INGEST = 'replay-e2e-ingest-token-0123';
const MON = 'replay-e2e-monitor-token-4567';
const KB_DIR = new URL('../fixtures/kb', import.meta.url).pathname;

let dg: DeepgramTestServer;
let sidecar: Sidecar;
let dir: string;

/** Words for the scripted recogniser: word k = amplitude k × 1000 for 200 ms, 40 ms gaps. */
function words(ks: number[]): Array<{ k: number; ms: number }> {
  return ks.flatMap((k) => [{ k, ms: 200 }, { k: 0, ms: 40 }]);
}

beforeAll(async () => {
  dg = await startDeepgramServer({ apiKey: 'e2e-key', vocabulary: VOCAB });
  dir = mkdtempSync(join(tmpdir(), 'modsvar-replay-e2e-'));
  const config = configSchema.parse({
    drachtio: { port: 1 },
    api: { host: '127.0.0.1', port: 0, tokens: [{ tokenEnv: 'E2E_INGEST', role: 'ingest' }, { tokenEnv: 'E2E_MON', role: 'monitor' }] },
    asr: { provider: 'deepgram', vad: { enabled: false }, finishTimeoutMs: 2000, deepgram: { baseUrl: dg.url } },
    kb: { dir: KB_DIR, indexDir: join(dir, 'index') },
    log: { level: 'silent' },
  });
  sidecar = await startSidecar({ config, logger: silentLogger(), env: { E2E_INGEST: INGEST, E2E_MON: MON, MODSVAR_ASR__DEEPGRAM__API_KEY: 'e2e-key', DEEPGRAM_API_KEY: 'e2e-key' } });
});
afterAll(async () => {
  await sidecar?.stop(3000);
  await dg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('audio replay through the running sidecar', () => {
  it('transcribes both channels of a stereo 8 kHz recording with Deepgram and raises the customer\'s price objection', async () => {
    // Agent (left): "good morning" at 0.2 s. Customer (right): "honestly that is more than we pay today" from 1.2 s.
    const agent = scriptedSpeech([{ k: 0, ms: 200 }, ...words([9, 10]), { k: 0, ms: 3500 }], 8000);
    const customer = scriptedSpeech([{ k: 0, ms: 1200 }, ...words([1, 2, 3, 4, 5, 6, 7, 8]), { k: 0, ms: 800 }], 8000);
    const n = Math.max(agent.length, customer.length);
    const pad = (a: Int16Array) => { const o = new Int16Array(n); o.set(a); return o; };
    const wav = new WaveFile();
    wav.fromScratch(2, 8000, '16', [pad(agent), pad(customer)]);
    const path = join(dir, 'call.wav');
    writeFileSync(path, wav.toBuffer());

    const rec = await readWavRecording(path);
    const events: CallEvent[] = [];
    const ended = await replayCall({ kind: 'audio', agent: rec.channels[0].samples, customer: rec.channels[1].samples }, {
      url: sidecar.api!.url, token: INGEST, speed: 'max', callId: 'replay-audio-1', language: 'en', onEvent: (e) => events.push(e),
    });
    const frames = Math.ceil((n / 8000) * 50);
    expect(ended).toMatchObject({ callId: 'replay-audio-1', reason: 'replay-finished', framesReceived: { agent: frames, customer: frames } });

    // One Deepgram session per party, fed 16 kHz linear16.
    expect(dg.connections).toHaveLength(2);
    for (const c of dg.connections) {
      expect(c.query.get('encoding')).toBe('linear16');
      expect(c.query.get('sample_rate')).toBe('16000');
      expect(c.query.get('language')).toBe('en');
      expect(c.audioBytes).toBe(frames * 640);
    }
    // At speed max both parties' audio arrives at once, so finals may come in either order: the timeline decides.
    const finals = events.filter((e) => e.type === 'transcript.final')
      .map((e) => (e as Extract<CallEvent, { type: 'transcript.final' }>).segment)
      .sort((x, y) => x.startMs - y.startMs)
      .map((s) => [s.role, s.text.toLowerCase().replace(/[.,]/g, '')]);
    expect(finals).toEqual([['agent', 'good morning'], ['customer', 'honestly that is more than we pay today']]);
    const objections = events.filter((e) => e.type === 'objection' && e.state !== 'withdrawn').map((e) => (e as Extract<CallEvent, { type: 'objection' }>).objection);
    // The final utterance raises price. Interim hypotheses of the same utterance may raise an objection of
    // their own before it (measured: "honestly that is more than" reads as `need`): the detector's reading
    // of a partial sentence, so only their source is checked here.
    const last = objections.at(-1)!;
    expect([last.objectionClass, last.text]).toEqual(['price', 'honestly that is more than we pay today']);
    for (const o of objections) {
      expect(o.utteranceId).toBe(last.utteranceId);
      expect(last.text.startsWith(o.text)).toBe(true);
    }
    const cards = events.filter((e) => e.type === 'card.created').map((e) => (e as Extract<CallEvent, { type: 'card.created' }>).card);
    const price = cards.find((c) => c.objectionId === last.objectionId);
    expect(price?.objectionClass).toBe('price');
    expect(price!.citations.length).toBeGreaterThan(0);
    // the wall counts each objection once (updates are the same one) and not the withdrawn
    const withdrawn = new Set(events.flatMap((e) => (e.type === 'objection' && e.state === 'withdrawn' ? [e.objection.objectionId] : [])));
    const counted = new Set(objections.map((o) => o.objectionId).filter((id) => !withdrawn.has(id)));
    expect(sidecar.registry.get('replay-audio-1')!.summary()).toMatchObject({ state: 'ended', source: 'replay', objectionsRaised: counted.size });
  });

  it('hands the ASR decode pool figures to /metrics through the composition root (none with Deepgram)', async () => {
    const res = await sidecar.api!.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${MON}` } });
    expect(res.statusCode).toBe(200);
    const line = (name: string) => res.body.split('\n').find((l) => l.startsWith(`${name} `));
    expect(line('modsvar_asr_decode_workers')).toBe('modsvar_asr_decode_workers 0');
    expect(line('modsvar_asr_decode_saturated')).toBe('modsvar_asr_decode_saturated 0');
  });
});
