/**
 * Counters for the supervisor's "today" panel: cards by objection class and the agents' feedback.
 * The day is the server's local calendar day; counters restart at midnight. Survives call eviction.
 */
import type { ObjectionClass } from '../assist/ports.js';
import type { CallEvent, FeedbackKind } from './call-events.js';

/** Today's figures. `feedbackRate` = cards with any feedback ÷ cards shown (0 when none shown). */
export interface DayStatsReport {
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  calls: number;
  objectionsByClass: Partial<Record<ObjectionClass, number>>;
  cardsByClass: Partial<Record<ObjectionClass, number>>;
  feedback: Record<FeedbackKind, number>;
  feedbackByClass: Partial<Record<ObjectionClass, Record<FeedbackKind, number>>>;
  cardsShown: number;
  feedbackRate: number;
  /** Share of cards marked used, of all cards shown. */
  usedRate: number;
  wrongRate: number;
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const emptyFeedback = (): Record<FeedbackKind, number> => ({ used: 0, dismissed: 0, wrong: 0 });

export class DayStats {
  #day = '';
  #calls = new Set<string>();
  #objections: Partial<Record<ObjectionClass, number>> = {};
  #cards: Partial<Record<ObjectionClass, number>> = {};
  #feedback = emptyFeedback();
  #feedbackByClass: Partial<Record<ObjectionClass, Record<FeedbackKind, number>>> = {};

  #roll(nowMs: number): void {
    const day = localDay(nowMs);
    if (day === this.#day) return;
    this.#day = day;
    this.#calls = new Set();
    this.#objections = {};
    this.#cards = {};
    this.#feedback = emptyFeedback();
    this.#feedbackByClass = {};
  }

  /** Counts a published event (objections raised and not withdrawn, by their latest class; new cards; calls seen). */
  count(event: CallEvent): void {
    this.#roll(event.atMs);
    this.#calls.add(event.callId);
    if (event.type === 'objection') {
      // raised: +1; re-classified: moved to the new class; withdrawn: no longer counted
      const c = event.objection.objectionClass;
      const state = event.state ?? 'raised';
      if (state === 'raised') this.#add(c, 1);
      else if (state === 'withdrawn') this.#add(c, -1);
      else if (event.previousClass && event.previousClass !== c) { this.#add(event.previousClass, -1); this.#add(c, 1); }
    } else if (event.type === 'card.created') {
      const c = event.card.objectionClass;
      this.#cards[c] = (this.#cards[c] ?? 0) + 1;
    }
  }

  #add(cls: ObjectionClass, n: number): void {
    this.#objections[cls] = Math.max(0, (this.#objections[cls] ?? 0) + n);
  }

  /** Counts feedback; a changed verdict on the same card moves the count instead of adding one. */
  feedback(cls: ObjectionClass, kind: FeedbackKind, previous?: FeedbackKind, nowMs = Date.now()): void {
    this.#roll(nowMs);
    const byClass = (this.#feedbackByClass[cls] ??= emptyFeedback());
    if (previous) {
      this.#feedback[previous] = Math.max(0, this.#feedback[previous] - 1);
      byClass[previous] = Math.max(0, byClass[previous] - 1);
    }
    this.#feedback[kind]++;
    byClass[kind]++;
  }

  report(nowMs = Date.now()): DayStatsReport {
    this.#roll(nowMs);
    const cardsShown = Object.values(this.#cards).reduce((a, b) => a + (b ?? 0), 0);
    const given = this.#feedback.used + this.#feedback.dismissed + this.#feedback.wrong;
    const rate = (n: number) => (cardsShown ? Math.min(1, n / cardsShown) : 0);
    return {
      day: this.#day,
      calls: this.#calls.size,
      objectionsByClass: { ...this.#objections },
      cardsByClass: { ...this.#cards },
      feedback: { ...this.#feedback },
      feedbackByClass: structuredClone(this.#feedbackByClass),
      cardsShown,
      feedbackRate: rate(given),
      usedRate: rate(this.#feedback.used),
      wrongRate: rate(this.#feedback.wrong),
    };
  }
}
