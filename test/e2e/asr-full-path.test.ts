import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import alawmulaw from 'alawmulaw';
import { DeepgramProvider } from '../../media/asr/deepgram.js';
import { ReconnectingAsrProvider } from '../../media/asr/reconnecting.js';
import { CallTranscriber } from '../../sidecar/calls/call-transcriber.js';
import { silentLogger } from '../../sidecar/core/logger.js';
import { startHarness, type Harness } from '../unit/sidecar/sip/srf-harness.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramTestServer } from '../servers/deepgram-server.js';
import { RtpSender } from './rtp-sender.js';
import { freeUdpPort, runSipp } from './sipp.js';

const { mulaw } = alawmulaw;
const SCENARIO = fileURLToPath(new URL('./scenarios/siprec-src-hold-bye.xml', import.meta.url));
const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today', 'good', 'morning'];

let h: Harness | undefined;
let sender: RtpSender | undefined;
let dg: DeepgramTestServer | undefined;
let cwd: string | undefined;
afterEach(async () => {
  sender?.close();
  await h?.close();
  await dg?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  h = sender = dg = cwd = undefined;
});

/** 8 kHz speech for the scripted recogniser: word k = amplitude k × 1000, 200 ms each, 40 ms gaps. */
function speech8k(leadMs: number, ks: number[], tailMs: number): Int16Array {
  const items = [{ k: 0, ms: leadMs }];
  for (const k of ks) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: tailMs });
  return scriptedSpeech(items, 8000);
}

describe('ASR full path: SIPREC call → RTP → Deepgram adapter → two-party transcript', () => {
  it.each([
    { g711Payload: false, encoding: 'linear16', sampleRate: '16000', bytesPerMs: 32 },
    { g711Payload: true, encoding: 'mulaw', sampleRate: '8000', bytesPerMs: 8 },
  ])('transcribes both parties of a SIPREC call in order, with roles, and keeps the words said just before the hold and BYE (G.711 payload: $g711Payload → $encoding)', async ({ g711Payload, encoding, sampleRate, bytesPerMs }) => {
    h = await startHarness({ udp: true, g711Payload });
    dg = await startDeepgramServer({ apiKey: 'e2e-key', vocabulary: VOCAB });
    const provider = new ReconnectingAsrProvider(new DeepgramProvider({
      apiKey: 'e2e-key', baseUrl: dg.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
      smartFormat: true, punctuate: true, vadEvents: true, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
    }));
    // Stream 1 (customer, sent by sipp): words 2–7 from 1.4 s, no pause after the last word.
    cwd = mkdtempSync(join(tmpdir(), 'modsvar-asr-e2e-'));
    writeFileSync(join(cwd, 'speech-stream1.ulaw'), mulaw.encode(speech8k(1400, [2, 3, 4, 5, 6, 7], 0)));
    // Stream 2 (agent, sent by the RTP sender): "good morning" at the start.
    sender = await RtpSender.open({ samples: speech8k(100, [9, 10], 500) });

    let transcriber: CallTranscriber | undefined;
    const closed = new Promise<string>((resolve) => {
      h!.recordings.on('session', (s) => {
        transcriber = new CallTranscriber({ session: s, provider, language: 'en', vad: false, finishTimeoutMs: 900, logger: silentLogger() });
        s.on('close', resolve);
      });
    });
    const sipp = runSipp({
      scenario: SCENARIO, remote: `127.0.0.1:${h.server.sipPort}`, cwd,
      mediaPort: await freeUdpPort(), keys: { stream2_port: String(sender.localPort) },
    });
    const ok = await h.server.waitFor(
      () => h!.server.toNetwork.find((m) => m.kind === 'response' && m.method === 'INVITE' && m.status === 200), 10_000, '200 OK to sipp');
    const ports = parseSdp(ok.body).media.map((m) => m.port);
    await sender.send('127.0.0.1', ports[1]);
    const run = await sipp;
    expect(run.code, `sipp failed:\n${run.stdout.slice(-2000)}\n${run.stderr}`).toBe(0);
    expect(await closed).toBe('bye');

    const t = transcriber!.transcript;
    expect(t.utterances.map((u) => [u.streamLabel, u.role, u.roleGuessed, u.text])).toEqual([
      ['2', 'agent', false, 'good morning'],
      ['1', 'customer', false, 'that is more than we pay'],
    ]);
    const [agent, customer] = t.utterances;
    expect(agent.participantId).toBeDefined();
    expect(customer.participantId).toBeDefined();
    expect(customer.participantId).not.toBe(agent.participantId);
    // Call times: the customer's words follow each other 240 ms apart, starting ~1.4 s into the stream.
    const starts = customer.words.map((w) => w.startMs);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(200);
    expect(customer.startMs).toBeGreaterThan(agent.endMs);
    expect(customer.words).toHaveLength(6);
    for (const u of t.utterances) {
      expect(u.final).toBe(true);
      expect(u.language).toBe('en');
      expect(u.asrDelayMs).toBeGreaterThanOrEqual(0);
    }
    expect(t.open).toEqual([]);
    // One Deepgram session per stream, each drained at BYE with CloseStream.
    expect(dg.connections).toHaveLength(2);
    for (const c of dg.connections) {
      expect(c.query.get('encoding')).toBe(encoding);
      expect(c.query.get('sample_rate')).toBe(sampleRate);
      expect(c.audioBytes % bytesPerMs).toBe(0); // whole ms of audio: 20 ms frames of 640 (linear16) or 160 (G.711) bytes
      expect(c.audioBytes).toBeGreaterThan(1000 * bytesPerMs);
      expect(c.controls.at(-1)).toEqual({ type: 'CloseStream' });
    }
  });
});
