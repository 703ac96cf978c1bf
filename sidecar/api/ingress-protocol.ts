/**
 * The call ingress wire protocol (`GET /api/ingress/ws`, WebSocket): how a client such as
 * `modsvar replay` feeds a call into a running sidecar as the same events a live SIPREC call produces.
 * Pure: message schemas, binary frame packing and unpacking; no I/O. Used by the server route
 * (`routes/ingress.ts`) and the client (`cli/replay-client.ts`).
 *
 * Authentication: `Authorization: Bearer <token>` of a token with role `ingest` (config `api.tokens`).
 *
 * Client → server
 * - text `{"type":"start", …}` ({@link IngressStart}) first, exactly once: creates the call. `source`
 *   `replay` = audio follows; `transcript` = turns follow (the UI labels the call a transcript replay).
 * - binary audio (source `replay`): byte 0 = the stream's index in `start.streams`, then 1 to
 *   {@link MAX_FRAMES_PER_MESSAGE} consecutive 20 ms frames of that stream, each {@link FRAME_BYTES} bytes of
 *   PCM16 little-endian mono at **16 kHz** (320 samples). The client resamples (the server takes 16 kHz
 *   only, the rate ASR is fed). Frames are placed on the stream's timeline in arrival order: frame n starts
 *   at n × 20 ms, so silence must be sent as zero frames, never skipped. Send both streams in step and in
 *   real time (or faster: ASR providers accept faster-than-real-time audio, but cloud ones may throttle).
 * - text `{"type":"turn", …}` ({@link IngressTurn}): one finished utterance (any source, normally
 *   `transcript`); it becomes a final transcript exactly as an ASR final does.
 * - text `{"type":"end","reason":"…"}`: the call is over; the server drains (last ASR finals, cards settle),
 *   answers `ended` and closes 1000. A socket that closes without `end` ends the call with `ingress-closed`.
 *
 * Server → client (text, JSON)
 * - `{"type":"started","callId","source","streams":[labels],"uiPath":"/call/<id>"}`
 * - `{"type":"event","event":<CallEvent>}`: every event of the call as the agent UI's socket gets it
 *   (transcript, objection, card.created, card.updated, …; see `GET /api/schema/call-events`).
 * - `{"type":"error","code","message"}`: a message was refused and dropped (bad JSON, unknown stream,
 *   frames before `start`); the call goes on. A refused `start` (a bad field such as the call ID:
 *   `INGRESS_BAD_MESSAGE`; an ID in use by a live or recent call: `INGRESS_CALL_EXISTS`; any other failure:
 *   `INGRESS_START_FAILED`) is followed by close 1008: no call was created, the client should stop.
 * - `{"type":"ended","callId","reason","framesReceived":{label:n},"turnsReceived","droppedAfterEnd"}`
 *
 * Every message must fit the server's WebSocket payload limit ({@link MAX_MESSAGE_BYTES}).
 */
import { z } from 'zod';
import type { CallEvent } from '../calls/call-events.js';

/** Sample rate of ingress audio, Hz. */
export const INGRESS_SAMPLE_RATE_HZ = 16_000;
/** Frame duration, ms. */
export const FRAME_MS = 20;
/** Samples per frame (16 kHz × 20 ms). */
export const FRAME_SAMPLES = (INGRESS_SAMPLE_RATE_HZ / 1000) * FRAME_MS;
/** Bytes per frame (PCM16). */
export const FRAME_BYTES = FRAME_SAMPLES * 2;
/** Most frames in one binary message. */
export const MAX_FRAMES_PER_MESSAGE = 6;
/** Largest message the API's WebSocket accepts, bytes (its `maxPayload`). */
export const MAX_MESSAGE_BYTES = 4096;

const role = z.enum(['agent', 'customer']);
/** What a call ID may hold (it appears in URLs, logs and file names). */
export const CALL_ID_PATTERN = /^[A-Za-z0-9._:@+-]{1,128}$/;
/** The rule of {@link CALL_ID_PATTERN} in words, for error messages. */
export const CALL_ID_RULE = 'letters, digits and . _ : @ + - (at most 128)';
/** A BCP-47 language tag as the ingress takes it. */
export const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const language = z.string().regex(LANGUAGE_PATTERN, 'a BCP-47 tag such as da or en-GB');

/** The `start` message. */
export const ingressStartSchema = z.object({
  type: z.literal('start'),
  /**
   * The call ID the UI shows; default `<source>-<UTC date and time>-<random>`. Must not be the ID of a
   * live call or of a recent (ended) call the sidecar still lists: such a start is refused with
   * `INGRESS_CALL_EXISTS` (a replay never merges into another call).
   */
  callId: z.string().regex(CALL_ID_PATTERN, CALL_ID_RULE).optional(),
  source: z.enum(['replay', 'transcript']),
  /** Call language (BCP-47); default the sidecar's `asr.defaultLanguage`. */
  language: language.optional(),
  /** Default: one agent `sip:agent@replay.invalid` and one customer `sip:customer@replay.invalid`. */
  participants: z.array(z.object({
    id: z.string().min(1).max(64),
    aor: z.string().min(1).max(256),
    name: z.string().min(1).max(128).optional(),
    role,
  }).strict()).min(1).max(8).optional(),
  /** Audio streams (index = the binary messages' first byte); default one agent and one customer stream. */
  streams: z.array(z.object({
    label: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/),
    role: z.enum(['agent', 'customer', 'mixed']),
    participantId: z.string().min(1).max(64).optional(),
    language: language.optional(),
  }).strict()).min(1).max(8).optional(),
  /** ASR provider for this call; default the sidecar's choice. `none` = no transcription. */
  asrProvider: z.enum(['deepgram', 'sherpa-onnx', 'none']).optional(),
}).strict();
export type IngressStart = z.infer<typeof ingressStartSchema>;

