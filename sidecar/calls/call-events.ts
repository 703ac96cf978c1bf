/**
 * The events that cross the API's WebSocket: a discriminated union on `type`. Every event carries the
 * call it belongs to (`callId`, the PBX call ID the UI shows), the wall-clock time it was produced
 * (`atMs`, ms since the Unix epoch) and a per-call sequence number (`seq`, 1, 2, 3 … assigned by the
 * {@link ../calls/call-registry.ts CallRegistry} when the event is published; a client that saw
 * `seq = n` resumes with `since=n` and gets exactly the events after it, without gaps or duplicates).
 *
 * Times inside the payload that sit on the call's timeline (utterance start/end, objection raised) are
 * in ms from call start (`…Ms` relative to {@link CallSummary.startedAtMs}); times named `…AtMs` are
 * epoch ms. The JSON schema in `call-event-schema.ts` documents and serialises every shape here.
 *
 * @example
 * // composition root
 * registry.upsertCall({ callId, startedAtMs: Date.now(), participants, language: 'da' });
 * registry.publish(transcriptFinal({ callId, segment: { utteranceId: 'u1', streamLabel: '1', role: 'customer',
 *   text: 'Det er dyrere end det vi betaler i dag', startMs: 5200, endMs: 7400 } }));
 */
import type { ObjectionClass } from '../assist/ports.js';
import type { Role } from '../sip/siprec-types.js';

/** State of the recorded call: `held` while every stream is on hold, `ended` after BYE or shutdown. */
export type CallState = 'active' | 'held' | 'ended';

/** A participant as the UI shows it (RFC 7865 participant with its decided role). */
export interface CallParticipant {
  id: string;
  /** Address of record, e.g. `sip:1001@pbx.example.com` or `+4520123456@example.com`. */
  aor: string;
  name?: string;
  role: Role;
}

/** What the CRM knows about the customer (a view of ports.ts `CustomerContextRecord`). */
export interface CallCustomer {
  name?: string;
  /** The customer's number or AoR user part. */
  number?: string;
  company?: string;
  employees?: number;
  industry?: string;
  currentVendor?: string;
  /** Further CRM facts, label → value, shown in the header. */
  facts: Record<string, string | number>;
  /** Which CRM adapter answered (`csv`, `hubspot`, …), absent when no lookup was made. */
  source?: string;
}

/** Health of one component of the call's pipeline. */
export type HealthStatus = 'ok' | 'degraded' | 'down';
export type HealthComponent = 'media' | 'asr' | 'llm' | 'crm' | 'retrieval';

/** Health of a component; media health carries per-stream RTP counters (RFC 3550 §6.4.1). */
export interface ComponentHealth {
  component: HealthComponent;
  status: HealthStatus;
  /** Failure category (ProviderError category) when not ok. */
  category?: string;
  /** True while the component is reconnecting. */
  retrying?: boolean;
  /** One short sentence for people; never secrets, never transcript text. */
  detail?: string;
  /** For `media`: per-stream counters. */
  streams?: StreamHealth[];
  /** For `asr`: delay from end of speech to the final transcript, in ms (last value). */
  asrDelayMs?: number;
}

/** RTP counters for one stream (cumulative since the stream started). */
export interface StreamHealth {
  label: string;
  role?: Role;
  packetsReceived: number;
  packetsLost: number;
  /** Interarrival jitter in ms (RFC 3550 A.8). */
  jitterMs: number;
}

/** One piece of transcript: an interim hypothesis or a final utterance of one stream. */
export interface TranscriptSegment {
  /** Stable id of the utterance; interims and the final of the same utterance share it. */
  utteranceId: string;
  streamLabel: string;
  role: Role;
  /** Speaker's display name when known. */
  speaker?: string;
  text: string;
  /** Start and end of the speech on the call's timeline, ms from call start. */
  startMs: number;
  endMs: number;
  /** ASR confidence 0–1, when the provider gives one. */
  confidence?: number;
  language?: string;
  /**
   * True when `role` was guessed: a mixed stream (both parties on one stream) whose diarized speakers were
   * mapped to agent/customer by the documented rule (`asr.mixedStreams`). The UI marks such lines.
   */
  roleGuessed?: boolean;
}

/** A cited fact as shown on a card: expandable to its text and source. */
export interface CardCitation {
  factId: string;
  text: string;
  /** Source document, relative to the knowledge folder, and the place in it (`page 3`, a heading path). */
  source: string;
  location: string;
}

/** Card status: extractive (facts only) → drafting (LLM text streaming in) → final; `no_answer` = no verified answer. */
export type CardStatus = 'extractive' | 'drafting' | 'final' | 'no_answer';
export type FeedbackKind = 'used' | 'dismissed' | 'wrong';

