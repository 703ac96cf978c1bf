import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../sidecar/core/logger.js';
import { encodeG711, type G711Codec } from '../../../media/codecs/g711.js';
import { StreamPipeline } from '../../../media/stream-pipeline.js';
import type { PcmFrame } from '../../../media/stream-pipeline-types.js';
import { openSender, packetize, readWavPcm16, seededRandom, until } from '../../helpers/media.js';

/*
 * Media fidelity: real recorded speech (LibriVox, Debian pocketsphinx-testdata; see test/fixtures/audio/README.md)
 * sent as G.711 RTP over real UDP loopback with 3 % loss and reordering (seeded), through StreamPipeline.
 *
 * Reference: the same 8 kHz recording upsampled to 16 kHz by sox `rate -v -L` (linear phase, no delay), committed
 * as a fixture. So the measured SNR covers everything the pipeline does to received audio: G.711 quantisation
 * (≈37 dB on this speech), speex q5 vs sox (≈33 dB, mostly the 3.4–4 kHz roll-off) and transport (resampler
 * transients next to concealed frames). It is computed over the RECEIVED frames (concealed: false), with the
 * pipeline's fixed resampler delay removed (5 ms = 80 samples): an output sample counts when the reference
 * sample it shows lies in a 20 ms slot whose packet arrived.
 *
 * Measured: PCMU (clip 0880, 5 of 150 packets lost, 2 swaps) 26.5 dB; PCMA (clip 0930, 5 of 165 lost, 9 swaps)
 * 30.9 dB. The same clips with no loss give 26.6 / 31.0 dB, so transport costs ≈ 0.1 dB on received audio; the
 * rest is G.711 plus speex q5's roll-off above 3.4 kHz, where clip 0880 has more sibilant energy. Asserted ≥ 20 dB.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/audio/${name}`, import.meta.url));
const logger = silentLogger();
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Run {
  snrDb: number;
  dropped: number;
  swapped: number;
  packets: number;
  frames: PcmFrame[];
  stats: ReturnType<StreamPipeline['stats']>;
}

async function runSpeech(codec: G711Codec, clip: string, seed: number, lossRate = 0.03): Promise<Run> {
  const source = readWavPcm16(fixture(`${clip}-8k.wav`));
  const reference = readWavPcm16(fixture(`${clip}-8k-to-16k-sox.wav`));
  expect(source.sampleRateHz).toBe(8000);
  expect(reference.sampleRateHz).toBe(16000);
  const payloadType = codec === 'PCMU' ? 0 : 8;
  // Sequence numbers wrap at packet 36 and timestamps at packet 46 (2^32), mid-stream.
  const packets = packetize(encodeG711(codec, source.samples), { payloadType, ssrc: 0xcafe, firstSeq: 65_500, firstTimestamp: 4_294_960_000 });

  // Exactly 3 % of the packets lost (never the first or last) and 5 % adjacent swaps, from a seeded PRNG.
  const rand = seededRandom(seed);
  const lost = new Set<number>();
  const dropped = Math.round(packets.length * lossRate);
  while (lost.size < dropped) lost.add(1 + Math.floor(rand() * (packets.length - 2)));
  const order = packets.map((_, i) => i).filter((i) => !lost.has(i));
  let swapped = 0;
  for (let k = 1; k + 1 < order.length; k++) {
    if (rand() < 0.05) {
      [order[k], order[k + 1]] = [order[k + 1], order[k]];
      swapped++;
      k++;
    }
  }

  const pipeline = await StreamPipeline.open({
    label: 'customer', bindAddress: '127.0.0.1', port: 0, payloadTypes: { [payloadType]: codec }, jitterBufferMs: 60, resamplerQuality: 5, logger,
  });
  cleanup.push(() => pipeline.close('shutdown'));
  const frames: PcmFrame[] = [];
  pipeline.on('frame', (f) => frames.push(f));
  const sender = await openSender();
  cleanup.push(() => sender.close());
  await sender.send(order.map((i) => packets[i]), pipeline.port);
  await until(() => pipeline.stats().received === order.length, 'all sent packets received');
  await pipeline.close('session-ended');

  // Time-align: output sample k of a frame shows reference sample startMs·16 + k − delay. Count it when that
  // reference sample lies in a received 20 ms slot (its packet arrived), so concealed slots are left out.
  const delay = Math.round(pipeline.resamplerDelayMs * 16);
  const receivedSlot = new Set(frames.filter((f) => !f.concealed).map((f) => f.startMs / 20));
  let signal = 0;
  let noise = 0;
  for (const frame of frames) {
    const base = frame.startMs * 16 - delay;
    for (let k = 0; k < 320; k++) {
      const n = base + k;
      if (n < 0 || n >= reference.samples.length || !receivedSlot.has(Math.floor(n / 320))) continue;
      const ref = reference.samples[n];
      signal += ref * ref;
      noise += (frame.samples[k] - ref) ** 2;
    }
  }
  return { snrDb: 10 * Math.log10(signal / noise), dropped, swapped, packets: packets.length, frames, stats: pipeline.stats() };
}

function expectTransport(run: Run): void {
  expect(run.dropped).toBeGreaterThan(0);
  expect(run.swapped).toBeGreaterThan(0);
  expect(run.stats.lost).toBe(run.dropped);
  expect(run.stats.late).toBe(0); // every swap is within the 60 ms depth
  expect(run.stats.received).toBe(run.packets - run.dropped);
  expect(run.stats.framesOut).toBe(run.packets);
  expect(run.stats.framesConcealed).toBe(run.dropped);
  expect(run.frames.map((f) => f.startMs)).toEqual(Array.from({ length: run.packets }, (_, i) => i * 20));
}

describe('StreamPipeline media fidelity on recorded speech over UDP with loss and reordering', () => {
  it('decodes PCMU speech with 3 % loss at ≥ 20 dB SNR on received frames (measured 26.5 dB)', async () => {
    const run = await runSpeech('PCMU', 'librivox-0880', 20261130);
    expectTransport(run);
    expect(run.snrDb).toBeGreaterThanOrEqual(20);
  });

  it('decodes PCMA speech with 3 % loss at ≥ 20 dB SNR on received frames (measured 30.9 dB)', async () => {
    const run = await runSpeech('PCMA', 'librivox-0930', 7);
    expectTransport(run);
    expect(run.snrDb).toBeGreaterThanOrEqual(20);
  });
});
