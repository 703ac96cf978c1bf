import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import alawmulaw from 'alawmulaw';
import type { PcmFrame } from '../../media/stream-pipeline-types.js';
import type { RecordingSession } from '../../sidecar/sip/recording-session.js';
import { getHeader, headerParam, headerUri } from '../servers/sip-message.js';
import { startHarness, type Harness } from '../unit/sidecar/sip/srf-harness.js';
import { activeBlocks, bestCorrelation, envelope } from './audio-check.js';
import { readWav, RtpSender } from './rtp-sender.js';
import { freeUdpPort, runSipp } from './sipp.js';

const { mulaw } = alawmulaw;
const FIXTURES = fileURLToPath(new URL('../fixtures/e2e/', import.meta.url));
const SCENARIO = fileURLToPath(new URL('./scenarios/siprec-src-hold-bye.xml', import.meta.url));
const HANGUP_SCENARIO = fileURLToPath(new URL('./scenarios/siprec-src-srs-hangup.xml', import.meta.url));

let h: Harness | undefined;
let sender: RtpSender | undefined;
afterEach(async () => {
  sender?.close();
  await h?.close();
  h = sender = undefined;
});

/** The frames of one stream joined in timeline order (16 kHz PCM16). */
function joined(frames: PcmFrame[]): Int16Array {
  const sorted = [...frames].sort((a, b) => a.startMs - b.startMs);
  const out = new Int16Array(sorted.length * 320);
  sorted.forEach((f, i) => out.set(f.samples, i * 320));
  return out;
}

