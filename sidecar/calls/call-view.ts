/**
 * `CallView`: the state of one call as the API shows it, folded from its published events. The
 * registry owns one per live or recent call; nothing else writes to it. Pure in-memory state with
 * bounded lists (a long call keeps its last `maxUtterances` finals).
 */
import type {
  CallCard, CallCustomer, CallEvent, CallParticipant, CallSnapshot, CallState, CallSummary, ComponentHealth,
  HealthStatus, LedgerEntry, ObjectionInfo, TranscriptSegment,
} from './call-events.js';
import { VERIFIED_CONFIDENCE } from './call-events.js';

/** Limits and alert thresholds of a call view. */
export interface CallViewOptions {
  /** Most final utterances kept per call (oldest dropped first). Default 2000. */
  maxUtterances: number;
  /** The wall highlights a live call with at least this many unanswered objections. Default 2. */
  alertUnanswered: number;
}

/** What the composition root knows when a call starts (or when its participants change). */
export interface CallInit {
  callId: string;
  /** Epoch ms; default now. */
  startedAtMs?: number;
  language?: string;
  participants?: CallParticipant[];
  customer?: CallCustomer;
  /** See {@link CallSummary.source}. */
  source?: CallSummary['source'];
}

const HEALTH_RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

export class CallView {
  readonly callId: string;
  startedAtMs: number;
  endedAtMs?: number;
  state: CallState = 'active';
  language?: string;
  source?: CallSummary['source'];
  participants: CallParticipant[] = [];
  customer?: CallCustomer;
  readonly #finals: TranscriptSegment[] = [];
  readonly #interims = new Map<string, TranscriptSegment>();
  /** By objectionId, in order raised; withdrawn ones kept (state `withdrawn`), not counted. */
  readonly #objections = new Map<string, ObjectionInfo>();
  readonly #cards = new Map<string, CallCard>();
  readonly #ledger = new Map<string, LedgerEntry>();
  readonly #health = new Map<string, ComponentHealth>();
  readonly #options: CallViewOptions;
  /** See {@link CallSummary.callMs}: a running maximum (the kept finals are bounded). */
  #positionMs = 0;

  constructor(init: CallInit, options: CallViewOptions) {
    this.callId = init.callId;
    this.startedAtMs = init.startedAtMs ?? Date.now();
    this.#options = options;
    this.update(init);
  }

  /** Merges what the composition root knows; absent fields are left as they are. */
  update(init: CallInit): void {
    if (init.language !== undefined) this.language = init.language;
    if (init.source !== undefined) this.source = init.source;
    if (init.participants) this.participants = init.participants.map((p) => ({ ...p }));
    if (init.customer) this.customer = { ...init.customer, facts: { ...init.customer.facts } };
    if (init.startedAtMs !== undefined) this.startedAtMs = init.startedAtMs;
  }

  /** The call's timeline position, ms from call start (see {@link CallSummary.callMs}). */
  get positionMs(): number {
    return this.#positionMs;
  }

