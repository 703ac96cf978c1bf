import type { Logger } from 'pino';
import type { CallCard, CallCustomer, CallEventInit, FeedbackKind, LedgerEntry } from '../calls/call-events.js';
import type { CallSource } from '../calls/call-hub-types.js';
import { cardCreated, cardUpdated, customerResolved, healthChanged, ledgerChanged, objectionRaised, objectionUpdated, objectionWithdrawn } from '../calls/call-events.js';
import type { ObjectionInfo } from '../calls/call-events.js';
import { toCallCard } from '../calls/call-card.js';
import type { Transcript, Utterance } from '../calls/transcript.js';
import type { Card } from './cards/card.js';
import type { CardComposer } from './cards/card-composer.js';
import type { ConversationTurn } from './cards/draft-prompt.js';
import type { CallContextCache } from './crm/call-context-cache.js';
import type { ObjectionDetector } from './detection/objection-detector.js';
import { ObjectionTracker } from './detection/objection-tracker.js';
import type { ObjectionEvent, StabilityOptions } from './detection/tracker-types.js';
import { ObjectionLedger, type ObjectionLedgerRecord } from '../calls/ledger.js';
import type { CustomerContextRecord } from './ports.js';

/** What every call's assist shares (built once by the composition root). */
export interface AssistServices {
  detector: ObjectionDetector;
  composer: CardComposer;
  /** Per-call CRM lookups; undefined = no CRM configured. */
  contexts?: CallContextCache;
  /** Interim stability rules (config `detection.stability`). */
  stability?: Partial<StabilityOptions>;
  /** Longest wait at hang-up for cards still composing, ms; drafts still running then are cancelled. Default 3000. */
  drainTimeoutMs?: number;
  /**
   * True while a configured language model is known to be unreachable (cards are then composed
   * without a draft): the call shows `llm` degraded. Undefined when no model is configured.
   */
  llmDown?: () => boolean;
}

/** Options of an {@link AssistSession}. */
export interface AssistSessionOptions {
  callId: string;
  /** Call start, epoch ms (transcript times are ms from it). */
  startedAtMs: number;
  /**
   * Where the call comes from; it decides the clock of the ledger's call-relative times (`cardShownMs`,
   * `answeredMs`). `siprec` (default) runs at 1×: the larger of the wall clock since `startedAtMs` and the
   * timeline position. `replay` / `transcript` run at any speed (`modsvar replay --speed`): the timeline
   * position only (see {@link AssistSession.callMs}).
   */
  source?: CallSource;
  transcript: Transcript;
  services: AssistServices;
  /** The customer's AoR / number for the CRM lookup (from the customer participant). */
  customerKey?: { phone?: string; aor?: string };
  /** Where call events go (`registry.publish`). */
  publish: (event: CallEventInit) => void;
  logger: Logger;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
}

interface CardState {
  controller: AbortController;
  createdAtMs?: number;
  last?: CallCard;
  done: Promise<void>;
}

/** Turns of context handed to the draft prompt. */
const PROMPT_TURNS = 6;

/**
 * The assist side of one call: transcript (interim + final) → {@link ObjectionTracker} (customer speech
 * only) → {@link CardComposer} (retrieval → extractive card at once → drafted card when an Llm is
 * configured, grounding guard) → {@link ObjectionLedger} → call events (`objection`, `card.created`,
 * `card.updated`, `ledger`, `call.customer`, `health`). Every card carries its stage timestamps.
 *
 * CRM: looked up once at {@link start}; a CRM that is down is a `health` degraded event, and cards are
 * composed without context. LLM failures are `health` events for component `llm` (the extractive card
 * stands). Feedback reaches it through {@link feedback}. {@link finish} (hang-up, after ASR drained)
 * waits for cards still composing, cancels drafts past the deadline, closes the ledger (open objections
 * → unanswered) and stops the tracker. Idempotent.
 */
