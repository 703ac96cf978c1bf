/**
 * The client side of the call ingress (`../api/ingress-protocol.ts`): feeds a recorded call into a
 * running sidecar over `GET /api/ingress/ws`, paced in real time (or faster), and reports the call's
 * events (objections, cards) as they come back. Used by `modsvar replay`.
 *
 * @example
 * const result = await replayCall(
 *   { kind: 'transcript', transcript: await readTranscriptFile('call.json') },
 *   { url: 'http://127.0.0.1:8080', token: process.env.MODSVAR_REPLAY_TOKEN!, speed: 1, onEvent: print },
 * );
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { CallEvent } from '../calls/call-events.js';
import { ModsvarError } from '../core/errors.js';
import {
  FRAME_MS, FRAME_SAMPLES, MAX_FRAMES_PER_MESSAGE, MAX_MESSAGE_BYTES, packFrames,
  type IngressErrorCode, type IngressServerMessage, type IngressStart,
} from '../api/ingress-protocol.js';
import type { ReplayTranscript, ReplayTurn } from './transcript-file.js';

/** What to replay: two PCM16 16 kHz tracks (agent, customer), or transcript turns. */
export type ReplayMedia =
  | { kind: 'audio'; agent: Int16Array; customer: Int16Array }
  | { kind: 'transcript'; transcript: ReplayTranscript };

export interface ReplayOptions {
  /** The sidecar's API base URL, e.g. `http://127.0.0.1:8080` (`https:` → `wss:`). */
  url: string;
  /** A token with role `ingest`. Never logged. */
  token: string;
  /** Playback speed: 1 = real time, 2 = twice as fast, `max` = as fast as the connection takes it. */
  speed: number | 'max';
  callId?: string;
  /** Call language (BCP-47). */
  language?: string;
  asrProvider?: IngressStart['asrProvider'];
  participants?: IngressStart['participants'];
  /** Each call event as the agent UI gets it. */
  onEvent?: (event: CallEvent) => void;
  onStarted?: (message: Extract<IngressServerMessage, { type: 'started' }>) => void;
  /** A message the server refused after `started` (the replay goes on). An error before `started` fails the replay instead. */
  onServerError?: (message: Extract<IngressServerMessage, { type: 'error' }>) => void;
  /**
   * Stops the replay early. While sending: sending stops, the call ends with `replay-aborted` and its
   * `ended` is awaited for at most 5 s. Before `started`, or while waiting for `ended`: the replay fails at
   * once with `REPLAY_ABORTED` (the server ends a call whose socket closes).
   */
  signal?: AbortSignal;
  /** How long to wait for the server's `ended` after `end`, ms. Default 60 000. */
  endTimeoutMs?: number;
}

export type ReplayEnded = Extract<IngressServerMessage, { type: 'ended' }>;

/**
 * Failures of a replay; `code`: `REPLAY_CONNECT` (no sidecar / refused upgrade), `REPLAY_REFUSED` (start
 * refused; `serverCode` is the server's {@link IngressErrorCode}), `REPLAY_LOST` (socket closed early),
 * `REPLAY_ABORTED` (the caller's signal stopped it).
 */
export class ReplayError extends ModsvarError {
  /** HTTP status of a refused upgrade. */
  readonly status?: number;
  /** The server's error code when it refused the start, e.g. `INGRESS_BAD_MESSAGE`, `INGRESS_CALL_EXISTS`. */
  readonly serverCode?: IngressErrorCode;
  constructor(code: string, message: string, status?: number, serverCode?: IngressErrorCode) {
    super(code, message);
    this.status = status;
    this.serverCode = serverCode;
  }
}

/** How long an aborted replay waits for the server's `ended`, ms. */
const ABORTED_END_TIMEOUT_MS = 5000;

/** Largest amount queued on the socket before the sender waits (speed `max`), bytes. */
const MAX_BUFFERED_BYTES = 512 * 1024;

/**
 * Replays one call and resolves when the server reports it ended (after the last ASR finals and cards).
 * @throws ReplayError on connection failures, a refused start, or a socket lost before `ended`
 */