/** The `turn` message: one utterance, times in ms from call start. */
export const ingressTurnSchema = z.object({
  type: z.literal('turn'),
  role,
  text: z.string().min(1).max(3500),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
  language: language.optional(),
}).strict().refine((t) => t.endMs >= t.startMs, { message: 'endMs must not be before startMs', path: ['endMs'] });
export type IngressTurn = z.infer<typeof ingressTurnSchema>;

export const ingressEndSchema = z.object({ type: z.literal('end'), reason: z.string().min(1).max(64).optional() }).strict();

/** Any client text message. */
export const ingressClientMessageSchema = z.union([ingressStartSchema, ingressTurnSchema, ingressEndSchema]);
export type IngressClientMessage = z.infer<typeof ingressClientMessageSchema>;

/** Server → client messages. */
export type IngressServerMessage =
  | { type: 'started'; callId: string; source: 'replay' | 'transcript'; streams: string[]; uiPath: string }
  | { type: 'event'; event: CallEvent }
  | { type: 'error'; code: IngressErrorCode; message: string }
  | { type: 'ended'; callId: string; reason: string; framesReceived: Record<string, number>; turnsReceived: number; droppedAfterEnd: number };

/** Stable codes of `error` messages. */
export type IngressErrorCode =
  | 'INGRESS_BAD_MESSAGE' | 'INGRESS_NOT_STARTED' | 'INGRESS_ALREADY_STARTED' | 'INGRESS_BAD_FRAME'
  | 'INGRESS_UNKNOWN_STREAM' | 'INGRESS_CALL_EXISTS' | 'INGRESS_START_FAILED' | 'INGRESS_ENDED';

/** The default streams when `start` names none; each belongs to the participant with its role. */
export const DEFAULT_STREAMS = [
  { label: 'agent', role: 'agent' as const },
  { label: 'customer', role: 'customer' as const },
];
/** The default participants when `start` names none. */
export const DEFAULT_PARTICIPANTS = [
  { id: 'agent', aor: 'sip:agent@replay.invalid', name: 'Agent', role: 'agent' as const },
  { id: 'customer', aor: 'sip:customer@replay.invalid', name: 'Customer', role: 'customer' as const },
];

/**
 * Parses a client text message.
 * @returns the message, or `{ error }` with a sentence naming the first bad field
 */
export function parseClientMessage(text: string): IngressClientMessage | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const type = (json as { type?: unknown })?.type;
  const schema = type === 'start' ? ingressStartSchema : type === 'turn' ? ingressTurnSchema : type === 'end' ? ingressEndSchema : undefined;
  if (!schema) return { error: `unknown message type ${JSON.stringify(type)} (start | turn | end)` };
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return { error: `${type}: ${issue.path.join('.') || 'message'}: ${issue.message}` };
}

/**
 * Packs frames of one stream into a binary message: `[streamIndex][frame 0][frame 1]…`.
 * @param frames 1 to {@link MAX_FRAMES_PER_MESSAGE} arrays of {@link FRAME_SAMPLES} PCM16 samples (16 kHz)
 * @throws RangeError for a bad stream index, frame count or frame length
 */
export function packFrames(streamIndex: number, frames: readonly Int16Array[]): Buffer {
  if (!Number.isInteger(streamIndex) || streamIndex < 0 || streamIndex > 255) throw new RangeError(`stream index ${streamIndex} is not 0-255`);
  if (frames.length < 1 || frames.length > MAX_FRAMES_PER_MESSAGE) throw new RangeError(`1-${MAX_FRAMES_PER_MESSAGE} frames per message, got ${frames.length}`);
  const out = Buffer.allocUnsafe(1 + frames.length * FRAME_BYTES);
  out[0] = streamIndex;
  frames.forEach((f, i) => {
    if (f.length !== FRAME_SAMPLES) throw new RangeError(`a frame holds ${FRAME_SAMPLES} samples, got ${f.length}`);
    for (let s = 0; s < FRAME_SAMPLES; s++) out.writeInt16LE(f[s], 1 + i * FRAME_BYTES + s * 2);
  });
  return out;
}

/**
 * Unpacks a binary message into its stream index and frames (fresh arrays the consumer may keep).
 * @returns `{ error }` when the length is not 1 + n × {@link FRAME_BYTES} with 1 ≤ n ≤ {@link MAX_FRAMES_PER_MESSAGE}
 */
export function unpackFrames(data: Buffer): { streamIndex: number; frames: Int16Array[] } | { error: string } {
  const n = (data.length - 1) / FRAME_BYTES;
  if (data.length < 1 + FRAME_BYTES || !Number.isInteger(n) || n > MAX_FRAMES_PER_MESSAGE) {
    return { error: `binary message of ${data.length} bytes: expected 1 + n × ${FRAME_BYTES} (n = 1-${MAX_FRAMES_PER_MESSAGE}; PCM16 16 kHz, 20 ms frames)` };
  }
  const frames: Int16Array[] = [];
  for (let i = 0; i < n; i++) {
    const f = new Int16Array(FRAME_SAMPLES);
    const base = 1 + i * FRAME_BYTES;
    for (let s = 0; s < FRAME_SAMPLES; s++) f[s] = data.readInt16LE(base + s * 2);
    frames.push(f);
  }
  return { streamIndex: data[0], frames };
}

/** The default call ID: `replay-20261130-184210-k3f9`. */
export function defaultCallId(source: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${source}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
