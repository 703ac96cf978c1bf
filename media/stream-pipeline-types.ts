import type { Logger } from 'pino';
import type { PortPool } from './rtp/port-pool.js';

/**
 * The contract of a stream's media pipeline: RTP in (RFC 3550, one UDP port per stream), 16 kHz PCM out
 * (and, with `g711Payload`, each frame's G.711 bytes for an ASR that takes them natively).
 * `StreamPipeline` (media/stream-pipeline.ts) implements it; `RecordingSession` owns one per stream.
 */

/** 16 kHz output: 20 ms = 320 samples. */
export const OUTPUT_SAMPLE_RATE_HZ = 16_000;
export const FRAME_DURATION_MS = 20;
export const FRAME_SAMPLES = 320;

/** One 20 ms frame of decoded audio. */
export interface PcmFrame {
  /** PCM16 mono, 16 kHz, 320 samples. A fresh array per frame (the consumer may keep it). */
  samples: Int16Array;
  /** Position on the stream's timeline in ms (0 = first packet of the stream), from RTP timestamps. */
  startMs: number;
  /**
   * True when the frame holds no received audio: silence inserted for lost packets (packet loss
   * concealment), comfort noise / silence suppression gaps, or sender timeline gaps.
   */
  concealed: boolean;
  /**
   * Set on the first frame after the timeline jumped forward (hold resumed, or an RTP gap longer than
   * the silence-fill limit): `startMs` is then more than 20 ms after the previous frame's. Absent otherwise.
   */
  discontinuity?: boolean;
  /**
   * The frame's audio as G.711 at 8 kHz, 160 bytes (one byte per sample, ITU-T G.711; RTP payload format
   * RFC 3551 §4.5.14): the received RTP payload bytes in timeline order, concealment filled with the
   * codec's silence code (0xFF μ-law, 0xD5 A-law). Same frame, same `startMs`/`concealed`/`discontinuity`
   * as `samples`. Only when the pipeline was opened with `g711Payload: true` (an ASR that takes G.711
   * natively, e.g. Deepgram `encoding=mulaw|alaw`, gets a quarter of the bytes of 16 kHz PCM16).
   *
   * Shape: two flat fields rather than a nested object, so the hot path allocates one more object per
   * frame (this fresh `Uint8Array(160)`, the consumer may keep it) and no wrapper.
   */
  g711?: Uint8Array;
  /** Codec of `g711` (set with it): `PCMU` = μ-law, `PCMA` = A-law. Bytes of another codec in the same frame are transcoded. */
  g711Codec?: 'PCMU' | 'PCMA';
}

/** G.711 payload of a 20 ms frame, bytes (8 kHz, one byte per sample). */
export const G711_FRAME_BYTES = 160;

/** Per-stream RTP counters (RFC 3550 §6.4.1 and A.3/A.8). */
export interface RtpStreamStats {
  /** Packets accepted into the jitter buffer. */
  received: number;
  /** Expected − received, from extended sequence numbers (RFC 3550 A.3), never negative. */
  lost: number;
  /** Packets that arrived after their slot was played out (concealed already) and were dropped. */
  late: number;
  /** Packets whose sequence number was already received. */
  duplicate: number;
  /** Packets dropped as malformed (not RTP version 2, too short, bad padding/extension/CSRC length). */
  malformed: number;
  /** Packets from a source address other than the negotiated/latched one. */
  wrongSource: number;
  /** Packets with a payload type not negotiated for this stream. */
  unknownPayloadType: number;
  /** RFC 4733 telephone-event packets (counted, not decoded). */
  telephoneEvents: number;
  /** Comfort noise packets (RFC 3389, PT 13 or a negotiated CN) — counted, replaced by silence. */
  comfortNoise: number;
  /** SSRC changes seen (each restarts the sequence state). */
  ssrcChanges: number;
  /** Interarrival jitter in ms (RFC 3550 A.8, converted from timestamp units). */
  jitterMs: number;
  /** 20 ms frames emitted, and how many of them were concealment. */
  framesOut: number;
  framesConcealed: number;
  /** RTCP packets (RFC 5761 §4 PT range 192–223) arriving on the RTP port: counted, dropped. */
  rtcp: number;
  /** Packets dropped because the stream was on hold. */
  discardedWhileHeld: number;
}

/** Where RTP must come from. */
export interface RtpSource {
  address: string;
  port: number;
}

/** Options to open a stream's pipeline. */
export interface StreamPipelineOptions {
  /** Stream label (a=label), for logs and events. */
  label: string;
  /** Local address and port to bind the UDP socket to (the port is leased from the PortPool). */
  bindAddress: string;
  port: number;
  /**
   * Expected RTP source from the SDP (c= address, m= port). Packets must come from this address; the port
   * is locked to the first packet's (non-symmetric senders). When absent or unusable (0.0.0.0, ::, a host
   * name, port 0), the pipeline latches onto the first valid packet's source and drops others. When the
   * address is private and silent while valid RTP comes from one other source (NAT), that source is taken
   * after a few packets (media/rtp/rtp-receiver.ts).
   */
  expectedSource?: RtpSource;
  /** Negotiated payload types: PT → codec. */
  payloadTypes: Record<number, 'PCMU' | 'PCMA'>;
  /** RFC 4733 telephone-event payload type, if negotiated. */
  telephoneEventPayloadType?: number;
  /** A dynamic comfort-noise payload type (RFC 3389 `CN/8000`), if negotiated; static PT 13 is always CN. */
  comfortNoisePayloadType?: number;
  /** Jitter buffer depth in ms. */
  jitterBufferMs: number;
  /** Speex resampler quality 0–10. */
  resamplerQuality: number;
  /**
   * Also emit each frame's G.711 payload (`PcmFrame.g711`, 160 bytes per 20 ms) for an ASR that takes
   * G.711 natively (config `asr.deepgram.sendG711`). Default false: PCM only.
   */
  g711Payload?: boolean;
  /** When set, every output frame is also written to this WAV file (debug recording). */
  debugWavPath?: string;
  /**
   * The pool `port` was leased from. When given, the pipeline releases `port` to it when it closes (or
   * fails to open), so a stream can never leak its port.
   */
  portPool?: PortPool;
  /** Longest RTP gap filled with silence, in ms; longer gaps jump the timeline (`discontinuity`). Default 5000. */
  maxGapFillMs?: number;
  logger: Logger;
}

/** What a re-INVITE/UPDATE may change on a running stream (RFC 3264 §8); omitted fields stay. */
export interface StreamPipelineUpdate {
  /** New expected RTP source; `null` = unknown now, latch onto the next packet's source. */
  expectedSource?: RtpSource | null;
  payloadTypes?: Record<number, 'PCMU' | 'PCMA'>;
  /** `null` removes it. */
  telephoneEventPayloadType?: number | null;
  /** `null` removes it. */
  comfortNoisePayloadType?: number | null;
}

/** Why a pipeline closed. */
export type StreamCloseReason = 'session-ended' | 'stream-removed' | 'shutdown' | 'error';

/** Events of a StreamPipeline. */
export type StreamPipelineEvents = {
  /** A decoded 20 ms frame, in timeline order. */
  frame: [PcmFrame];
  /** The pipeline closed (emitted once). */
  close: [StreamCloseReason];
};
