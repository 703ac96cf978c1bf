import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../sidecar/core/errors.js';
import { silentLogger } from '../../../sidecar/core/logger.js';
import { encodeG711 } from '../../../media/codecs/g711.js';
import { PlayoutTicker } from '../../../media/rtp/playout-ticker.js';
import { PortPool } from '../../../media/rtp/port-pool.js';
import { buildRtpPacket } from '../../../media/rtp/rtp-packet.js';
import { StreamPipeline } from '../../../media/stream-pipeline.js';
import type { PcmFrame, StreamCloseReason, StreamPipelineOptions } from '../../../media/stream-pipeline-types.js';
import { openSender, packetize, seededRandom, until } from '../../helpers/media.js';

const logger = silentLogger();
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** 20 ms packets of a 440 Hz tone, μ-law. */
function tonePackets(count: number, opts: { ssrc?: number; firstSeq?: number; firstTimestamp?: number } = {}): Buffer[] {
  const pcm = Int16Array.from({ length: count * 160 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  return packetize(encodeG711('PCMU', pcm), {
    payloadType: 0, ssrc: opts.ssrc ?? 0x1234, firstSeq: opts.firstSeq ?? 1000, firstTimestamp: opts.firstTimestamp ?? 77_000,
  });
}

/** Opens a pipeline on a manual playout ticker: wall-clock concealment happens only when a test ticks it. */
async function open(extra: Partial<StreamPipelineOptions> = {}) {
  const ticker = new PlayoutTicker(0);
  const pipeline = await StreamPipeline.open({
    label: 'customer', bindAddress: '127.0.0.1', port: 0, payloadTypes: { 0: 'PCMU' }, telephoneEventPayloadType: 101,
    jitterBufferMs: 60, resamplerQuality: 5, logger, ...extra,
  }, ticker);
  const frames: PcmFrame[] = [];
  const closes: StreamCloseReason[] = [];
  pipeline.on('frame', (f) => frames.push(f));
  pipeline.on('close', (r) => closes.push(r));
  cleanup.push(() => pipeline.close('shutdown'));
  const sender = await openSender();
  cleanup.push(() => sender.close());
  const send = (packets: Buffer[]) => sender.send(packets, pipeline.port);
  return { pipeline, frames, closes, send, sender, ticker };
}

const starts = (frames: PcmFrame[]) => frames.map((f) => f.startMs);

describe('StreamPipeline', () => {
  it('emits continuous 20 ms frames of 320 samples at 16 kHz for in-order RTP', async () => {
    const { pipeline, frames, send } = await open();
    await send(tonePackets(10));
    await until(() => frames.length === 10, '10 frames');
    expect(starts(frames)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    expect(frames.every((f) => f.samples instanceof Int16Array && f.samples.length === 320 && !f.concealed)).toBe(true);
    expect(Math.max(...frames[5].samples)).toBeGreaterThan(4000); // the tone, not silence
    const stats = pipeline.stats();
    expect(stats).toMatchObject({ received: 10, lost: 0, late: 0, duplicate: 0, malformed: 0, framesOut: 10, framesConcealed: 0 });
    expect(pipeline.resamplerDelayMs).toBe(5);
  });

  it('closes idempotently: one close event with the reason, port back in the pool, methods throw after', async () => {
    const pool = new PortPool({ minPort: 41000 + 2 * Math.floor(Math.random() * 2000), maxPort: 65000, bindAddress: '127.0.0.1' });
    const [port] = await pool.lease(1);
    const { pipeline, closes, frames, send } = await open({ port, portPool: pool });
    expect(pipeline.port).toBe(port);
    await send(tonePackets(2));
    await until(() => frames.length === 2, 'frames');
    const first = pipeline.close('stream-removed');
    const second = pipeline.close('shutdown');
    expect(second).toBe(first);
    await first;
    expect(closes).toEqual(['stream-removed']);
    expect(pool.isLeased(port)).toBe(false);
    expect(pipeline.closed).toBe(true);
    expect(() => pipeline.setHold(true)).toThrow(InvalidStateError);
    expect(() => pipeline.update({ payloadTypes: { 8: 'PCMA' } })).toThrow(InvalidStateError);
    expect(pipeline.stats().framesOut).toBe(2); // stats still answer
    // The socket is closed: the port can be leased and bound again.
    const again = await StreamPipeline.open({ label: 'x', bindAddress: '127.0.0.1', port, payloadTypes: { 0: 'PCMU' }, jitterBufferMs: 60, resamplerQuality: 5, logger });
    await again.close();
    expect(closes).toEqual(['stream-removed']);
  });

  it('plays out what the jitter buffer holds on close, concealing the gap before it', async () => {
    const { pipeline, frames, send } = await open({ jitterBufferMs: 400 });
    const packets = tonePackets(4);
    await send([packets[0], packets[2], packets[3]]);
    await until(() => frames.length === 1 && pipeline.stats().received === 3, 'first frame played, two held');
    await pipeline.close();
    expect(starts(frames)).toEqual([0, 20, 40, 60]);
    expect(frames.map((f) => f.concealed)).toEqual([false, true, false, false]);
    expect(pipeline.stats()).toMatchObject({ lost: 1, framesConcealed: 1 });
  });

  it('restores order within the depth and conceals real loss with the right number of frames', async () => {
    const { pipeline, frames, send } = await open({ jitterBufferMs: 60 });
    const p = tonePackets(12);
    await send([p[0], p[2], p[1], p[3], p[6], p[7], p[8], p[9], p[10], p[11]]); // 4 and 5 lost
    await until(() => frames.length === 12, '12 frames');
    expect(starts(frames)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(frames.map((f) => f.concealed)).toEqual([false, false, false, false, true, true, false, false, false, false, false, false]);
    expect(pipeline.stats()).toMatchObject({ received: 10, lost: 2, late: 0, framesConcealed: 2 });
  });

  it('counts duplicates and late packets and drops them', async () => {
    const { pipeline, frames, send } = await open({ jitterBufferMs: 0 });
    const p = tonePackets(5);
    await send([p[0], p[0], p[2], p[1], p[3], p[4]]); // with depth 0, 1 is late once 2 arrived
    await until(() => frames.length === 5, '5 frames');
    expect(pipeline.stats()).toMatchObject({ received: 4, duplicate: 1, late: 1, lost: 0, framesConcealed: 1 });
  });

  it('counts telephone-events and comfort noise without decoding them; their time becomes silence', async () => {
    const { pipeline, frames, send } = await open();
    const p = tonePackets(6);
    const dtmf = (seq: number) => buildRtpPacket({ payloadType: 101, sequenceNumber: seq, timestamp: 77_000 + 320, ssrc: 0x1234, payload: Uint8Array.from([5, 0x0a, 0, 160]) });
    const cn = buildRtpPacket({ payloadType: 13, sequenceNumber: 1004, timestamp: 77_000 + 640, ssrc: 0x1234, payload: Uint8Array.from([40]) });
    // Audio 1000-1001, DTMF 1002-1003 (audio suppressed meanwhile), CN 1004, audio resumes at 1005 with ts of frame 5.
    const resumed = tonePackets(1, { firstSeq: 1005, firstTimestamp: 77_000 + 5 * 160 });
    await send([p[0], p[1], dtmf(1002), dtmf(1003), cn, resumed[0]]);
    await until(() => frames.length === 6, '6 frames');
    expect(starts(frames)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(frames.map((f) => f.concealed)).toEqual([false, false, true, true, true, false]);
    // Frame 2 still carries the resampler tail (5 ms) of the audio before it; 3 and 4 are pure silence.
    expect(frames.slice(3, 5).every((f) => f.samples.every((s) => s === 0))).toBe(true);
    expect(pipeline.stats()).toMatchObject({ telephoneEvents: 2, comfortNoise: 1, received: 3, lost: 0 });
  });

  it('continues the timeline across an SSRC change instead of jumping to the new random timestamp', async () => {
    const { pipeline, frames, send } = await open();
    await send(tonePackets(3));
    await send(tonePackets(3, { ssrc: 0x9999, firstSeq: 40_000, firstTimestamp: 3_900_000_000 }));
    await until(() => pipeline.stats().ssrcChanges === 1 && frames.length >= 5, 'frames of both sources');
    // The new source's first packet is held back by RFC 3550 probation; its next two continue the timeline.
    const s = starts(frames);
    for (let i = 1; i < s.length; i++) expect(s[i] - s[i - 1]).toBe(20); // continuous, gap filled
    expect(s[s.length - 1]).toBeLessThan(10_000); // not hours of silence
    expect(frames.some((f) => f.discontinuity)).toBe(false);
  });

  it('drops packets on hold without concealment and resumes with a discontinuity at wall-clock time', async () => {
    const { pipeline, frames, send } = await open();
    const p = tonePackets(8);
    await send(p.slice(0, 2));
    await until(() => frames.length === 2, 'frames before hold');
    pipeline.setHold(true);
    pipeline.setHold(true);
    expect(pipeline.held).toBe(true);
    await send(p.slice(2, 4));
    await until(() => pipeline.stats().discardedWhileHeld === 2, 'packets dropped on hold');
    expect(frames.length).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    pipeline.setHold(false);
    await send(p.slice(4, 6));
    await until(() => frames.length === 4, 'frames after resume');
    expect(frames[2].discontinuity).toBe(true);
    expect(frames[2].startMs).toBeGreaterThan(40);
    expect(frames[3].startMs).toBe(frames[2].startMs + 20);
    expect(pipeline.stats().framesConcealed).toBe(0);
  });

  it('applies a re-INVITE payload-type change', async () => {
    const { pipeline, frames, send, ticker } = await open();
    await send(tonePackets(1));
    await until(() => frames.length === 1, 'PCMU frame');
    pipeline.update({ payloadTypes: { 8: 'PCMA' } });
    const pcma = packetize(encodeG711('PCMA', new Int16Array(160).fill(3000)), { payloadType: 8, ssrc: 0x1234, firstSeq: 1002, firstTimestamp: 77_000 + 320 });
    await send([tonePackets(1, { firstSeq: 1001, firstTimestamp: 77_160 })[0], pcma[0]]);
    await until(() => pipeline.stats().unknownPayloadType === 1 && pipeline.stats().received === 2, 'PT 0 refused, PCMA buffered');
    ticker.runOnce(performance.now() + 100); // the refused packet's slot is concealed after the depth
    expect(frames.map((f) => f.concealed)).toEqual([false, true, false]);
    expect(frames[2].samples[200]).toBeGreaterThan(2800);
    expect(() => pipeline.update({ payloadTypes: {} })).toThrow(TypeError);
  });

  it('survives random bytes sent as RTP, counting them, and keeps decoding', async () => {
    const { pipeline, frames, send } = await open();
    const rand = seededRandom(1234);
    const junk = Array.from({ length: 200 }, () => Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 180) }, () => Math.floor(rand() * 256))));
    const p = tonePackets(3);
    await send([p[0], ...junk]);
    await send([p[1], p[2]]);
    await until(() => frames.length >= 3 && pipeline.stats().received >= 3, 'frames after the junk');
    const s = pipeline.stats();
    expect(s.malformed + s.unknownPayloadType + s.rtcp + s.duplicate + s.late + s.ssrcChanges).toBeGreaterThan(150);
    expect(pipeline.closed).toBe(false);
  });

  it('writes a debug WAV of the output frames when asked, with a correct header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-wav-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'call_customer.wav');
    const { pipeline, frames, send } = await open({ debugWavPath: path });
    await send(tonePackets(5));
    await until(() => frames.length === 5, 'frames');
    await pipeline.close();
    expect(existsSync(path)).toBe(true);
    const wav = readFileSync(path);
    expect(wav.length).toBe(44 + 5 * 640);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + 5 * 640);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(40)).toBe(5 * 640);
    expect(wav.readInt16LE(44 + 640 * 3 + 100)).toBe(frames[3].samples[50]);
  });

  it('streams silence in real time once comfort noise announces it, so endpointing sees the pause', async () => {
    const { pipeline, frames, send, ticker } = await open();
    const cn = buildRtpPacket({ payloadType: 13, sequenceNumber: 1002, timestamp: 77_000 + 320, ssrc: 0x1234, payload: Uint8Array.from([40]) });
    await send([...tonePackets(2), cn]);
    await until(() => frames.length === 2 && pipeline.stats().comfortNoise === 1, 'audio and CN');
    ticker.runOnce(performance.now() + 200); // ≥ 200 ms after CN: fill to now − 60 ms depth
    expect(frames.length).toBeGreaterThanOrEqual(2 + 5);
    expect(frames.slice(2).every((f) => f.concealed)).toBe(true);
    expect(starts(frames)).toEqual(Array.from({ length: frames.length }, (_, i) => i * 20));
    expect(frames.some((f) => f.discontinuity)).toBe(false);
  });

  it('waits longer before streaming silence when packets stop without comfort noise (a stall is not silence)', async () => {
    const { frames, send, ticker } = await open();
    await send(tonePackets(2));
    await until(() => frames.length === 2, 'audio');
    ticker.runOnce(performance.now() + 200);
    expect(frames.length).toBe(2);
    ticker.runOnce(performance.now() + 800);
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.slice(2).every((f) => f.concealed)).toBe(true);
  });

  it('does not stream silence while on hold', async () => {
    const { pipeline, frames, send, ticker } = await open();
    await send(tonePackets(2));
    await until(() => frames.length === 2, 'audio');
    pipeline.setHold(true);
    ticker.runOnce(performance.now() + 10_000);
    expect(frames.length).toBe(2);
    expect(ticker.size).toBe(0);
  });
});