/** Epoch-ms timestamps of a card's stages, for the per-stage latency histograms. */
export interface CardStages {
  /** When the ASR event that triggered detection arrived. */
  asrAtMs?: number;
  detectedAtMs?: number;
  retrievedAtMs?: number;
  /** When the extractive card was pushed. */
  extractiveAtMs?: number;
  draftStartedAtMs?: number;
  /** First LLM text shown. */
  draftFirstTextAtMs?: number;
  finalAtMs?: number;
}

/** The agent's verdict on a card. */
export interface CardFeedback {
  kind: FeedbackKind;
  atMs: number;
  /** Who gave it (principal subject). */
  by: string;
}

/** A reply card (DESIGN.md "Card") as the UI shows it; `card.updated` carries the whole card again. */
export interface CallCard {
  cardId: string;
  objectionId: string;
  objectionClass: ObjectionClass;
  status: CardStatus;
  /** Reply text so far (grows while drafting). */
  text: string;
  /** The playbook move (a question to ask) when there is no verified answer. */
  playbookMove?: string;
  citations: CardCitation[];
  /** 0–1; below 0.80 the UI shows the card as not verified. */
  confidence: number;
  /** Sentences the grounding guard removed because no cited fact supports them. */
  removedCount: number;
  language?: string;
  createdAtMs: number;
  updatedAtMs: number;
  stages: CardStages;
  feedback?: CardFeedback;
}

/** Life of one objection (DESIGN.md "Ledger"). */
export type LedgerState = 'raised' | 'card_shown' | 'answered' | 'unanswered';
export interface LedgerEntry {
  objectionId: string;
  objectionClass: ObjectionClass;
  state: LedgerState;
  /** On the call's timeline, ms from call start. */
  raisedMs: number;
  cardShownMs?: number;
  answeredMs?: number;
  cardId?: string;
}

/**
 * Where an objection is in its life as the detector sees it (the `objection` event's `state`):
 * - `raised`: first detected (counted once on the wall; its card follows);
 * - `updated`: the same objection (same `objectionId`) re-judged on more words: its class (then
 *   `previousClass` says the old one and a new card replaces the old), confidence or words changed;
 * - `withdrawn`: the final transcript showed no objection after all: it no longer counts as raised or
 *   unanswered (its card may stay on screen, the agent may have read it).
 */
export type ObjectionState = 'raised' | 'updated' | 'withdrawn';

/** A detected objection (DESIGN.md "Objection"). */
export interface ObjectionInfo {
  objectionId: string;
  objectionClass: ObjectionClass;
  /** Detector confidence 0–1. */
  confidence: number;
  utteranceId: string;
  /** The customer's words that raised it. */
  text: string;
  /** On the call's timeline, ms from call start. */
  raisedMs: number;
  /** In a snapshot: the objection's latest state; absent = `raised`. */
  state?: ObjectionState;
}

interface Base<T extends string> {
  type: T;
  callId: string;
  /** Epoch ms when the event was produced. */
  atMs: number;
  /** Per-call sequence number, assigned on publish. */
  seq: number;
}

/** Everything a client needs to draw one call; `seq` is the last event it includes. */
export interface CallSnapshot {
  summary: CallSummary;
  participants: CallParticipant[];
  customer?: CallCustomer;
  /** Final utterances in order, then the open interims (at most one per stream). */
  transcript: TranscriptSegment[];
  interims: TranscriptSegment[];
  objections: ObjectionInfo[];
  /** Newest first. */
  cards: CallCard[];
  ledger: LedgerEntry[];
  health: ComponentHealth[];
}

/** One row of the supervisor wall. Counts are derived from the call's events. */
export interface CallSummary {
  callId: string;
  state: CallState;
  /** Epoch ms. */
  startedAtMs: number;
  endedAtMs?: number;
  language?: string;
  /**
   * Where the call's media came from, when it is not a live SIPREC call: `replay` = a recording fed in by
   * `modsvar replay` (through the media pipeline and ASR), `transcript` = transcript turns replayed without
   * ASR. The UI labels such calls. Absent for live calls.
   */
  source?: 'siprec' | 'replay' | 'transcript';
  /**
   * The call's timeline position, ms from call start: the latest point its events have reached (the end
   * of the newest transcript segment, interim or final, or the start of the newest objection); 0 before
   * any. A replay runs at any speed (`modsvar replay --speed`), so its duration is this, not wall time
   * since `startedAtMs`; for a live call the wall clock is the same clock, a little ahead (ASR delay).
   * The agent UI's call clock has the same definition (agent-ui/src/call-clock.ts). Absent from servers
   * older than the field.
   */
  callMs?: number;
  agent?: { name?: string; aor: string };
  customer?: { name?: string; number?: string; company?: string };
  objectionsRaised: number;
  /** Objections not answered yet (live) or left unanswered at hang-up. */
  objectionsUnanswered: number;
  cardsShown: number;
  /** Cards the agent marked wrong or the grounding guard cut or scored below 0.80. */
  cardsFlagged: number;
  lastCard?: { cardId: string; objectionClass: ObjectionClass; confidence: number; status: CardStatus; text: string };
  /** Worst component status. */
  health: HealthStatus;
  /** Why the wall highlights the call (`unanswered`, `flagged`, `health`); empty when it doesn't. */
  alerts: string[];
}