export async function replayCall(media: ReplayMedia, options: ReplayOptions): Promise<ReplayEnded> {
  const wsUrl = new URL('/api/ingress/ws', options.url);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${options.token}` }, maxPayload: 16 * 1024 * 1024 });

  const opened = deferred<void>();
  const started = deferred<void>();
  const endedD = deferred<ReplayEnded>();
  let ended: ReplayEnded | undefined;
  let failure: Error | undefined;
  let isStarted = false;
  const fail = (err: Error) => {
    if (failure || ended) return;
    failure = err;
    for (const d of [opened, started, endedD]) d.reject(err);
    // Nothing more will be sent or awaited: let the process exit.
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  };

  ws.on('unexpected-response', (_req, res) => {
    const status = res.statusCode ?? 0;
    const why = status === 401 ? 'the token was not accepted (set --token or MODSVAR_REPLAY_TOKEN to a token with role ingest)'
      : status === 403 ? 'the token is valid but its role is not ingest'
        : status === 404 ? 'this sidecar has no call ingress (is it an older version, or started without the call hub?)'
          : `HTTP ${status}`;
    fail(new ReplayError('REPLAY_CONNECT', `${wsUrl.origin}: ${why}`, status));
    res.resume();
  });
  ws.on('error', (err) => fail(new ReplayError('REPLAY_CONNECT', `cannot reach the sidecar at ${wsUrl.origin}: ${err.message} (is \`modsvar serve\` running?)`)));
  ws.on('close', (code, reason) => {
    if (!ended) fail(new ReplayError(code === 1008 ? 'REPLAY_REFUSED' : 'REPLAY_LOST', `the sidecar closed the connection (${code} ${reason.toString() || 'no reason'})`));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let msg: IngressServerMessage;
    try {
      msg = JSON.parse(data.toString()) as IngressServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'started') { isStarted = true; options.onStarted?.(msg); started.resolve(); }
    else if (msg.type === 'event') options.onEvent?.(msg.event);
    // Before `started` the only message sent was `start`: an error is its refusal and no call exists.
    else if (msg.type === 'error' && !isStarted) fail(new ReplayError('REPLAY_REFUSED', `the sidecar refused the call: ${msg.code}: ${msg.message}`, undefined, msg.code));
    else if (msg.type === 'error') options.onServerError?.(msg);
    else if (msg.type === 'ended') { ended = msg; endedD.resolve(msg); }
  });

  ws.once('open', () => opened.resolve());
  let endSent = false;
  const onAbort = () => {
    if (!isStarted || endSent) fail(new ReplayError('REPLAY_ABORTED', isStarted ? 'stopped while the call drained' : 'stopped before the call started'));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }

  /** Start, send, end, wait for `ended`. */
  async function run(): Promise<ReplayEnded> {
    await opened.promise;

    const start: IngressStart = {
      type: 'start',
      source: media.kind === 'audio' ? 'replay' : 'transcript',
      ...(options.callId && { callId: options.callId }),
      ...((options.language ?? (media.kind === 'transcript' ? media.transcript.language : undefined)) && {
        language: options.language ?? (media as { transcript: ReplayTranscript }).transcript.language,
      }),
      ...(options.asrProvider && { asrProvider: options.asrProvider }),
      ...(options.participants && { participants: options.participants }),
      streams: [{ label: 'agent', role: 'agent' }, { label: 'customer', role: 'customer' }],
    };
    ws.send(JSON.stringify(start));
    await started.promise;

    const aborted = () => options.signal?.aborted === true || ws.readyState !== WebSocket.OPEN;
    if (media.kind === 'audio') await sendAudio(ws, media.agent, media.customer, options.speed, aborted, options.signal);
    else await sendTurns(ws, media.transcript, options.speed, aborted, options.signal);

    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'end', reason: options.signal?.aborted ? 'replay-aborted' : 'replay-finished' }));
    endSent = true;
    const timeoutMs = options.signal?.aborted ? Math.min(options.endTimeoutMs ?? 60_000, ABORTED_END_TIMEOUT_MS) : options.endTimeoutMs ?? 60_000;
    const timer = setTimeout(() => fail(new ReplayError('REPLAY_LOST', `no answer to end within ${timeoutMs} ms`)), timeoutMs);
    try {
      return await endedD.promise;
    } finally {
      clearTimeout(timer);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    }
  }
}