  /** Folds one published event into the view. */
  apply(event: CallEvent): void {
    switch (event.type) {
      case 'transcript.interim':
        this.#advance(event.segment.startMs, event.segment.endMs);
        this.#interims.set(event.segment.streamLabel, event.segment);
        break;
      case 'transcript.final': {
        this.#advance(event.segment.startMs, event.segment.endMs);
        const open = this.#interims.get(event.segment.streamLabel);
        if (open && open.utteranceId === event.segment.utteranceId) this.#interims.delete(event.segment.streamLabel);
        this.#finals.push(event.segment);
        if (this.#finals.length > this.#options.maxUtterances) this.#finals.shift();
        break;
      }
      case 'objection': {
        const state = event.state ?? 'raised';
        this.#advance(event.objection.raisedMs);
        const prev = this.#objections.get(event.objection.objectionId);
        // an update or withdrawal keeps the time it was first raised
        this.#objections.set(event.objection.objectionId, { ...event.objection, ...(prev && { raisedMs: prev.raisedMs }), state });
        // a withdrawn objection leaves the ledger: it is neither open nor unanswered
        if (state === 'withdrawn') this.#ledger.delete(event.objection.objectionId);
        break;
      }
      case 'card.created':
      case 'card.updated': {
        const prev = this.#cards.get(event.card.cardId);
        // Feedback is owned by the API: a later pipeline update must not erase it.
        const card = { ...event.card, feedback: event.card.feedback ?? prev?.feedback };
        if (!card.feedback) delete card.feedback;
        this.#cards.set(card.cardId, card);
        break;
      }
      case 'ledger':
        if (this.#objections.get(event.entry.objectionId)?.state === 'withdrawn') break;
        this.#ledger.set(event.entry.objectionId, event.entry);
        break;
      case 'call.state':
        this.state = event.state;
        if (event.state === 'ended') {
          this.endedAtMs = event.atMs;
          this.#interims.clear();
        }
        break;
      case 'call.participants':
        this.participants = event.participants;
        break;
      case 'call.customer':
        this.customer = event.customer;
        break;
      case 'health':
        this.#health.set(event.health.component, event.health);
        break;
      case 'snapshot':
        break;
    }
  }

  #advance(...ms: number[]): void {
    for (const m of ms) if (Number.isFinite(m) && m > this.#positionMs) this.#positionMs = m;
  }

  /** Latest health of each component. */
  componentHealth(): ComponentHealth[] {
    return [...this.#health.values()];
  }

  card(cardId: string): CallCard | undefined {
    return this.#cards.get(cardId);
  }

  /** The wall row. */
  summary(): CallSummary {
    const agent = this.participants.find((p) => p.role === 'agent');
    const customerP = this.participants.find((p) => p.role === 'customer');
    const cards = [...this.#cards.values()];
    const ledger = [...this.#ledger.values()];
    let live = 0;
    for (const o of this.#objections.values()) if (o.state !== 'withdrawn') live++;
    const raised = Math.max(ledger.length, live);
    const answered = ledger.filter((e) => e.state === 'answered').length;
    const unanswered = raised - answered;
    const flagged = cards.filter((c) => c.feedback?.kind === 'wrong' || c.removedCount > 0
      || (c.status !== 'drafting' && c.confidence < VERIFIED_CONFIDENCE)).length;
    let health: HealthStatus = 'ok';
    for (const h of this.#health.values()) if (HEALTH_RANK[h.status] > HEALTH_RANK[health]) health = h.status;
    const last = cards.reduce<CallCard | undefined>((a, c) => (!a || c.createdAtMs >= a.createdAtMs ? c : a), undefined);
    const alerts: string[] = [];
    if (unanswered >= this.#options.alertUnanswered) alerts.push('unanswered');
    if (cards.some((c) => c.feedback?.kind === 'wrong' || c.removedCount > 0)) alerts.push('flagged');
    if (health !== 'ok' && this.state !== 'ended') alerts.push('health');
    const number = this.customer?.number ?? (customerP ? userPart(customerP.aor) : undefined);
    return {
      callId: this.callId,
      state: this.state,
      startedAtMs: this.startedAtMs,
      ...(this.endedAtMs !== undefined && { endedAtMs: this.endedAtMs }),
      ...(this.language && { language: this.language }),
      ...(this.source && { source: this.source }),
      callMs: this.#positionMs,
      ...(agent && { agent: { aor: agent.aor, ...(agent.name && { name: agent.name }) } }),
      customer: {
        ...((this.customer?.name ?? customerP?.name) && { name: this.customer?.name ?? customerP?.name }),
        ...(number && { number }),
        ...(this.customer?.company && { company: this.customer.company }),
      },
      objectionsRaised: raised,
      objectionsUnanswered: unanswered,
      cardsShown: cards.length,
      cardsFlagged: flagged,
      ...(last && { lastCard: {
        cardId: last.cardId, objectionClass: last.objectionClass, confidence: last.confidence, status: last.status,
        text: last.text.length > 140 ? `${last.text.slice(0, 139)}…` : last.text,
      } }),
      health,
      alerts,
    };
  }

  /** Everything needed to draw the call view. */
  snapshot(): CallSnapshot {
    return {
      summary: this.summary(),
      participants: this.participants,
      ...(this.customer && { customer: this.customer }),
      transcript: [...this.#finals],
      interims: [...this.#interims.values()],
      objections: [...this.#objections.values()],
      cards: [...this.#cards.values()].sort((a, b) => b.createdAtMs - a.createdAtMs),
      ledger: [...this.#ledger.values()].sort((a, b) => a.raisedMs - b.raisedMs),
      health: [...this.#health.values()],
    };
  }
}

/** `sip:+4520123456@example.com;user=phone` → `+4520123456`. */
export function userPart(aor: string): string {
  const bare = aor.replace(/^(sips?|tel):/i, '').split(';')[0];
  return bare.split('@')[0];
}
