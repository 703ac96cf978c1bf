import type { Logger } from 'pino';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { InvalidStateError } from '../core/errors.js';
import type { ObjectionClass } from '../assist/ports.js';
import type { Card } from '../assist/cards/card.js';
import { stageLatencies, type StageLatencies } from '../assist/cards/card-latency.js';
import { AnswerJudge, type TermSet } from './answer-judge.js';
import type { FeedbackKind, LedgerEntry } from './call-events.js';

/**
 * The objection ledger of one call (DESIGN.md "Ledger"): each objection's life from raised → card shown →
 * answered, or unanswered at hang-up, with the agent's feedback (used / dismissed / wrong) and each card's
 * stage timestamps for the per-stage latency export.
 *
 * "Answered" is judged from the agent's following turns (see {@link AnswerJudge} for the word rule): an
 * objection is answered by the first of the agent's next `maxAgentTurns` final utterances (default 3) that
 * starts after the objection began, ends within `answerWindowMs` (default 30 s) of the objection's end, and
 * speaks to it: it shares a number (two digits or more) with the card's cited facts, or two words with the
 * customer's words and the cited facts (one may be a topic word of the class), or uses two topic words of
 * the class. "used" feedback also counts as answered
 * (`answeredBy: 'feedback'`). A withdrawn objection (the detector changed its mind) is never unanswered.
 * `close()` (hang-up) marks every open objection unanswered, once.
 */

/** Ledger state of an objection. */
export type ObjectionLedgerState = 'raised' | 'card_shown' | 'answered' | 'unanswered' | 'withdrawn';

/** One objection's record. Times: `…Ms` on the call timeline (ms from call start). */
export interface ObjectionLedgerRecord {
  objectionId: string;
  objectionClass: ObjectionClass;
  language: string;
  /** The customer's words. */
  text: string;
  state: ObjectionLedgerState;
  raisedMs: number;
  /** End of the customer's utterance. */
  utteranceEndMs: number;
  cardId?: string;
  cardShownMs?: number;
  answeredMs?: number;
  answeredBy?: 'speech' | 'feedback';
  /** Terms of the agent's answer that matched (stems, `c:` concepts, `n:` numbers). */
  matchedTerms?: string[];
  /** Agent final utterances seen since the objection (up to `maxAgentTurns`). */
  agentTurnsSeen: number;
  feedback: Array<{ kind: FeedbackKind; atMs: number; by: string }>;
  /** The card's cited fact ids and stage latencies (last known card state). */
  cited: string[];
  latency?: StageLatencies;
  stages?: Card['stages'];
}

/** Options for {@link ObjectionLedger}. */
export interface ObjectionLedgerOptions {
  callId: string;
  /** Agent turns that may answer an objection. Default 3. */
  maxAgentTurns?: number;
  /** How long after the objection's utterance an answer counts, in ms. Default 30000. */
  answerWindowMs?: number;
  judge?: AnswerJudge;
  logger?: Logger;
}

/** Ledger events: each change of a record (a copy), and `close` once with the reason. */
export type ObjectionLedgerEvents = {
  change: [ObjectionLedgerRecord];
  close: [string];
};

interface Tracked {
  record: ObjectionLedgerRecord;
  key: TermSet;
  factNumbers: Set<string>;
}

/** The ledger of one call. */
export class ObjectionLedger extends EnhancedEmitter<ObjectionLedgerEvents> {
  readonly callId: string;
  readonly #o: Required<Omit<ObjectionLedgerOptions, 'logger' | 'callId'>>;
  readonly #items = new Map<string, Tracked>();
  #closed?: string;

  constructor(options: ObjectionLedgerOptions) {
    super(options.logger);
    this.callId = options.callId;
    this.#o = { maxAgentTurns: 3, answerWindowMs: 30_000, judge: options.judge ?? new AnswerJudge(), ...stripUndefined(options) } as Required<Omit<ObjectionLedgerOptions, 'logger' | 'callId'>>;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`ledger of call ${this.callId} is closed (${this.#closed})`);
  }

