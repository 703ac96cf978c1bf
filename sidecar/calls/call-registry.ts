/**
 * `CallRegistry`: the in-memory registry of live and recent calls that the API reads. The composition
 * root writes to it (`upsertCall`, `publish`, `endCall`); the API, the supervisor wall and the metrics
 * read from it. Each call keeps a folded view (`CallView`) and a bounded, sequenced event log
 * (`EventRing`) so a reconnecting WebSocket client resumes without gaps or duplicates.
 *
 * Events: per-call listeners via {@link CallRegistry.subscribe}; monitoring (wall, metrics, audit) on
 * {@link CallRegistry.observer}. Transcripts live in memory only and leave with the call once it is
 * older than `recentRetentionMs` or pushed out by `recentCalls` newer ended calls.
 *
 * @example
 * const registry = new CallRegistry({ logger });
 * registry.upsertCall({ callId, participants, language: 'da' });          // at INVITE
 * registry.publish(transcriptFinal({ callId, segment }));                  // per ASR final
 * registry.publish(cardCreated({ callId, card }));                          // per card
 * registry.endCall(callId, 'bye');                                          // at BYE
 */
import type { Logger } from 'pino';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { ModsvarError } from '../core/errors.js';
import type { ObjectionClass } from '../assist/ports.js';
import type {
  CallCard, CallEvent, CallEventInit, CallSummary, FeedbackKind, SnapshotEvent, WallEvent,
} from './call-events.js';
import { CallView, type CallInit } from './call-view.js';
import { EventRing } from './event-ring.js';
import { WallFeed } from './wall-feed.js';
import { DayStats, type DayStatsReport } from './day-stats.js';

/** Registry limits; every field has a default. */
export interface CallRegistryOptions {
  /** Events kept per call for resume. Default 2000. */
  ringSize?: number;
  /** Final utterances kept per call. Default 2000. */
  maxUtterances?: number;
  /** Ended calls kept for the "recent" list. Default 200. */
  recentCalls?: number;
  /** Ended calls are dropped after this many ms. Default 4 h. */
  recentRetentionMs?: number;
  /** Wall alert threshold: unanswered objections. Default 2. */
  alertUnanswered?: number;
  /**
   * Coalesce a call's wall row updates to at most one per this many ms (a trailing update carries the
   * latest row). 0 sends every change at once. Call start and end are always sent at once. Default 0.
   */
  wallUpdateMs?: number;
  logger?: Logger;
}

/** Feedback recorded by the API, for the composition root (learning, audit) and the metrics. */
export interface FeedbackRecord {
  callId: string;
  card: CallCard;
  kind: FeedbackKind;
  by: string;
}

/** Monitoring events. */
export type CallRegistryObserverEvents = {
  /** A call appeared (first `upsertCall` or first event). */
  callstarted: [CallSummary];
  /** Every published event, after it was applied. */
  event: [CallEvent];
  /** A call ended. */
  callended: [CallSummary];
  /** An ended call was dropped from memory. */
  callremoved: [string];
  feedback: [FeedbackRecord];
  /** Every wall event (wall socket). */
  wall: [WallEvent];
};

interface Entry {
  view: CallView;
  /** Order of hang-up (1 = first call to end), for pruning the oldest ended calls first. */
  endOrder: number;
  ring: EventRing<CallEvent>;
  listeners: Set<(event: CallEvent) => void>;
}

/** Events that can change a call's wall row. */
const SUMMARY_EVENTS = new Set<CallEvent['type']>([
  'objection', 'card.created', 'card.updated', 'ledger', 'call.state', 'call.participants', 'call.customer', 'health',
]);

export class CallRegistry {
  readonly observer: EnhancedEmitter<CallRegistryObserverEvents>;
  readonly #calls = new Map<string, Entry>();
  readonly #wall: WallFeed;
  readonly #stats = new DayStats();
  readonly #opts: Required<Omit<CallRegistryOptions, 'logger'>>;
  readonly #logger?: Logger;
  #pruneTimer?: NodeJS.Timeout;
  #ended = 0;