describe('SIPREC end to end over UDP: sipp → fake drachtio-server → drachtio-srf → Modsvar', () => {
  it('answers recvonly, decodes real speech on both streams, follows hold and frees the ports at BYE', async () => {
    h = await startHarness({ udp: true });
    const source1 = mulaw.decode(new Uint8Array(readFileSync(`${FIXTURES}speech-stream1.ulaw`)));
    const source2 = readWav(`${FIXTURES}speech-stream2-8k.wav`);
    expect(source2.sampleRateHz).toBe(8000);
    sender = await RtpSender.open({ samples: source2.samples });

    const frames = new Map<string, PcmFrame[]>();
    const meta = new Map<string, { role: string; aor?: string }>();
    const holds: Array<{ labels: string[]; all: boolean }> = [];
    let session: RecordingSession | undefined;
    const closed = new Promise<string>((resolve) => {
      h!.recordings.on('session', (s) => {
        session = s;
        s.on('frame', (f) => {
          if (!frames.has(f.label)) frames.set(f.label, []);
          frames.get(f.label)!.push(f.frame);
          meta.set(f.label, { role: f.role, aor: f.participant?.aor });
        });
        s.on('hold', (e) => holds.push(e));
        s.on('close', resolve);
      });
    });

    const sipp = runSipp({
      scenario: SCENARIO, remote: `127.0.0.1:${h.server.sipPort}`, cwd: FIXTURES,
      mediaPort: await freeUdpPort(), keys: { stream2_port: String(sender.localPort) },
    });
    const ok = await h.server.waitFor(
      () => h!.server.toNetwork.find((m) => m.kind === 'response' && m.method === 'INVITE' && m.status === 200), 10_000, '200 OK to sipp');
    const answer = parseSdp(ok.body);
    expect(answer.media.map((m) => [m.type, m.direction, m.rtp[0]?.codec, m.rtp[0]?.rate])).toEqual([
      ['audio', 'recvonly', 'PCMU', 8000], ['audio', 'recvonly', 'PCMU', 8000],
    ]);
    expect(ok.body).toMatch(/a=label:1\r\n[\s\S]*a=label:2\r\n/);
    const ports = answer.media.map((m) => m.port);
    await sender.send('127.0.0.1', ports[1]);

    const run = await sipp;
    expect(run.code, `sipp failed:\n${run.stdout.slice(-2000)}\n${run.stderr}`).toBe(0);
    expect(await closed).toBe('bye');

    // the SRC's own messages, as sipp sent them, reached srf: INVITE, ACK, re-INVITE, ACK, BYE
    const fromSipp = h.server.fromNetwork.filter((m) => m.kind === 'request').map((m) => m.method);
    expect(fromSipp.filter((m) => m !== 'ACK')).toEqual(['INVITE', 'INVITE', 'BYE']);
    expect(fromSipp.filter((m) => m === 'ACK')).toHaveLength(2);

    expect(holds).toEqual([{ labels: ['1', '2'], all: true }]);
    expect(session!.call.state).toBe('ended');
    expect(meta.get('1')).toEqual({ role: 'customer', aor: 'sip:+4520123456@customer.example.net' });
    expect(meta.get('2')).toEqual({ role: 'agent', aor: 'sip:2001@sales.example.com' });
    expect(h.pool.leased).toBe(0);
    expect(h.recordings.size).toBe(0);
    for (const port of ports) expect(h.pool.isLeased(port)).toBe(false);

    // decoded audio: 16 kHz frames carrying the right speech on the right stream
    const env1 = envelope(joined(frames.get('1') ?? []), 320);
    const env2 = envelope(joined(frames.get('2') ?? []), 320);
    const src1 = envelope(source1, 160);
    const src2 = envelope(source2.samples, 160);
    for (const f of [...(frames.get('1') ?? []), ...(frames.get('2') ?? [])]) expect(f.samples.length).toBe(320);
    const speech = 300; // RMS of quiet speech in PCM16
    expect(activeBlocks(env1, speech)).toBeGreaterThan(activeBlocks(src1, speech) * 0.85);
    expect(activeBlocks(env2, speech)).toBeGreaterThan(activeBlocks(src2, speech) * 0.85);
    const match1 = bestCorrelation(env1, src1);
    const match2 = bestCorrelation(env2, src2);
    const cross1 = bestCorrelation(env1, src2);
    const cross2 = bestCorrelation(env2, src1);
    expect(match1.r).toBeGreaterThan(0.9);
    expect(match2.r).toBeGreaterThan(0.9);
    expect(match1.r - cross1.r).toBeGreaterThan(0.2);
    expect(match2.r - cross2.r).toBeGreaterThan(0.2);
  });

  it('sends its own BYE to the SRC when shutting down and completes it with the 200 OK sipp returns', async () => {
    h = await startHarness({ udp: true });
    const closed = new Promise<string>((resolve) => h!.recordings.on('session', (s) => s.on('close', resolve)));
    const sipp = runSipp({
      scenario: HANGUP_SCENARIO, remote: `127.0.0.1:${h.server.sipPort}`, cwd: FIXTURES,
      mediaPort: await freeUdpPort(), keys: { stream2_port: String(await freeUdpPort()) },
    });
    const ok = await h.server.waitFor(
      () => h!.server.toNetwork.find((m) => m.kind === 'response' && m.method === 'INVITE' && m.status === 200), 10_000, '200 OK to sipp');
    await h.server.waitFor(() => h!.server.fromNetwork.some((m) => m.method === 'ACK'), 5000, 'ACK from sipp');
    const invite = h.server.fromNetwork.find((m) => m.kind === 'request' && m.method === 'INVITE')!;
    await h.recordings.shutdown(5000);
    expect(await closed).toBe('shutdown');
    const run = await sipp;
    expect(run.code, `sipp failed:\n${run.stdout.slice(-2000)}\n${run.stderr}`).toBe(0);

    const bye = h.server.toNetwork.find((m) => m.kind === 'request' && m.method === 'BYE')!;
    expect(bye.uri).toBe(headerUri(getHeader(invite, 'contact')));
    expect(getHeader(bye, 'call-id')).toBe(getHeader(invite, 'call-id'));
    expect(headerParam(getHeader(bye, 'from'), 'tag')).toBe(headerParam(getHeader(ok, 'to'), 'tag'));
    expect(headerParam(getHeader(bye, 'to'), 'tag')).toBe(headerParam(getHeader(invite, 'from'), 'tag'));
    const byeOk = h.server.fromNetwork.find((m) => m.kind === 'response' && m.method === 'BYE');
    expect(byeOk?.status).toBe(200);
    expect(h.lines.some((l) => /sending BYE failed/.test(l.msg))).toBe(false);
    expect(h.pool.leased).toBe(0);
  });
});
