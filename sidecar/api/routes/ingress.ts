/**
 * `GET /api/ingress/ws` (WebSocket, role `ingest`): feeds one call into the {@link CallHubLike} per
 * socket, from recorded audio or transcript turns, and streams the call's events back. The wire format
 * is documented in `../ingress-protocol.ts`. The call goes through the same pipeline as a live SIPREC
 * call (ASR per stream → transcript → objections → cards → registry), so it shows in the agent UI and on
 * the supervisor wall like one.
 *
 * Lifecycle: `start` → call started → frames / turns → `end` (or socket closed) → the call drains and
 * ends → `ended` → close 1000. Bad messages answer `error` and are dropped; the call goes on.
 */
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type {} from '@fastify/rate-limit';
import type { WebSocket } from 'ws';
import { CallIdUsedError, type CallHandle, type CallHubLike, type CallStreamSpec } from '../../calls/call-hub-types.js';
import type { CallRegistry } from '../../calls/call-registry.js';
import { InvalidStateError } from '../../core/errors.js';
import {
  DEFAULT_PARTICIPANTS, DEFAULT_STREAMS, FRAME_MS, defaultCallId, parseClientMessage, unpackFrames,
  type IngressErrorCode, type IngressServerMessage, type IngressStart,
} from '../ingress-protocol.js';

export interface IngressRoutesOptions {
  hub: CallHubLike;
  /** The call's events are forwarded from here. */
  registry: CallRegistry;
  /** Connection attempts per client address per minute. */
  socketsPerMinute: number;
}

export default async function ingressRoutes(app: FastifyInstance, options: IngressRoutesOptions): Promise<void> {
  app.get('/api/ingress/ws', {
    websocket: true,
    config: { roles: ['ingest'], rateLimit: { max: options.socketsPerMinute, timeWindow: 60_000 } },
  }, (socket, request) => {
    new IngressSession(socket, options, request.log, request.principal?.subject ?? 'unknown');
  });
}

/** One ingress socket: at most one call. */
class IngressSession {
  readonly #socket: WebSocket;
  readonly #o: IngressRoutesOptions;
  readonly #log: FastifyInstance['log'];
  readonly #subject: string;
  #call?: CallHandle;
  #streams: CallStreamSpec[] = [];
  readonly #frames = new Map<string, number>();
  #turns = 0;
  #unsubscribe = () => {};
  #ending?: Promise<void>;
  /** Error codes already reported, so a flood of bad frames answers once per code. */
  readonly #reported = new Set<IngressErrorCode>();

