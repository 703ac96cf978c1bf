import type { LedgerEntry } from '../calls/call-events.js';
import type { ObjectionClass } from './ports.js';

/**
 * One call's objection ledger (DESIGN.md "Ledger"): each objection's life raised → card shown → answered
 * (the agent spoke to it, or used the card) or unanswered at hang-up. Pure state: every change returns
 * the entry to publish (a `ledger` call event), or undefined when nothing changed.
 *
 * Answered rule: an agent's final utterance of at least `minAnswerWords` words that starts after the
 * objection's utterance began answers every open objection raised before it. "Used" feedback on the card
 * answers it too. "Wrong" and "dismissed" feedback leave the state as it is (the wall counts them as
 * flagged cards).
 */
export class ObjectionLedger {
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #minAnswerWords: number;
  #closed = false;

  /** @param minAnswerWords shortest agent turn (words) that counts as answering; default 4 ("Right, I see." does not). */
  constructor(options: { minAnswerWords?: number } = {}) {
    this.#minAnswerWords = options.minAnswerWords ?? 4;
  }

  /** Entries in the order raised (copies). */
  get entries(): LedgerEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  /** Records a raised objection (`raisedMs` on the call timeline); a second call for the same id changes nothing. */
  raised(objectionId: string, objectionClass: ObjectionClass, raisedMs: number): LedgerEntry | undefined {
    if (this.#closed || this.#entries.has(objectionId)) return undefined;
    const entry: LedgerEntry = { objectionId, objectionClass, state: 'raised', raisedMs };
    this.#entries.set(objectionId, entry);
    return { ...entry };
  }

  /** The objection's class changed (the tracker re-classified it); the entry keeps its state. */
  reclassified(objectionId: string, objectionClass: ObjectionClass): LedgerEntry | undefined {
    const e = this.#entries.get(objectionId);
    if (!e || e.objectionClass === objectionClass) return undefined;
    e.objectionClass = objectionClass;
    return { ...e };
  }

  /** The card for the objection reached the agent (`atMs` on the call timeline). */
  cardShown(objectionId: string, cardId: string, atMs: number): LedgerEntry | undefined {
    const e = this.#entries.get(objectionId);
    if (!e || e.state !== 'raised') return undefined;
    e.state = 'card_shown';
    e.cardShownMs = atMs;
    e.cardId = cardId;
    return { ...e };
  }

  /** The objection was withdrawn (the final said otherwise): it leaves the ledger. */
  withdrawn(objectionId: string): boolean {
    const e = this.#entries.get(objectionId);
    if (!e || e.state === 'answered') return false;
    return this.#entries.delete(objectionId);
  }

  /** An agent's final utterance; returns the entries it answered. */
  agentSpoke(text: string, startMs: number): LedgerEntry[] {
    if (this.#closed) return [];
    if (text.trim().split(/\s+/).filter(Boolean).length < this.#minAnswerWords) return [];
    const out: LedgerEntry[] = [];
    for (const e of this.#entries.values()) {
      if ((e.state === 'raised' || e.state === 'card_shown') && startMs >= e.raisedMs) {
        e.state = 'answered';
        e.answeredMs = startMs;
        out.push({ ...e });
      }
    }
    return out;
  }

  /** The agent marked the card used: the objection counts as answered. */
  cardUsed(objectionId: string, atMs: number): LedgerEntry | undefined {
    const e = this.#entries.get(objectionId);
    if (!e || e.state === 'answered' || e.state === 'unanswered') return undefined;
    e.state = 'answered';
    e.answeredMs = atMs;
    return { ...e };
  }

  /** Hang-up: every open objection becomes unanswered; returns those entries. Idempotent. */
  close(): LedgerEntry[] {
    if (this.#closed) return [];
    this.#closed = true;
    const out: LedgerEntry[] = [];
    for (const e of this.#entries.values()) {
      if (e.state === 'raised' || e.state === 'card_shown') {
        e.state = 'unanswered';
        out.push({ ...e });
      }
    }
    return out;
  }
}
