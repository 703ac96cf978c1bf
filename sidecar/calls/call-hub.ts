import type { Logger } from 'pino';
import type { AsrService } from '../../media/asr/create-asr.js';
import type { VadOptions } from '../../media/asr/vad.js';
import type { PcmFrame } from '../../media/stream-pipeline-types.js';
import { AssistSession, type AssistServices } from '../assist/assist-session.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import type { RecordingSessionEvents } from '../sip/recording-session-types.js';
import type { Participant } from '../sip/siprec-types.js';
import { Call } from './call.js';
import type { CallEventInit, ComponentHealth } from './call-events.js';
import { healthChanged } from './call-events.js';
import {
  CallIdUsedError,
  type CallEndReason, type CallHandle, type CallHubEvents, type CallHubLike, type CallSource, type CallStreamSpec,
  type StartCallOptions, type TranscriptTurn,
} from './call-hub-types.js';
import type { CallRegistry, FeedbackRecord } from './call-registry.js';
import { CallTranscriber, type TranscribedSession } from './call-transcriber.js';
import { feedCallToRegistry } from './registry-feed.js';
import { Transcript, type Utterance } from './transcript.js';

/** Options of a {@link CallHub}. */
export interface CallHubOptions {
  /** Where call events go (the API reads it); without it calls run without an API view. */
  registry?: CallRegistry;
  /** ASR providers; undefined = no transcription (calls still appear with their participants). */
  asr?: Pick<AsrService, 'forCall' | 'vadPool'>;
  /** Per-stream ASR settings (config `asr`). */
  asrSettings?: { vad?: VadOptions | false; finishTimeoutMs?: number; firstSpeaker?: 'agent' | 'customer' };
  /** Detection, cards, CRM; undefined = transcripts only. */
  assist?: AssistServices;
  /** Call language when the ingress does not say (config `asr.defaultLanguage`). */
  defaultLanguage: string;
  logger: Logger;
}

/**
 * The owner of every live call's processing, whatever the media source: SIPREC recording sessions,
 * replayed recordings and transcript replays start calls here ({@link CallHubLike.startCall}) and get
 * the same pipeline from PCM (or text) on. Per call it owns the {@link Transcript}, a
 * {@link CallTranscriber} (one ASR session per stream) and an {@link AssistSession} (objections, cards,
 * ledger, CRM), and feeds them into the {@link CallRegistry}. The interface is in `call-hub-types.ts`.
 *
 * Close cascade per call: `drain()` (a RecordingSession's `beforeClose`) finishes every ASR stream (the
 * last finals land and are scored), then the assist session settles its cards and closes the ledger;
 * then the Call ends (the ingress's Call at BYE, or the hub's in `end()`), the registry marks the call
 * ended and the hub forgets it. `close()` drains every call with `shutdown`.
 */
export class CallHub extends EnhancedEmitter<CallHubEvents> implements CallHubLike {
  readonly #o: CallHubOptions;
  readonly #calls = new Map<string, HubCall>();
  readonly #offFeedback?: () => void;
  #closing?: Promise<void>;
  #warnedNoAsr = false;

  constructor(options: CallHubOptions) {
    super(options.logger);
    this.#o = options;
    const registry = options.registry;
    if (registry) {
      const onFeedback = ({ callId, card, kind, by }: FeedbackRecord) => this.#calls.get(callId)?.assist?.feedback(card.cardId, kind, by);
      registry.observer.on('feedback', onFeedback);
      this.#offFeedback = () => registry.observer.off('feedback', onFeedback);
    }
  }

  get size(): number {
    return this.#calls.size;
  }

  get(callId: string): CallHandle | undefined {
    return this.#calls.get(callId);
  }