  constructor(socket: WebSocket, options: IngressRoutesOptions, log: FastifyInstance['log'], subject: string) {
    this.#socket = socket;
    this.#o = options;
    this.#log = log;
    this.#subject = subject;
    socket.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    socket.on('close', () => { if (this.#call) void this.#end('ingress-closed'); });
    socket.on('error', (err) => this.#log.warn({ err }, 'ingress: socket error'));
  }

  #send(message: IngressServerMessage): void {
    if (this.#socket.readyState === 1) this.#socket.send(JSON.stringify(message));
  }

  #error(code: IngressErrorCode, message: string, once = false): void {
    if (once && this.#reported.has(code)) return;
    this.#reported.add(code);
    this.#send({ type: 'error', code, message });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.#onAudio(data);
    const msg = parseClientMessage(data.toString('utf8'));
    if ('error' in msg) {
      // A bad `start` creates no call: refuse it, so the sender stops instead of waiting for `started`.
      if (!this.#call && msg.error.startsWith('start: ')) return this.#refuse('INGRESS_BAD_MESSAGE', msg.error);
      return this.#error('INGRESS_BAD_MESSAGE', msg.error);
    }
    if (msg.type === 'start') return this.#start(msg);
    if (!this.#call) return this.#error('INGRESS_NOT_STARTED', `${msg.type} before start`);
    if (this.#ending) return this.#error('INGRESS_ENDED', `${msg.type} after end`, true);
    if (msg.type === 'end') {
      void this.#end(msg.reason ?? 'replay-finished');
      return;
    }
    const { type: _type, ...turn } = msg;
    if (this.#call.addTranscriptTurn(turn)) this.#turns++;
  }

  #start(msg: IngressStart): void {
    if (this.#call) return this.#error('INGRESS_ALREADY_STARTED', 'one call per socket; open another socket for the next call');
    const participants = msg.participants ?? DEFAULT_PARTICIPANTS;
    const requested: NonNullable<IngressStart['streams']> = msg.streams ?? DEFAULT_STREAMS;
    const streams: CallStreamSpec[] = requested.map((s) => ({
      label: s.label,
      role: s.role,
      participantId: s.participantId ?? participants.find((p) => p.role === s.role)?.id,
      ...(s.language && { language: s.language }),
    }));
    const unknown = streams.find((s) => s.participantId && !participants.some((p) => p.id === s.participantId));
    if (unknown) return this.#refuse('INGRESS_START_FAILED', `stream ${unknown.label} names participant ${unknown.participantId}, not in participants`);
    const callId = msg.callId ?? defaultCallId(msg.source);
    try {
      this.#call = this.#o.hub.startCall({
        callId,
        source: msg.source,
        participants: participants.map((p) => ({ ...p, roleSource: 'override' })),
        streams,
        ...(msg.language && { language: msg.language }),
        ...(msg.asrProvider && { asr: { provider: msg.asrProvider } }),
      });
    } catch (err) {
      // A call ID in use is refused, never merged: live, or a recent call's (choose another ID).
      if (err instanceof CallIdUsedError) return this.#refuse('INGRESS_CALL_EXISTS', `${err.message}; choose another --call-id`);
      if (err instanceof InvalidStateError && this.#o.hub.get(callId) !== undefined) {
        return this.#refuse('INGRESS_CALL_EXISTS', `call ID ${callId} belongs to a live call; choose another --call-id`);
      }
      return this.#refuse('INGRESS_START_FAILED', (err as Error).message);
    }
    // The UI labels replayed calls (and transcript replays as such).
    this.#o.registry.upsertCall({ callId, source: msg.source });
    this.#streams = streams;
    for (const s of streams) this.#frames.set(s.label, 0);
    this.#unsubscribe = this.#o.registry.subscribe(callId, (event) => this.#send({ type: 'event', event }));
    this.#log.info({ callId, source: msg.source, streams: streams.length, by: this.#subject }, 'ingress: call started');
    this.#send({ type: 'started', callId, source: msg.source, streams: streams.map((s) => s.label), uiPath: `/call/${encodeURIComponent(callId)}` });
  }

  /** Refuses a `start`: an error message, then close 1008 (policy violation). */
  #refuse(code: IngressErrorCode, message: string): void {
    this.#send({ type: 'error', code, message });
    this.#socket.close(1008, code);
  }

  #onAudio(data: Buffer): void {
    const call = this.#call;
    if (!call) return this.#error('INGRESS_NOT_STARTED', 'audio before start', true);
    if (this.#ending) return;
    const unpacked = unpackFrames(data);
    if ('error' in unpacked) return this.#error('INGRESS_BAD_FRAME', unpacked.error, true);
    const stream = this.#streams[unpacked.streamIndex];
    if (!stream) return this.#error('INGRESS_UNKNOWN_STREAM', `stream index ${unpacked.streamIndex}: start named ${this.#streams.length} streams`, true);
    let n = this.#frames.get(stream.label) ?? 0;
    for (const samples of unpacked.frames) {
      call.writeFrame(stream.label, { samples, startMs: n * FRAME_MS, concealed: false });
      n++;
    }
    this.#frames.set(stream.label, n);
  }

  /** Drains and ends the call (idempotent), then reports `ended` and closes the socket. */
  #end(reason: string): Promise<void> {
    const call = this.#call!;
    this.#ending ??= (async () => {
      try {
        await call.end(reason);
      } catch (err) {
        this.#log.error({ err, callId: call.callId }, 'ingress: ending the call failed');
      }
      this.#log.info({ callId: call.callId, reason, turns: this.#turns, frames: Object.fromEntries(this.#frames) }, 'ingress: call ended');
      this.#send({
        type: 'ended', callId: call.callId, reason, framesReceived: Object.fromEntries(this.#frames),
        turnsReceived: this.#turns, droppedAfterEnd: call.droppedAfterEnd,
      });
      this.#unsubscribe();
      if (this.#socket.readyState === 1) this.#socket.close(1000, 'call ended');
    })();
    return this.#ending;
  }
}
