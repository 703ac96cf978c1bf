import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { buildRtpPacket } from '../../media/rtp/rtp-packet.js';

/** Reads a canonical 44-byte-header PCM16 mono WAV; returns its samples and rate. Throws on anything else. */
export function readWavPcm16(path: string): { sampleRateHz: number; samples: Int16Array } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not RIFF/WAVE`);
  let offset = 12;
  let sampleRateHz = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(offset + 8) !== 1 || buf.readUInt16LE(offset + 10) !== 1 || buf.readUInt16LE(offset + 22) !== 16) {
        throw new Error(`${path}: not PCM16 mono`);
      }
      sampleRateHz = buf.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      const bytes = buf.subarray(offset + 8, offset + 8 + size);
      const samples = new Int16Array(bytes.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return { sampleRateHz, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Seeded PRNG (mulberry32): deterministic loss/reorder patterns. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** G.711 payloads of 160 bytes (20 ms at 8 kHz) as RTP packets with consecutive seq/timestamps. */
export function packetize(
  payload: Uint8Array,
  opts: { payloadType: number; ssrc: number; firstSeq: number; firstTimestamp: number; samplesPerPacket?: number },
): Buffer[] {
  const n = opts.samplesPerPacket ?? 160;
  const packets: Buffer[] = [];
  for (let i = 0; i * n < payload.length; i++) {
    const chunk = new Uint8Array(n).fill(opts.payloadType === 8 ? 0xd5 : 0xff);
    chunk.set(payload.subarray(i * n, Math.min(payload.length, (i + 1) * n)));
    packets.push(buildRtpPacket({
      payloadType: opts.payloadType,
      sequenceNumber: (opts.firstSeq + i) & 0xffff,
      timestamp: (opts.firstTimestamp + i * n) >>> 0,
      ssrc: opts.ssrc,
      marker: i === 0,
      payload: chunk,
    }));
  }
  return packets;
}

/** A UDP sender bound to `address` (loopback by default) on an ephemeral port. */
export async function openSender(address = '127.0.0.1'): Promise<{ socket: Socket; port: number; send(packets: Buffer[], toPort: number, burst?: number): Promise<void>; close(): void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return {
    socket,
    port: socket.address().port,
    /** Sends in bursts of `burst` packets, yielding 1 ms between bursts so the receiver keeps up. */
    async send(packets, toPort, burst = 8) {
      for (let i = 0; i < packets.length; i++) {
        await new Promise<void>((resolve, reject) => socket.send(packets[i], toPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
        if (i % burst === burst - 1) await new Promise((r) => setTimeout(r, 1));
      }
    },
    close() {
      socket.close();
    },
  };
}

/** Polls `cond` every 5 ms until true; rejects after `timeoutMs` naming `what`. Asserts no timing. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends raw datagrams from `socket` to 127.0.0.1:`port`. */
export async function sendRaw(socket: Socket, datagrams: Uint8Array[], port: number): Promise<void> {
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) => socket.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
}