export interface SnapshotEvent extends Base<'snapshot'> { call: CallSnapshot }
export interface TranscriptInterimEvent extends Base<'transcript.interim'> { segment: TranscriptSegment }
export interface TranscriptFinalEvent extends Base<'transcript.final'> {
  segment: TranscriptSegment;
  /** Delay from end of speech to this final, in ms, when measured. */
  asrDelayMs?: number;
}
/**
 * An objection raised, re-judged or withdrawn; `objection` carries its current class, confidence and words.
 * `state` absent = `raised` (producers written before the field). `previousClass` only on an `updated`
 * event that changed the class.
 */
export interface ObjectionEvent extends Base<'objection'> {
  objection: ObjectionInfo;
  state?: ObjectionState;
  previousClass?: ObjectionClass;
}
export interface CardCreatedEvent extends Base<'card.created'> { card: CallCard }
export interface CardUpdatedEvent extends Base<'card.updated'> { card: CallCard }
export interface LedgerEvent extends Base<'ledger'> { entry: LedgerEntry }
export interface CallStateEvent extends Base<'call.state'> { state: CallState; reason?: string }
export interface ParticipantsEvent extends Base<'call.participants'> { participants: CallParticipant[] }
export interface CustomerEvent extends Base<'call.customer'> { customer: CallCustomer }
export interface HealthEvent extends Base<'health'> { health: ComponentHealth }

/** Every event a call's WebSocket carries. */
export type CallEvent =
  | SnapshotEvent
  | TranscriptInterimEvent
  | TranscriptFinalEvent
  | ObjectionEvent
  | CardCreatedEvent
  | CardUpdatedEvent
  | LedgerEvent
  | CallStateEvent
  | ParticipantsEvent
  | CustomerEvent
  | HealthEvent;

export type CallEventType = CallEvent['type'];
/** An event before publication: the registry assigns `seq`; `atMs` defaults to now. */
export type CallEventInit<E extends CallEvent = CallEvent> = E extends CallEvent
  ? Omit<E, 'seq' | 'atMs'> & { atMs?: number }
  : never;

/** The supervisor wall's socket: a snapshot of every visible live call, then upserts and removals. */
export type WallEvent =
  | { type: 'wall.snapshot'; atMs: number; seq: number; calls: CallSummary[] }
  | { type: 'wall.call'; atMs: number; seq: number; summary: CallSummary }
  | { type: 'wall.removed'; atMs: number; seq: number; callId: string };

export const CALL_EVENT_TYPES = [
  'snapshot', 'transcript.interim', 'transcript.final', 'objection', 'card.created', 'card.updated',
  'ledger', 'call.state', 'call.participants', 'call.customer', 'health',
] as const satisfies readonly CallEventType[];

type Init<E extends CallEvent> = Omit<E, 'seq' | 'atMs' | 'type'> & { atMs?: number };
const make = <E extends CallEvent>(type: E['type']) =>
  (init: Init<E>): CallEventInit<E> => ({ ...init, type, atMs: init.atMs ?? Date.now() }) as unknown as CallEventInit<E>;

/** Factories: `transcriptFinal({ callId, segment })` → an event ready for `registry.publish`. */
export const transcriptInterim = make<TranscriptInterimEvent>('transcript.interim');
export const transcriptFinal = make<TranscriptFinalEvent>('transcript.final');
const objection = make<ObjectionEvent>('objection');
export const objectionRaised = (init: Init<ObjectionEvent>): CallEventInit<ObjectionEvent> => objection({ ...init, state: 'raised' });
export const objectionUpdated = (init: Init<ObjectionEvent>): CallEventInit<ObjectionEvent> => objection({ ...init, state: 'updated' });
export const objectionWithdrawn = (init: Init<ObjectionEvent>): CallEventInit<ObjectionEvent> => objection({ ...init, state: 'withdrawn' });
export const cardCreated = make<CardCreatedEvent>('card.created');
export const cardUpdated = make<CardUpdatedEvent>('card.updated');
export const ledgerChanged = make<LedgerEvent>('ledger');
export const callStateChanged = make<CallStateEvent>('call.state');
export const participantsChanged = make<ParticipantsEvent>('call.participants');
export const customerResolved = make<CustomerEvent>('call.customer');
export const healthChanged = make<HealthEvent>('health');

/** Below this confidence a card is shown as not verified (DESIGN.md "Grounding"). */
export const VERIFIED_CONFIDENCE = 0.8;