  constructor(options: CallRegistryOptions = {}) {
    this.#opts = {
      ringSize: options.ringSize ?? 2000,
      maxUtterances: options.maxUtterances ?? 2000,
      recentCalls: options.recentCalls ?? 200,
      recentRetentionMs: options.recentRetentionMs ?? 4 * 3_600_000,
      alertUnanswered: options.alertUnanswered ?? 2,
      wallUpdateMs: options.wallUpdateMs ?? 0,
    };
    this.#logger = options.logger;
    this.observer = new EnhancedEmitter(options.logger);
    this.#wall = new WallFeed(this.#opts.wallUpdateMs, (id) => {
      const view = this.#calls.get(id)?.view;
      return view && view.state !== 'ended' ? view.summary() : undefined;
    }, (e) => this.observer.safeEmit('wall', e));
    this.#pruneTimer = setInterval(() => this.prune(), 60_000);
    this.#pruneTimer.unref();
  }

  /** Creates the call or merges what is known about it (participants, language, CRM context). */
  upsertCall(init: CallInit): CallSummary {
    if (!init.callId) throw new TypeError('upsertCall: callId is required');
    const existing = this.#calls.get(init.callId);
    if (existing) {
      existing.view.update(init);
      const summary = existing.view.summary();
      if (summary.state !== 'ended') this.#wall.changed(init.callId);
      return summary;
    }
    return this.#create(init).view.summary();
  }

  /**
   * Publishes an event: assigns its `seq`, folds it into the call's view, stores it for resume and
   * hands it to the call's subscribers and the observer. An event for an unknown call creates it (so
   * nothing is lost when the pipeline runs ahead of `upsertCall`); `snapshot` events are refused.
   * @returns the published event, with `seq`.
   * @throws TypeError for a missing callId or a snapshot event.
   */
  publish(init: CallEventInit): CallEvent {
    if (!init?.callId) throw new TypeError('publish: event without callId');
    if (init.type === 'snapshot') throw new TypeError('publish: snapshots are made by the registry');
    const entry = this.#calls.get(init.callId) ?? this.#create({ callId: init.callId });
    const event = { ...init, atMs: init.atMs ?? Date.now(), seq: entry.ring.nextSeq() } as CallEvent;
    const wasEnded = entry.view.state === 'ended';
    const positionMs = entry.view.positionMs;
    entry.view.apply(event);
    entry.ring.push(event);
    this.#stats.count(event);
    for (const listener of entry.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger?.error({ err, callId: event.callId }, 'call event listener threw');
      }
    }
    this.observer.safeEmit('event', event);
    if (event.type === 'call.state' && event.state === 'ended' && !wasEnded) {
      entry.endOrder = ++this.#ended;
      this.observer.safeEmit('callended', entry.view.summary());
      this.#wall.removed(event.callId);
      this.prune();
    } else if (entry.view.state !== 'ended' && (SUMMARY_EVENTS.has(event.type) || this.#timelineMoved(entry.view, positionMs))) {
      this.#wall.changed(event.callId);
    }
    return event;
  }

  /**
   * True when a replay's timeline position moved: its wall row's duration is that position
   * ({@link CallSummary.callMs}). A live call's duration runs on the wall clock, so its transcript
   * alone does not resend its row.
   */
  #timelineMoved(view: CallView, beforeMs: number): boolean {
    return (view.source === 'replay' || view.source === 'transcript') && view.positionMs !== beforeMs;
  }

  /** Ends a call (idempotent): publishes `call.state` = ended with the reason. */
  endCall(callId: string, reason: string): void {
    const entry = this.#calls.get(callId);
    if (!entry || entry.view.state === 'ended') return;
    this.publish({ type: 'call.state', callId, state: 'ended', reason });
  }

  /**
   * Drops an ended call's record now (its transcript, cards, ledger, feedback and event log), so a new
   * call with the same ID starts from nothing instead of merging into it. Emits `callremoved`.
   * @returns true when an ended call was dropped; false when there was none or the call is still live
   *   (a live call is never dropped)
   */
  forget(callId: string): boolean {
    const entry = this.#calls.get(callId);
    if (!entry || entry.view.state !== 'ended') return false;
    this.#calls.delete(callId);
    this.observer.safeEmit('callremoved', callId);
    return true;
  }

  /**
   * Records the agent's feedback on a card and publishes the updated card.
   * @throws ModsvarError `CALL_NOT_FOUND` / `CARD_NOT_FOUND`.
   */
  giveFeedback(callId: string, cardId: string, kind: FeedbackKind, by: string): CallCard {
    const entry = this.#calls.get(callId);
    if (!entry) throw new ModsvarError('CALL_NOT_FOUND', `no call ${callId}`);
    const card = entry.view.card(cardId);
    if (!card) throw new ModsvarError('CARD_NOT_FOUND', `no card ${cardId} in call ${callId}`);
    const atMs = Date.now();
    const updated: CallCard = { ...card, feedback: { kind, atMs, by }, updatedAtMs: atMs };
    this.publish({ type: 'card.updated', callId, atMs, card: updated });
    this.#stats.feedback(card.objectionClass, kind, card.feedback?.kind);
    this.observer.safeEmit('feedback', { callId, card: updated, kind, by });
    return updated;
  }

  /** The call's folded view, or undefined. */
  get(callId: string): CallView | undefined {
    return this.#calls.get(callId)?.view;
  }

  /** A snapshot event carrying the call's state; its `seq` is the last event it includes. */
  snapshot(callId: string): SnapshotEvent | undefined {
    const entry = this.#calls.get(callId);
    if (!entry) return undefined;
    return { type: 'snapshot', callId, atMs: Date.now(), seq: entry.ring.lastSeq, call: entry.view.snapshot() };
  }

  /** Events after `since`; undefined when they are no longer all held (send a snapshot instead). */
  eventsSince(callId: string, since: number): CallEvent[] | undefined {
    return this.#calls.get(callId)?.ring.since(since);
  }

  /** Calls a listener for each event published for the call after now. Returns the unsubscribe function. */
  subscribe(callId: string, listener: (event: CallEvent) => void): () => void {
    const entry = this.#calls.get(callId);
    if (!entry) return () => {};
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Call summaries, newest first. `live`: not ended; `recent`: ended; `all`: both. */
  list(which: 'live' | 'recent' | 'all' = 'all'): CallSummary[] {
    const out: CallSummary[] = [];
    for (const { view } of this.#calls.values()) {
      const ended = view.state === 'ended';
      if (which === 'all' || (which === 'live') !== ended) out.push(view.summary());
    }
    return out.sort((a, b) => b.startedAtMs - a.startedAtMs);
  }

  /** The wall socket's state: live calls and the wall sequence number they include. */
  wallSnapshot(): { seq: number; calls: CallSummary[] } {
    return { seq: this.#wall.lastSeq, calls: this.list('live') };
  }

  /** Wall events after `since`, or undefined when a snapshot is needed. */
  wallEventsSince(since: number): WallEvent[] | undefined {
    return this.#wall.since(since);
  }

  /** Today's counters (cards by class, feedback by kind, objections by class). */
  stats(nowMs = Date.now()): DayStatsReport {
    return this.#stats.report(nowMs);
  }

  /** The views of the live calls (for metrics collected at scrape time). */
  liveViews(): CallView[] {
    return [...this.#calls.values()].map((e) => e.view).filter((v) => v.state !== 'ended');
  }

  /** Number of live calls. */
  get liveCount(): number {
    let n = 0;
    for (const { view } of this.#calls.values()) if (view.state !== 'ended') n++;
    return n;
  }

  /** Drops ended calls past retention or beyond `recentCalls`. Called on each hang-up and every minute. */
  prune(nowMs = Date.now()): void {
    const ended = [...this.#calls.values()].filter((e) => e.view.state === 'ended')
      .sort((a, b) => b.endOrder - a.endOrder);
    ended.forEach((e, i) => {
      if (i >= this.#opts.recentCalls || nowMs - (e.view.endedAtMs ?? nowMs) > this.#opts.recentRetentionMs) {
        this.#calls.delete(e.view.callId);
        this.observer.safeEmit('callremoved', e.view.callId);
      }
    });
  }

  /** Stops the timers (pending wall updates are sent now); the registry stays readable. */
  close(): void {
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    this.#pruneTimer = undefined;
    this.#wall.flush();
  }

  #create(init: CallInit): Entry {
    const view = new CallView(init, { maxUtterances: this.#opts.maxUtterances, alertUnanswered: this.#opts.alertUnanswered });
    const entry: Entry = { view, endOrder: 0, ring: new EventRing(this.#opts.ringSize), listeners: new Set() };
    this.#calls.set(init.callId, entry);
    const summary = view.summary();
    this.observer.safeEmit('callstarted', summary);
    this.#wall.started(summary);
    return entry;
  }
}

export type { CallInit, ObjectionClass };