  #emit(t: Tracked): void {
    this.safeEmit('change', structuredClone(t.record));
  }

  /** Records a raised objection (idempotent per id). `startMs`/`endMs`: the utterance on the call timeline. */
  raise(o: { objectionId: string; objectionClass: ObjectionClass; language: string; text: string; startMs: number; endMs: number }): void {
    this.#assertOpen();
    if (this.#items.has(o.objectionId)) return;
    const t: Tracked = {
      record: { objectionId: o.objectionId, objectionClass: o.objectionClass, language: o.language, text: o.text, state: 'raised', raisedMs: o.startMs, utteranceEndMs: o.endMs, agentTurnsSeen: 0, feedback: [], cited: [] },
      key: this.#o.judge.termsOf([o.text], o.language),
      factNumbers: new Set(),
    };
    this.#items.set(o.objectionId, t);
    this.#emit(t);
  }

  /** The detector changed the class or text of an open objection. */
  update(objectionId: string, change: { objectionClass?: ObjectionClass; text?: string; endMs?: number }): void {
    const t = this.#items.get(objectionId);
    if (!t || this.#closed) return;
    if (change.objectionClass) t.record.objectionClass = change.objectionClass;
    if (change.text) { t.record.text = change.text; t.key = this.#o.judge.termsOf([change.text, ...this.#factTexts(t)], t.record.language); }
    if (change.endMs !== undefined) t.record.utteranceEndMs = change.endMs;
    this.#emit(t);
  }

  /** The detector withdrew the objection. */
  withdraw(objectionId: string): void {
    const t = this.#items.get(objectionId);
    if (!t || this.#closed || t.record.state === 'answered') return;
    t.record.state = 'withdrawn';
    this.#emit(t);
  }

  #facts = new Map<string, string[]>();
  #factTexts(t: Tracked): string[] {
    return this.#facts.get(t.record.objectionId) ?? [];
  }

  /**
   * A card was pushed or changed for the objection (call with every card update). `atCallMs`: the call
   * timeline time of the push. The card's cited facts become key terms for the answer rule.
   */
  cardShown(card: Card, atCallMs: number): void {
    const t = this.#items.get(card.objectionId);
    if (!t || this.#closed) return;
    const r = t.record;
    r.cardId = card.id;
    if (r.cardShownMs === undefined) r.cardShownMs = atCallMs;
    if (r.state === 'raised') r.state = 'card_shown';
    r.cited = [...card.cited];
    r.stages = structuredClone(card.stages);
    r.latency = stageLatencies(card.stages);
    const cited = [...card.facts, ...card.calculations].filter((f) => card.cited.includes(f.id)).map((f) => f.text);
    this.#facts.set(r.objectionId, cited);
    t.key = this.#o.judge.termsOf([r.text, ...cited], r.language);
    t.factNumbers = this.#o.judge.termsOf(cited, r.language).numbers;
    this.#emit(t);
  }

  /** The agent's feedback on a card. "used" also marks the objection answered. */
  feedback(objectionId: string, f: { kind: FeedbackKind; atMs: number; by: string }, atCallMs?: number): void {
    const t = this.#items.get(objectionId);
    if (!t) return;
    t.record.feedback.push({ ...f });
    if (f.kind === 'used' && !this.#closed && (t.record.state === 'raised' || t.record.state === 'card_shown')) {
      t.record.state = 'answered';
      t.record.answeredBy = 'feedback';
      if (atCallMs !== undefined) t.record.answeredMs = atCallMs;
    }
    this.#emit(t);
  }

  /** A final utterance of the agent: judged against every open objection. */
  agentTurn(u: { text: string; startMs: number; endMs: number; language?: string }): void {
    if (this.#closed) return;
    for (const t of this.#items.values()) {
      const r = t.record;
      if (r.state !== 'raised' && r.state !== 'card_shown') continue;
      if (u.startMs < r.raisedMs || r.agentTurnsSeen >= this.#o.maxAgentTurns) continue;
      if (u.endMs - r.utteranceEndMs > this.#o.answerWindowMs) continue;
      r.agentTurnsSeen++;
      const v = this.#o.judge.speaksTo(u.text, u.language ?? r.language, r.objectionClass, t.key, t.factNumbers);
      if (v.answered) {
        r.state = 'answered';
        r.answeredBy = 'speech';
        r.answeredMs = u.endMs;
        r.matchedTerms = v.matched;
      }
      this.#emit(t);
    }
  }

  /** All records, in the order raised (copies). */
  records(): ObjectionLedgerRecord[] {
    return [...this.#items.values()].map((t) => structuredClone(t.record));
  }

  /** The records as the API's ledger entries (withdrawn objections left out). */
  entries(): LedgerEntry[] {
    return this.records().filter((r) => r.state !== 'withdrawn').map((r) => ({
      objectionId: r.objectionId, objectionClass: r.objectionClass, state: r.state as LedgerEntry['state'], raisedMs: r.raisedMs,
      ...(r.cardShownMs !== undefined ? { cardShownMs: r.cardShownMs } : {}),
      ...(r.answeredMs !== undefined ? { answeredMs: r.answeredMs } : {}),
      ...(r.cardId ? { cardId: r.cardId } : {}),
    }));
  }

  /** One row per card with its stage latencies (ms), for the per-stage latency export. */
  latencyRows(): Array<{ callId: string; objectionId: string; objectionClass: ObjectionClass } & StageLatencies> {
    return this.records().filter((r) => r.latency).map((r) => ({ callId: this.callId, objectionId: r.objectionId, objectionClass: r.objectionClass, ...r.latency }));
  }

  /**
   * Ends the ledger at hang-up: every objection still open becomes `unanswered`. Idempotent: later calls
   * return the same records and emit nothing.
   */
  close(reason = 'hang-up'): ObjectionLedgerRecord[] {
    if (this.#closed) return this.records();
    for (const t of this.#items.values()) {
      if (t.record.state === 'raised' || t.record.state === 'card_shown') {
        t.record.state = 'unanswered';
        this.#emit(t);
      }
    }
    this.#closed = reason;
    this.safeEmit('close', reason);
    return this.records();
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
