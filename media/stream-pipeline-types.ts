import type { Logger } from 'pino';

/**
 * The contract of a stream's media pipeline: RTP in (RFC 3550, one UDP port per stream), 16 kHz PCM out.
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
  /** True when the frame is silence inserted for lost packets (packet loss concealment). */
  concealed: boolean;
}

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
   * Expected RTP source from the SDP. When absent or unusable (0.0.0.0, private address behind NAT,
   * port 0), the pipeline latches onto the first packet's source and drops others.
   */
  expectedSource?: RtpSource;
  /** Negotiated payload types: PT → codec. */
  payloadTypes: Record<number, 'PCMU' | 'PCMA'>;
  /** RFC 4733 telephone-event payload type, if negotiated. */
  telephoneEventPayloadType?: number;
  /** Jitter buffer depth in ms. */
  jitterBufferMs: number;
  /** Speex resampler quality 0–10. */
  resamplerQuality: number;
  /** When set, every output frame is also written to this WAV file (debug recording). */
  debugWavPath?: string;
  logger: Logger;
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
