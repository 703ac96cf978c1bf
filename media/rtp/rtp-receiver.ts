import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { createRtpPacket, parseRtpPacket, type RtpPacket } from './rtp-packet.js';
import type { RtpSource } from '../stream-pipeline-types.js';

/** What a received payload type carries. */
export enum PayloadKind {
  Audio = 0,
  /** RFC 4733 named telephone events (DTMF). */
  TelephoneEvent = 1,
  /** RFC 3389 comfort noise (static PT 13, or a negotiated dynamic CN). */
  ComfortNoise = 2,
}

/** Static comfort-noise payload type (RFC 3551 §6, RFC 3389 §5). */
export const COMFORT_NOISE_PT = 13;

/**
 * Called synchronously for each accepted packet. `packet` is reused for the next datagram; `data` is the
 * datagram (fresh per message, safe to keep); `kind`/`codecIndex` come from the payload-type map.
 */
export type RtpPacketHandler = (packet: RtpPacket, data: Buffer, kind: PayloadKind, arrivalMs: number) => void;

/** Options of {@link RtpReceiver.open}. */
export interface RtpReceiverOptions {
  bindAddress: string;
  port: number;
  /** Expected source from the SDP; unusable or absent → latch onto the first packet's source. */
  expectedSource?: RtpSource;
  /** Payload types accepted as audio. */
  audioPayloadTypes: Iterable<number>;
  telephoneEventPayloadType?: number;
  comfortNoisePayloadType?: number;
  /** Called once when the socket fails after binding (the receiver is then closed). */
  onError?: (err: Error) => void;
  logger: Logger;
}

/** Valid RTP packets in a row from one other source before a private SDP address is assumed to be NAT'ed. */
export const NAT_LATCH_PACKETS = 10;

/** RFC 1918 / RFC 6598 (CGNAT) / link-local IPv4, and IPv6 unique-local (fc00::/7) and link-local (fe80::/10). */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
  }
  const lower = address.toLowerCase();
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** True when an SDP connection address/port can be used to filter RTP (not 0.0.0.0/::, port > 0). */
export function isUsableSource(source: RtpSource | undefined): source is RtpSource {
  if (!source || !(source.port > 0 && source.port < 65536)) return false;
  if (isIP(source.address) === 0) return false;
  return source.address !== '0.0.0.0' && source.address !== '::';
}

/**
 * One UDP socket for one recorded stream (RFC 3550 over UDP; RTP only, no RTCP).
 *
 * Source filtering: with a usable expected source, packets must come from its address; the port is
 * locked to the first packet from that address (senders that are not symmetric send from another port than
 * the SDP's). Without one (0.0.0.0, missing, port 0), the receiver latches onto the first packet's address
 * and port. When the SDP address is private and, before anything came from it, {@link NAT_LATCH_PACKETS}
 * valid packets in a row come from one other source, that source is taken (a sender behind NAT).
 * Everything else counts in `wrongSource` and is dropped.
 *
 * Classification: negotiated audio PTs go to the handler as Audio; the telephone-event PT and comfort
 * noise (PT 13 or the negotiated CN PT) go as TelephoneEvent / ComfortNoise (never decoded as speech);
 * RTCP (second byte 192–223, RFC 5761 §4) counts in `rtcp`; other PTs in `unknownPayloadType`; datagrams
 * that are not RTP in `malformed`. Nothing a peer sends can throw out of the receive path.
 */
export class RtpReceiver {
  malformed = 0;
  wrongSource = 0;
  unknownPayloadType = 0;
  rtcp = 0;
  readonly port: number;
  readonly #socket: Socket;
  readonly #logger: Logger;
  readonly #packet = createRtpPacket();
  readonly #kinds = new Int8Array(128).fill(-1);
  #handler: RtpPacketHandler;
  #expectedAddress: string | undefined;
  #expectedPort = 0;
  #latchedAddress: string | undefined;
  #latchedPort = 0;
  #expectedIsPrivate = false;
  #candidateAddress: string | undefined;
  #candidatePort = 0;
  #candidatePackets = 0;
  #closed = false;

