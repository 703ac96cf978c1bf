/**
 * A test RTP sender: streams 8 kHz speech as G.711 μ-law (PCMU, RFC 3551 PT 0) in RTP packets (RFC 3550
 * §5.1), one 20 ms packet (160 samples) every 20 ms on a drift-corrected schedule — what an SBC sends for
 * one SIPREC stream. sipp 3.6 can stream RTP only to the first answered m= line, so the second stream of
 * the end-to-end test comes from here.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

/** PCM16 mono samples and their rate, read from a WAV file (RIFF, format 1, 16 bits). */
export interface PcmAudio {
  samples: Int16Array;
  sampleRateHz: number;
}

/**
 * Reads a PCM16 mono WAV file.
 * @throws Error when the file is not RIFF/WAVE PCM 16-bit mono.
 */
export function readWav(path: string): PcmAudio {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let offset = 12;
  let sampleRateHz = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      sampleRateHz = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${path}: want PCM16 mono, got format ${format}, ${channels} ch, ${bits} bits`);
    } else if (id === 'data') {
      const samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { samples, sampleRateHz };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Options of {@link RtpSender.open}. */
export interface RtpSenderOptions {
  /** 8 kHz PCM16 mono speech. */
  samples: Int16Array;
  /** Local address to send from; default 127.0.0.1 (port 0 = any). */
  bindAddress?: string;
  /** Payload type; default 0 (PCMU). */
  payloadType?: number;
  /** SSRC; default random. */
  ssrc?: number;
}

/** Sends one stream of RTP. Bind first ({@link open}) so the local port can go into the SDP offer. */
export class RtpSender {
  /** Packets sent so far. */
  sent = 0;
  readonly #socket: Socket;
  readonly #payload: Uint8Array;
  readonly #payloadType: number;
  readonly #ssrc: number;
  #timer?: NodeJS.Timeout;

  private constructor(socket: Socket, options: RtpSenderOptions) {
    this.#socket = socket;
    this.#payload = mulaw.encode(options.samples);
    this.#payloadType = options.payloadType ?? 0;
    this.#ssrc = options.ssrc ?? Math.floor(Math.random() * 0xffffffff);
  }

  /** Binds the UDP socket. */
  static async open(options: RtpSenderOptions): Promise<RtpSender> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, options.bindAddress ?? '127.0.0.1', () => resolve()));
    return new RtpSender(socket, options);
  }

  /** The local UDP port packets come from. */
  get localPort(): number {
    return this.#socket.address().port;
  }

  /** Number of 20 ms packets the audio makes. */
  get packetCount(): number {
    return Math.ceil(this.#payload.length / 160);
  }

  /**
   * Streams the whole audio to `address:port`, one packet per 20 ms (the schedule is computed from the
   * start time, so timer lateness does not accumulate). Resolves after the last packet.
   */
  send(address: string, port: number): Promise<void> {
    const startMs = performance.now();
    const seq0 = Math.floor(Math.random() * 0x8000);
    const ts0 = Math.floor(Math.random() * 0x7fffffff);
    return new Promise((resolve) => {
      const tick = () => {
        const n = this.sent;
        if (n >= this.packetCount) {
          resolve();
          return;
        }
        const chunk = this.#payload.subarray(n * 160, n * 160 + 160);
        const packet = Buffer.alloc(12 + 160, 0xff); // μ-law 0xFF = silence pads the last packet
        packet[0] = 0x80; // V=2, no padding, no extension, no CSRC
        packet[1] = (n === 0 ? 0x80 : 0) | this.#payloadType; // marker on the first packet of a talkspurt
        packet.writeUInt16BE((seq0 + n) & 0xffff, 2);
        packet.writeUInt32BE((ts0 + n * 160) >>> 0, 4);
        packet.writeUInt32BE(this.#ssrc >>> 0, 8);
        packet.set(chunk, 12);
        this.#socket.send(packet, port, address);
        this.sent++;
        const nextAtMs = startMs + this.sent * 20;
        this.#timer = setTimeout(tick, Math.max(0, nextAtMs - performance.now()));
      };
      tick();
    });
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#socket.close();
  }
}