export class AssistSession {
  readonly callId: string;
  readonly #o: AssistSessionOptions;
  readonly #tracker: ObjectionTracker;
  readonly #ledger: ObjectionLedger;
  /** Last published ledger entry per objection (JSON), so unchanged entries are not sent again. */
  readonly #sentLedger = new Map<string, string>();
  readonly #cards = new Map<string, CardState>();
  readonly #now: () => number;
  /** The caller's CRM record once the lookup found it; cards never wait for a lookup still running. */
  #context: CustomerContextRecord | undefined;
  #llmDegraded = false;
  /** Latest position the transcript reached on the call's timeline (ms from call start). */
  #positionMs = 0;
  #finishing?: Promise<void>;
  readonly #onInterim = (u: Utterance) => this.#push(u, 'interim');
  readonly #onFinal = (u: Utterance) => this.#push(u, 'final');

  constructor(options: AssistSessionOptions) {
    this.#o = options;
    this.callId = options.callId;
    this.#now = options.now ?? Date.now;
    this.#tracker = new ObjectionTracker({
      callId: options.callId, detector: options.services.detector, stability: options.services.stability, logger: options.logger,
    });
    this.#tracker.on('objection-raised', (e) => this.#raised(e));
    this.#tracker.on('objection-updated', (e) => this.#updated(e));
    this.#tracker.on('objection-withdrawn', (e) => this.#withdrawn(e));
    this.#ledger = new ObjectionLedger({ callId: options.callId, logger: options.logger });
    this.#ledger.on('change', (r) => this.#ledgerChanged(r));
    options.transcript.on('interim', this.#onInterim);
    options.transcript.on('final', this.#onFinal);
  }

  /** The ledger records so far (copies), with each card's stage latencies. */
  get ledger(): ObjectionLedgerRecord[] {
    return this.#ledger.records();
  }

  /** Starts the CRM lookup (once); resolves when it settled. Never rejects. */
  start(): Promise<void> {
    const { contexts } = this.#o.services;
    const key = this.#o.customerKey;
    if (!contexts || !key || (!key.aor && !key.phone)) return Promise.resolve();
    const lookup = contexts.lookup(this.callId, key);
    return lookup.then((r) => {
      this.#context = r.record;
      if (r.status === 'found' && r.record) this.#publish(customerResolved({ callId: this.callId, customer: toCustomer(r.record, key) }));
      if (r.status === 'unavailable') {
        this.#publish(healthChanged({
          callId: this.callId,
          health: { component: 'crm', status: 'degraded', category: r.category, retrying: false, detail: 'CRM unavailable: this call has no customer context' },
        }));
      }
    });
  }

  /** The agent's verdict on a card (from the registry's `feedback` observer event); "used" answers the objection. */
  feedback(cardId: string, kind: FeedbackKind, by: string): void {
    const state = this.#cards.get(cardId);
    if (!state?.last) return;
    state.last.feedback = { kind, atMs: this.#now(), by }; // later card updates carry it
    this.#ledger.feedback(state.last.objectionId, { kind, atMs: this.#now(), by }, this.callMs());
  }

  /** Hang-up: settle cards, close the ledger and the tracker. Idempotent (same promise). */
  finish(): Promise<void> {
    this.#finishing ??= this.#finish();
    return this.#finishing;
  }

  async #finish(): Promise<void> {
    const deadlineMs = this.#o.services.drainTimeoutMs ?? 3000;
    this.#o.transcript.off('interim', this.#onInterim);
    this.#o.transcript.off('final', this.#onFinal);
    this.#tracker.close('call-ended');
    const pending = [...this.#cards.values()].map((c) => c.done);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(pending), new Promise<void>((r) => { timer = setTimeout(r, deadlineMs); })]);
    clearTimeout(timer);
    for (const c of this.#cards.values()) c.controller.abort();
    this.#ledger.close('hang-up');
    this.#o.services.contexts?.release(this.callId);
  }

  #push(u: Utterance, type: 'interim' | 'final'): void {
    // before the tracker sees it: an objection raised by this utterance is timed at or after its end
    if (Number.isFinite(u.endMs)) this.#positionMs = Math.max(this.#positionMs, u.endMs);
    if (Number.isFinite(u.startMs)) this.#positionMs = Math.max(this.#positionMs, u.startMs);
    if (type === 'final' && u.role === 'agent') this.#ledger.agentTurn({ text: u.text, startMs: u.startMs, endMs: u.endMs, language: u.language });
    this.#tracker.push({
      type, utteranceId: u.id, text: u.text, role: u.role, participantId: u.participantId ?? '', streamLabel: u.streamLabel,
      language: u.language, startMs: u.startMs, endMs: u.endMs, receivedAtMs: this.#now(),
    });
  }

  #raised(e: ObjectionEvent): void {
    this.#publish(objectionRaised({ callId: this.callId, objection: objectionInfo(e) }));
    this.#ledger.raise({ objectionId: e.objectionId, objectionClass: e.objectionClass, language: e.language, text: e.text, startMs: e.startMs, endMs: e.endMs });
    this.#compose(e);
  }

  #updated(e: ObjectionEvent): void {
    // `updated` (not a second `raised`): the wall counts one objection; the snapshot takes the new class and words.
    this.#publish(objectionUpdated({ callId: this.callId, objection: objectionInfo(e), ...(e.previousClass && { previousClass: e.previousClass }) }));
    this.#ledger.update(e.objectionId, { objectionClass: e.objectionClass, text: e.text, endMs: e.endMs });
    if (!e.previousClass) return;
    // A new class needs a new card (same id): cancel the old one's draft and compose again.
    this.#cards.get(e.objectionId)?.controller.abort();
    this.#compose(e);
  }

  #withdrawn(e: ObjectionEvent): void {
    // The card stays on screen (the agent may have read it); its draft stops and the ledger drops it. The
    // `withdrawn` event takes it out of the wall's raised and unanswered counts.
    this.#cards.get(e.objectionId)?.controller.abort();
    this.#ledger.withdraw(e.objectionId);
    this.#publish(objectionWithdrawn({ callId: this.callId, objection: objectionInfo(e) }));
    this.#o.logger.debug({ objectionId: e.objectionId }, 'objection withdrawn');
  }

  #compose(e: ObjectionEvent): void {
    const controller = new AbortController();
    const previous = this.#cards.get(e.objectionId);
    const state: CardState = { controller, createdAtMs: previous?.createdAtMs, last: previous?.last, done: Promise.resolve() };
    this.#cards.set(e.objectionId, state);
    state.done = (async () => {
      const context = this.#context;
      const card = await this.#o.services.composer.compose(
        { callId: this.callId, objectionId: e.objectionId, objectionClass: e.objectionClass, language: e.language, text: e.text, confidence: e.confidence, stages: e.stages },
        { context, turns: this.#turns(), signal: controller.signal, onCard: (c) => { if (this.#cards.get(e.objectionId) === state) this.#onCard(state, c); } },
      );
      this.#llmHealth(card);
    })().catch((err) => this.#o.logger.error({ err, objectionId: e.objectionId }, 'card composition failed'));
  }

  #onCard(state: CardState, card: Card): void {
    const nowMs = this.#now();
    const first = state.createdAtMs === undefined;
    state.createdAtMs ??= nowMs;
    const view = toCallCard(card, { createdAtMs: state.createdAtMs, updatedAtMs: nowMs });
    if (state.last?.feedback) view.feedback = state.last.feedback;
    state.last = view;
    this.#publish(first ? cardCreated({ callId: this.callId, card: view }) : cardUpdated({ callId: this.callId, card: view }));
    this.#ledger.cardShown(card, this.callMs());
  }

  #llmHealth(card: Card): void {
    const outcome = card.draft?.outcome ?? (this.#o.services.llmDown?.() ? 'provider-error' : undefined);
    if (!outcome) return;
    if (outcome === 'provider-error' || outcome === 'timeout') {
      if (this.#llmDegraded) return;
      this.#llmDegraded = true;
      this.#publish(healthChanged({
        callId: this.callId,
        health: { component: 'llm', status: 'degraded', category: card.draft?.errorCode ?? (card.draft ? outcome : 'connectivity'), retrying: true, detail: 'language model unavailable: cards stay extractive' },
      }));
    } else if (this.#llmDegraded && outcome !== 'cancelled') {
      this.#llmDegraded = false;
      this.#publish(healthChanged({ callId: this.callId, health: { component: 'llm', status: 'ok', detail: 'language model answering again' } }));
    }
  }

  #turns(): ConversationTurn[] {
    const out: ConversationTurn[] = [];
    for (const u of this.#o.transcript.utterances.slice(-PROMPT_TURNS)) {
      if (u.role === 'agent' || u.role === 'customer') out.push({ role: u.role, text: u.text });
    }
    return out;
  }

  /** A ledger record changed: publish its API entry when that changed (withdrawn objections have none). */
  #ledgerChanged(r: ObjectionLedgerRecord): void {
    if (r.state === 'withdrawn') return;
    const entry: LedgerEntry = {
      objectionId: r.objectionId, objectionClass: r.objectionClass, state: r.state, raisedMs: r.raisedMs,
      ...(r.cardShownMs !== undefined && { cardShownMs: r.cardShownMs }),
      ...(r.answeredMs !== undefined && { answeredMs: r.answeredMs }),
      ...(r.cardId && { cardId: r.cardId }),
    };
    const json = JSON.stringify(entry);
    if (this.#sentLedger.get(r.objectionId) === json) return;
    this.#sentLedger.set(r.objectionId, json);
    this.#publish(ledgerChanged({ callId: this.callId, entry }));
  }

  /**
   * Call time now, in ms from call start, by the same definition as the agent UI's call clock
   * (agent-ui/src/call-clock.ts): the timeline position is the latest end (or start) of any transcript
   * utterance, interim or final, seen so far. A replay (`source` `replay` / `transcript`) runs at 2× or
   * unpaced, so wall time says nothing about its timeline: its call time is that position. A live SIPREC
   * call runs at 1×: the wall clock since `startedAtMs`, or the position when the ASR's times run ahead.
   */
  callMs(): number {
    const replay = this.#o.source === 'replay' || this.#o.source === 'transcript';
    if (replay) return this.#positionMs;
    return Math.max(0, this.#now() - this.#o.startedAtMs, this.#positionMs);
  }

  #publish(event: CallEventInit): void {
    try {
      this.#o.publish(event);
    } catch (err) {
      this.#o.logger.error({ err, type: event.type }, 'publishing a call event failed');
    }
  }
}

/** The API's view of a tracker event (`raisedMs` = the utterance start on the call's timeline). */
function objectionInfo(e: ObjectionEvent): ObjectionInfo {
  return { objectionId: e.objectionId, objectionClass: e.objectionClass, confidence: e.confidence, utteranceId: e.utteranceId, text: e.text, raisedMs: e.startMs };
}

function toCustomer(r: CustomerContextRecord, key: { phone?: string; aor?: string }): CallCustomer {
  const number = key.phone ?? (key.aor ? /^(?:sips?:|tel:)?([^@;]+)/i.exec(key.aor)?.[1] : undefined);
  return {
    ...(r.contactName && { name: r.contactName }),
    ...(number && { number }),
    ...(r.company && { company: r.company }),
    ...(r.employees !== undefined && { employees: r.employees }),
    ...(r.industry && { industry: r.industry }),
    ...(r.currentVendor && { currentVendor: r.currentVendor }),
    facts: { ...r.fields },
    source: r.source,
  };
}