  private constructor(socket: Socket, port: number, options: RtpReceiverOptions, handler: RtpPacketHandler) {
    this.#socket = socket;
    this.port = port;
    this.#logger = options.logger;
    this.#handler = handler;
    this.setPayloadTypes(options.audioPayloadTypes, options.telephoneEventPayloadType, options.comfortNoisePayloadType);
    this.setExpectedSource(options.expectedSource);
    socket.on('message', (msg, rinfo) => this.ingest(msg, rinfo));
    socket.on('error', (err) => {
      if (this.#closed) return;
      this.#logger.error({ err }, 'RTP socket failed');
      this.close();
      options.onError?.(err);
    });
  }

  /**
   * Binds the socket and starts receiving.
   * @throws the bind error (e.g. `EADDRINUSE`) when the port cannot be bound
   */
  static open(options: RtpReceiverOptions, handler: RtpPacketHandler): Promise<RtpReceiver> {
    const socket = createSocket({ type: isIPv6(options.bindAddress) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        try {
          socket.close();
        } catch {
          // never bound
        }
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ port: options.port, address: options.bindAddress, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(new RtpReceiver(socket, socket.address().port, options, handler));
      });
    });
  }

  /** The source packets are accepted from: latched, or the expected address (port not yet locked = 0). */
  get source(): RtpSource | undefined {
    if (this.#latchedAddress) return { address: this.#latchedAddress, port: this.#latchedPort };
    return this.#expectedAddress ? { address: this.#expectedAddress, port: this.#expectedPort } : undefined;
  }

  /**
   * Replaces the expected source (re-INVITE); unusable or undefined → latch onto the next packet's source.
   * The same usable source as before keeps the current latch.
   */
  setExpectedSource(source: RtpSource | undefined): void {
    if (isUsableSource(source) && source.address === this.#expectedAddress && source.port === this.#expectedPort) return;
    this.#latchedAddress = undefined;
    this.#latchedPort = 0;
    this.#candidateAddress = undefined;
    this.#candidatePackets = 0;
    this.#expectedIsPrivate = false;
    if (isUsableSource(source)) {
      this.#expectedAddress = source.address;
      this.#expectedPort = source.port;
      this.#expectedIsPrivate = isPrivateAddress(source.address);
    } else {
      this.#expectedAddress = undefined;
      this.#expectedPort = 0;
    }
  }

  /** Replaces the payload-type map (re-INVITE). */
  setPayloadTypes(audio: Iterable<number>, telephoneEvent?: number, comfortNoise?: number): void {
    this.#kinds.fill(-1);
    for (const pt of audio) if (pt >= 0 && pt < 128) this.#kinds[pt] = PayloadKind.Audio;
    this.#kinds[COMFORT_NOISE_PT] = PayloadKind.ComfortNoise;
    if (comfortNoise !== undefined && comfortNoise >= 0 && comfortNoise < 128) this.#kinds[comfortNoise] = PayloadKind.ComfortNoise;
    if (telephoneEvent !== undefined && telephoneEvent >= 0 && telephoneEvent < 128) {
      this.#kinds[telephoneEvent] = PayloadKind.TelephoneEvent;
    }
  }

  /** Stops intake: closes the socket. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handler = () => {};
    try {
      this.#socket.close();
    } catch (err) {
      this.#logger.warn({ err }, 'RTP socket close failed');
    }
  }

  /**
   * Handles one datagram exactly as if it had arrived on the socket: source check, parse, classify, then
   * the packet handler. The socket calls this; benchmarks and bridges that receive RTP elsewhere may too.
   * Ignored after close. Never throws.
   */
  ingest(msg: Buffer, rinfo: Pick<RemoteInfo, 'address' | 'port'>): void {
    if (this.#closed) return;
    const latched = this.#latchedAddress !== undefined;
    const foreign = latched
      ? rinfo.port !== this.#latchedPort || rinfo.address !== this.#latchedAddress
      : this.#expectedAddress !== undefined && rinfo.address !== this.#expectedAddress;
    if (foreign && (latched || !this.#expectedIsPrivate)) {
      this.wrongSource++;
      return;
    }
    if (msg.length >= 8 && msg[0] >>> 6 === 2 && msg[1] >= 192 && msg[1] <= 223) {
      this.rtcp++; // RTCP multiplexed on the RTP port (RFC 5761 §4): not media
      return;
    }
    const packet = this.#packet;
    if (!parseRtpPacket(msg, packet)) {
      this.malformed++;
      return;
    }
    const kind = this.#kinds[packet.payloadType];
    if (kind < 0) {
      this.unknownPayloadType++;
      return;
    }
    if (foreign && !this.#natCandidate(rinfo)) {
      this.wrongSource++;
      return;
    }
    // Latch only on a valid packet of a negotiated type, so stray datagrams cannot capture the stream.
    if (!latched) this.#latch(rinfo);
    try {
      this.#handler(packet, msg, kind as PayloadKind, performance.now());
    } catch (err) {
      this.#logger.error({ err }, 'RTP packet handler threw');
    }
  }

  /**
   * The SDP gave a private address and nothing came from it yet, but valid RTP comes from elsewhere: the
   * sender is probably behind NAT. After {@link NAT_LATCH_PACKETS} packets in a row from one such source,
   * accept it (returns true).
   */
  #natCandidate(rinfo: Pick<RemoteInfo, 'address' | 'port'>): boolean {
    if (rinfo.address === this.#candidateAddress && rinfo.port === this.#candidatePort) this.#candidatePackets++;
    else {
      this.#candidateAddress = rinfo.address;
      this.#candidatePort = rinfo.port;
      this.#candidatePackets = 1;
    }
    if (this.#candidatePackets < NAT_LATCH_PACKETS) return false;
    this.#logger.warn(
      { sdpAddress: this.#expectedAddress, rtpAddress: rinfo.address, rtpPort: rinfo.port },
      'RTP comes from another address than the private one in the SDP (NAT?); latching onto it',
    );
    return true;
  }

  #latch(rinfo: Pick<RemoteInfo, 'address' | 'port'>): void {
    if (this.#expectedAddress !== undefined && rinfo.port !== this.#expectedPort) {
      this.#logger.info({ sdpPort: this.#expectedPort, rtpPort: rinfo.port }, 'RTP source port differs from SDP; latching');
    }
    this.#latchedAddress = rinfo.address;
    this.#latchedPort = rinfo.port;
  }
}