/** Waits until `dueMs` (from performance.now()), or until the socket drains at speed max; an abort ends the wait. */
async function pace(ws: WebSocket, dueMs: number | undefined, signal?: AbortSignal): Promise<void> {
  if (dueMs === undefined) {
    while (ws.bufferedAmount > MAX_BUFFERED_BYTES && ws.readyState === WebSocket.OPEN) await sleep(5);
    return;
  }
  const wait = dueMs - performance.now();
  if (wait > 1 && !signal?.aborted) await sleep(wait, undefined, { signal }).catch(() => undefined);
}

/** Sends both tracks in 20 ms frames, in step; frames already due go out together (up to 6 per message). */
async function sendAudio(ws: WebSocket, agent: Int16Array, customer: Int16Array, speed: number | 'max', aborted: () => boolean, signal?: AbortSignal): Promise<void> {
  const tracks = [agent, customer];
  const total = Math.ceil(Math.max(agent.length, customer.length) / FRAME_SAMPLES);
  const frameAt = (track: Int16Array, n: number): Int16Array => {
    const f = new Int16Array(FRAME_SAMPLES);
    f.set(track.subarray(n * FRAME_SAMPLES, Math.min((n + 1) * FRAME_SAMPLES, track.length)));
    return f;
  };
  const t0 = performance.now();
  const frameMs = speed === 'max' ? 0 : FRAME_MS / speed;
  let next = 0;
  while (next < total && !aborted()) {
    // Frames due by now (at least one), at most MAX_FRAMES_PER_MESSAGE per message.
    const due = speed === 'max' ? next + MAX_FRAMES_PER_MESSAGE : Math.floor((performance.now() - t0) / frameMs) + 1;
    const upTo = Math.min(total, Math.max(next + 1, Math.min(due, next + MAX_FRAMES_PER_MESSAGE)));
    tracks.forEach((track, index) => {
      const frames: Int16Array[] = [];
      for (let n = next; n < upTo; n++) frames.push(frameAt(track, n));
      ws.send(packFrames(index, frames));
    });
    next = upTo;
    await pace(ws, speed === 'max' ? undefined : t0 + next * frameMs, signal);
  }
}

/** Sends each turn when it ends on the call's timeline (divided by the speed). */
async function sendTurns(ws: WebSocket, transcript: ReplayTranscript, speed: number | 'max', aborted: () => boolean, signal?: AbortSignal): Promise<void> {
  const t0 = performance.now();
  for (const turn of transcript.turns.flatMap(splitTurn)) {
    if (aborted()) return;
    await pace(ws, speed === 'max' ? undefined : t0 + turn.endMs / speed, signal);
    if (aborted()) return;
    ws.send(JSON.stringify({ type: 'turn', ...turn }));
  }
}

/** Most text bytes (UTF-8) in one turn message: the payload limit less room for the other fields. */
const MAX_TURN_TEXT_BYTES = MAX_MESSAGE_BYTES - 600;
/** Most characters of text in one turn message (the ingress schema's limit). */
const MAX_TURN_TEXT_CHARS = 3500;

/**
 * Splits a turn too long for one message at sentence ends (else at spaces) into consecutive turns,
 * sharing its time span out by text length. Short turns come back as they are.
 */
export function splitTurn(turn: ReplayTurn): ReplayTurn[] {
  const fits = (s: string) => s.length <= MAX_TURN_TEXT_CHARS && Buffer.byteLength(s, 'utf8') <= MAX_TURN_TEXT_BYTES;
  if (fits(turn.text)) return [turn];
  const pieces: string[] = [];
  let current = '';
  for (const unit of turn.text.match(/[^.!?…]+[.!?…]*\s*/g) ?? [turn.text]) {
    for (const word of fits(unit) ? [unit] : unit.split(/(?<=\s)/)) {
      if (current && !fits(current + word)) { pieces.push(current.trim()); current = ''; }
      current += fits(word) ? word : word.slice(0, MAX_TURN_TEXT_BYTES / 4);
    }
  }
  if (current.trim()) pieces.push(current.trim());
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const spanMs = turn.endMs - turn.startMs;
  let at = turn.startMs;
  let done = 0;
  return pieces.map((text, i) => {
    done += text.length;
    const endMs = i === pieces.length - 1 ? turn.endMs : turn.startMs + Math.round((spanMs * done) / total);
    const part = { ...turn, text, startMs: at, endMs };
    at = endMs;
    return part;
  });
}

interface Deferred<T> { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void }
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
