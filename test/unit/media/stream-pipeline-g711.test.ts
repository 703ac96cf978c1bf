import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../sidecar/core/logger.js';
import { encodeG711 } from '../../../media/codecs/g711.js';
import { PlayoutTicker } from '../../../media/rtp/playout-ticker.js';
import { StreamPipeline } from '../../../media/stream-pipeline.js';
import type { PcmFrame, StreamPipelineOptions } from '../../../media/stream-pipeline-types.js';
import { openSender, packetize, until } from '../../helpers/media.js';

const logger = silentLogger();
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const tone = (samples: number) => Int16Array.from({ length: samples }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));

async function open(extra: Partial<StreamPipelineOptions> = {}) {
  const ticker = new PlayoutTicker(0);
  const pipeline = await StreamPipeline.open({
    label: 'customer', bindAddress: '127.0.0.1', port: 0, payloadTypes: { 0: 'PCMU' }, jitterBufferMs: 60, resamplerQuality: 5,
    g711Payload: true, logger, ...extra,
  }, ticker);
  const frames: PcmFrame[] = [];
  pipeline.on('frame', (f) => frames.push(f));
  cleanup.push(() => pipeline.close('shutdown'));
  const sender = await openSender();
  cleanup.push(() => sender.close());
  return { pipeline, frames, ticker, send: (packets: Buffer[]) => sender.send(packets, pipeline.port) };
}

describe('StreamPipeline G.711 payload (g711Payload)', () => {
  it('emits each frame\'s RTP payload bytes (160 per 20 ms) with the PCM frame, in timeline order', async () => {
    const { frames, send } = await open();
    const payload = encodeG711('PCMU', tone(160 * 6));
    // 30 ms packets: payload boundaries do not match frame boundaries
    const packets = packetize(payload, { payloadType: 0, ssrc: 0x77, firstSeq: 500, firstTimestamp: 9_000, samplesPerPacket: 240 });
    await send(packets);
    await until(() => frames.length === 6, '6 frames');
    expect(frames.map((f) => [f.startMs, f.concealed, f.g711Codec, f.g711!.length])).toEqual(
      [0, 20, 40, 60, 80, 100].map((ms) => [ms, false, 'PCMU', 160]),
    );
    for (let i = 0; i < 6; i++) expect(Array.from(frames[i].g711!)).toEqual(Array.from(payload.subarray(i * 160, i * 160 + 160)));
  });

  it('conceals a lost packet with μ-law silence (0xFF), and A-law silence (0xD5) after a re-INVITE to PCMA', async () => {
    const { pipeline, frames, send, ticker } = await open({ payloadTypes: { 0: 'PCMU', 8: 'PCMA' } });
    const ulaw = packetize(encodeG711('PCMU', tone(160 * 3)), { payloadType: 0, ssrc: 0x77, firstSeq: 10, firstTimestamp: 0 });
    await send([ulaw[0], ulaw[2]]); // packet 1 lost
    await until(() => pipeline.stats().received === 2, 'two packets buffered');
    ticker.runOnce(performance.now() + 200);
    await until(() => frames.length === 3, 'three frames');
    expect(frames.map((f) => [f.startMs, f.concealed, f.g711Codec])).toEqual([[0, false, 'PCMU'], [20, true, 'PCMU'], [40, false, 'PCMU']]);
    expect(frames[1].g711!.every((b) => b === 0xff)).toBe(true);
    const alawBytes = encodeG711('PCMA', new Int16Array(160 * 3).fill(3000));
    const alaw = packetize(alawBytes, { payloadType: 8, ssrc: 0x77, firstSeq: 13, firstTimestamp: 480 });
    await send([alaw[0], alaw[2]]);
    await until(() => pipeline.stats().received === 4, 'PCMA buffered');
    ticker.runOnce(performance.now() + 200);
    await until(() => frames.length === 6, 'six frames');
    expect(frames.slice(3).map((f) => [f.startMs, f.concealed, f.g711Codec])).toEqual([[60, false, 'PCMA'], [80, true, 'PCMA'], [100, false, 'PCMA']]);
    expect(Array.from(frames[3].g711!)).toEqual(Array.from(alawBytes.subarray(0, 160)));
    expect(frames[4].g711!.every((b) => b === 0xd5)).toBe(true);
  });

  it('carries the discontinuity after hold on the same frame as the payload; without the option frames have no payload', async () => {
    const { pipeline, frames, send } = await open();
    const p = packetize(encodeG711('PCMU', tone(160 * 4)), { payloadType: 0, ssrc: 0x77, firstSeq: 1, firstTimestamp: 0 });
    await send(p.slice(0, 2));
    await until(() => frames.length === 2, 'frames before hold');
    pipeline.setHold(true);
    await new Promise((r) => setTimeout(r, 60));
    pipeline.setHold(false);
    await send(p.slice(2, 4));
    await until(() => frames.length === 4, 'frames after resume');
    expect(frames[2].discontinuity).toBe(true);
    expect(frames[2].g711!.length).toBe(160);
    expect(frames[3].startMs).toBe(frames[2].startMs + 20);

    const plain = await open({ g711Payload: false });
    await plain.send(p.slice(0, 1));
    await until(() => plain.frames.length === 1, 'plain frame');
    expect(plain.frames[0].g711).toBeUndefined();
    expect(plain.frames[0].g711Codec).toBeUndefined();
  });
});