  /** Live call IDs. */
  get callIds(): string[] {
    return [...this.#calls.keys()];
  }

  startCall(options: StartCallOptions): CallHandle {
    if (!options.callId) throw new TypeError('startCall: callId is required');
    if (this.#closing) throw new InvalidStateError('startCall: the call hub is closed');
    if (this.#calls.has(options.callId)) throw new InvalidStateError(`startCall: call ${options.callId} is already live`);
    const labels = options.streams.map((s) => s.label);
    if (new Set(labels).size !== labels.length) throw new TypeError(`startCall: repeated stream label in ${labels.join(', ')}`);
    this.#reuseOfEndedCall(options);
    const call = new HubCall(options, this.#o, () => this.#noAsrWarning(options.source));
    this.#calls.set(call.callId, call);
    call.call.once('ended', ({ reason }) => {
      this.#calls.delete(call.callId);
      void call.drain().finally(() => this.safeEmit('call-ended', { callId: call.callId, source: call.source, reason }));
    });
    this.safeEmit('call-started', call);
    return call;
  }

  /** Shutdown: ends every hub-owned call with `shutdown` (ingress-owned calls are drained by their ingress). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#calls.values()].map((c) => c.end('shutdown')));
      this.#offFeedback?.();
    })();
    return this.#closing;
  }

  /**
   * A recent (ended) call in the registry with this ID: SIPREC replaces its record (the PBX decides
   * IDs), other sources are refused. See {@link CallHubLike.startCall}.
   * @throws CallIdUsedError for a replay or transcript call
   */
  #reuseOfEndedCall({ callId, source }: StartCallOptions): void {
    const previous = this.#o.registry?.get(callId);
    if (!previous || previous.state !== 'ended') return;
    if (source !== 'siprec') throw new CallIdUsedError(callId, previous.endedAtMs);
    this.#o.registry!.forget(callId);
    this.#o.logger.warn({ callId, previousStartedAtMs: previous.startedAtMs, previousEndedAtMs: previous.endedAtMs },
      'call ID reused by the recording client: the ended call with this ID left the recent calls; the new call starts fresh');
  }

  #noAsrWarning(source: CallSource): void {
    if (this.#warnedNoAsr || source === 'transcript') return;
    this.#warnedNoAsr = true;
    this.#o.logger.warn({ source }, 'no ASR provider: this call (and any other audio call) shows its participants but no transcript '
      + 'or cards; transcript replays are not affected. To turn speech recognition on: `make models` (or `modsvar models [--dir DIR]`) '
      + 'for local sherpa-onnx models, or set DEEPGRAM_API_KEY (or MODSVAR_ASR__DEEPGRAM__API_KEY), then restart with asr.provider: auto');
  }
}

/** One call in the hub (the {@link CallHandle} implementation). */
class HubCall implements CallHandle {
  readonly callId: string;
  readonly source: CallSource;
  readonly call: Call;
  readonly transcript: Transcript;
  readonly language: string;
  readonly assist?: AssistSession;
  droppedAfterEnd = 0;
  readonly #ownsCall: boolean;
  readonly #streams = new Map<string, CallStreamSpec>();
  readonly #bus: EnhancedEmitter<RecordingSessionEvents>;
  readonly #transcriber?: CallTranscriber;
  readonly #log: Logger;
  readonly #unknownLabels = new Set<string>();
  readonly #publish: (e: CallEventInit) => void;
  #draining?: Promise<void>;
  #ending?: Promise<void>;

  constructor(o: StartCallOptions, hub: CallHubOptions, warnNoAsr: () => void) {
    this.callId = o.callId;
    this.source = o.source;
    this.language = o.language ?? o.asr?.language ?? hub.defaultLanguage;
    this.#log = hub.logger.child({ callId: o.callId, source: o.source });
    this.#ownsCall = !o.call;
    this.call = o.call ?? new Call({ callId: o.callId, participants: o.participants, startedAtMs: o.startedAtMs, logger: this.#log });
    this.transcript = new Transcript(this.#log);
    for (const s of o.streams) this.#streams.set(s.label, { ...s });
    const publish = (e: CallEventInit) => { hub.registry?.publish(e); };
    this.#publish = publish;
    if (hub.registry) feedCallToRegistry(hub.registry, this.call, { transcript: this.transcript, language: this.language.slice(0, 2) });
    this.#bus = new EnhancedEmitter<RecordingSessionEvents>(this.#log);
    const chosen = o.source === 'transcript' ? undefined : hub.asr?.forCall({ ...o.asr, language: this.language });
    if (chosen) {
      const session: TranscribedSession = {
        on: this.#bus.on.bind(this.#bus) as TranscribedSession['on'],
        beforeClose: () => undefined,
        callId: o.callId,
        call: this.call,
      };
      const t = new CallTranscriber({
        session, provider: chosen.provider, language: chosen.language, transcript: this.transcript, vadPool: hub.asr?.vadPool,
        vad: hub.asrSettings?.vad, firstSpeaker: hub.asrSettings?.firstSpeaker, callDirection: o.callDirection,
        finishTimeoutMs: hub.asrSettings?.finishTimeoutMs, logger: this.#log,
      });
      t.on('degraded', (e) => publish(healthChanged({
        callId: this.callId,
        health: { component: 'asr', status: e.retrying ? 'degraded' : 'down', category: e.category, retrying: e.retrying, detail: e.detail },
      })));
      t.on('recovered', (e) => publish(healthChanged({ callId: this.callId, health: { component: 'asr', status: 'ok', detail: e.detail } })));
      this.#transcriber = t;
    } else if (o.source !== 'transcript' && o.asr?.provider !== 'none') {
      warnNoAsr();
    }
    if (hub.assist) {
      const customer = o.participants.find((p) => p.role === 'customer');
      this.assist = new AssistSession({
        callId: o.callId, startedAtMs: this.call.startedAtMs, source: o.source, transcript: this.transcript, services: hub.assist,
        customerKey: customer ? { aor: customer.aor } : undefined, publish: (e) => publish(e), logger: this.#log,
      });
      void this.assist.start();
    }
    this.#log.info({ streams: [...this.#streams.keys()], language: this.language, asr: chosen?.name ?? 'none' }, 'call started');
  }

  get #ended(): boolean {
    return this.#draining !== undefined || this.call.state === 'ended';
  }

  writeFrame(label: string, frame: PcmFrame): void {
    if (this.#ended) { this.droppedAfterEnd++; return; }
    const spec = this.#streams.get(label);
    if (!spec) {
      if (!this.#unknownLabels.has(label)) { this.#unknownLabels.add(label); this.#log.warn({ streamLabel: label }, 'frame for an unknown stream dropped'); }
      return;
    }
    if (!this.#transcriber) return;
    this.#bus.safeEmit('frame', { label, participant: this.#participant(spec.participantId), role: spec.role, frame });
  }

  addTranscriptTurn(turn: TranscriptTurn): Utterance | undefined {
    if (this.#ended) { this.droppedAfterEnd++; return undefined; }
    const spec = (turn.streamLabel ? this.#streams.get(turn.streamLabel) : undefined)
      ?? [...this.#streams.values()].find((s) => s.role === turn.role);
    const participantId = turn.participantId ?? spec?.participantId;
    return this.transcript.final({
      streamLabel: turn.streamLabel ?? spec?.label ?? turn.role,
      ...(participantId && { participantId }),
      role: turn.role, roleGuessed: false, text: turn.text, words: [], startMs: turn.startMs, endMs: turn.endMs,
      confidence: turn.confidence ?? 1, language: turn.language ?? spec?.language ?? this.language,
    });
  }

  addStream(spec: CallStreamSpec): void {
    this.#streams.set(spec.label, { ...spec });
  }

  removeStream(label: string): void {
    if (!this.#streams.delete(label)) return;
    this.#bus.safeEmit('stream-removed', { label, reason: 'stream-removed' });
  }

  setParticipants(participants: Participant[]): void {
    if (this.#ownsCall && this.call.state !== 'ended') this.call.setParticipants(participants);
  }

  reportHealth(health: ComponentHealth): void {
    if (this.call.state !== 'ended') this.#publish(healthChanged({ callId: this.callId, health }));
  }

  setHold(held: boolean): void {
    if (this.#ownsCall && this.call.state !== 'ended') this.call.setHeld(held);
  }

  drain(): Promise<void> {
    this.#draining ??= (async () => {
      try {
        await this.#transcriber?.finish();
      } catch (err) {
        this.#log.warn({ err }, 'asr drain failed');
      }
      try {
        await this.assist?.finish();
      } catch (err) {
        this.#log.error({ err }, 'closing the assist session failed');
      }
    })();
    return this.#draining;
  }

  end(reason: CallEndReason): Promise<void> {
    this.#ending ??= (async () => {
      await this.drain();
      if (this.#ownsCall) this.call.end(reason);
    })();
    return this.#ending;
  }

  #participant(id: string | undefined): Participant | undefined {
    return id ? this.call.participants.find((p) => p.id === id) : undefined;
  }
}
