import type { Logger } from 'pino';
import { EnhancedEmitter } from '../../core/enhanced-emitter.js';
import type { ObjectionClass } from '../ports.js';
import type { DetectionResult, ObjectionDetector } from './objection-detector.js';
import {
  DEFAULT_STABILITY, type ObjectionEvent, type ObjectionTrackerEvents, type StabilityOptions, type TranscriptInput,
} from './tracker-types.js';

/** Options for {@link ObjectionTracker}. */
export interface ObjectionTrackerOptions {
  /** The call's ID (the PBX call ID); objection ids are `<callId>:<n>`. */
  callId: string;
  detector: ObjectionDetector;
  stability?: Partial<StabilityOptions>;
  logger?: Logger;
  /** Clock in epoch ms (tests inject one). Default `Date.now`. */
  now?: () => number;
}

interface TrackedObjection {
  id: string;
  cls: ObjectionClass;
  confidence: number;
  utteranceId: string;
  participantId: string;
  streamLabel: string;
  startMs: number;
  endMs: number;
  isFinal: boolean;
  withdrawn: boolean;
}

interface UtteranceState {
  lastText: string;
  pendingLabel?: string;
  agree: number;
  lastResult?: DetectionResult;
  lastEvent?: TranscriptInput;
  lastReceivedAt: number;
  objections: TrackedObjection[];
  timer?: NodeJS.Timeout;
}

/** Score (points) under which an earlier objection of an utterance counts as no longer supported. */
const SUPPORT_MIN_SCORE = 1.0;

/**
 * Whether `earlier` (the class of a card already raised for this utterance) is still an objection of
 * its own next to the new winning class `winner`: not ruled out, scoring at least
 * {@link SUPPORT_MIN_SCORE}, and carried by cues on *other words* than the winner's cues (their token
 * spans do not overlap) worth at least {@link SUPPORT_MIN_SCORE}. When the same words are merely read
 * differently as the utterance grows ("honestly that is more" → need, "… more than we pay" → price),
 * it is one objection re-classified, not two.
 */
export function separatelySupported(r: DetectionResult, earlier: ObjectionClass, winner: ObjectionClass): boolean {
  if (r.dismissed.includes(earlier) || r.scores[earlier] < SUPPORT_MIN_SCORE) return false;
  const winnerSpans = r.evidence.filter((e) => e.label === winner);
  let own = 0;
  for (const e of r.evidence) {
    if (e.label !== earlier) continue;
    if (winnerSpans.some((w) => e.start < w.end && w.start < e.end)) continue;
    own += e.weight;
  }
  return own >= SUPPORT_MIN_SCORE;
}

/**
 * Watches one call's transcript and turns customer objections into card events.
 *
 * - Only `role: 'customer'` events are scored; agent, mixed and unknown streams never raise a card.
 * - Interim hypotheses are scored once they are stable: the same class on `interimAgreement`
 *   consecutive (changed) hypotheses, or a hypothesis unchanged for `interimQuietMs`. A final is always
 *   stable. An interim card needs a cue: a guess of the example classifier (no cue fired) can raise a
 *   card only from a final. So a card can appear before the customer stops talking.
 * - One objection is one card: later hypotheses and the final update it (`objection-updated`, same
 *   `objectionId`) when its confidence moves by `updateMinDelta` or its class changes because the earlier
 *   class lost its support (negation: "the price … is not the issue, it's timing") or the same words
 *   now read as another class ("that is more" → "that is more than we pay"). A different class is a
 *   second objection (`objection-raised`) only while the first is still supported by cues on other
 *   words ({@link separatelySupported}). The same class again
 *   on the stream within `mergeWindowMs` updates the earlier card instead of raising a duplicate.
 * - A final that leaves nothing (`none`), or a hypothesis that rules the class out, emits
 *   `objection-withdrawn`.
 *
 * Events: `objection-raised`, `objection-updated`, `objection-withdrawn` ({@link ObjectionEvent}, with
 * stage timestamps) and `close` once. `close(reason)` is idempotent; events pushed after it are counted
 * in `droppedAfterClose` and dropped.
 *
 * @example
 *   const t = new ObjectionTracker({ callId, detector });
 *   t.on('objection-raised', (e) => ui.showCard(e));
 *   asr.on('interim', (r) => t.push(toTranscriptInput(r)));
 */
export class ObjectionTracker extends EnhancedEmitter<ObjectionTrackerEvents> {
  readonly callId: string;
  readonly #detector: ObjectionDetector;
  readonly #opts: StabilityOptions;
  readonly #now: () => number;
  readonly #utterances = new Map<string, UtteranceState>();
  readonly #objections: TrackedObjection[] = [];
  #seq = 0;
  #closed = false;
  /** Events pushed after close. */
  droppedAfterClose = 0;
  /** Events ignored because the speaker is not the customer. */
  ignoredNonCustomer = 0;

  constructor(options: ObjectionTrackerOptions) {
    super(options.logger);
    this.callId = options.callId;
    this.#detector = options.detector;
    this.#opts = { ...DEFAULT_STABILITY, ...options.stability };
    this.#now = options.now ?? Date.now;
  }

  /** Objections raised so far (withdrawn ones included, flagged), oldest first. */
  get objections(): ReadonlyArray<Readonly<TrackedObjection>> {
    return this.#objections;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Consumes one transcript event. Never throws; malformed events are ignored with a debug log. */
  push(ev: TranscriptInput): void {
    if (this.#closed) { this.droppedAfterClose++; return; }
    if (!ev || typeof ev.text !== 'string' || typeof ev.utteranceId !== 'string') return;
    if (ev.role !== 'customer') { this.ignoredNonCustomer++; return; }
    const receivedAt = ev.receivedAtMs ?? this.#now();
    let u = this.#utterances.get(ev.utteranceId);
    if (!u) {
      u = { lastText: '', agree: 0, lastReceivedAt: receivedAt, objections: [] };
      this.#utterances.set(ev.utteranceId, u);
    }
    if (u.timer) { clearTimeout(u.timer); u.timer = undefined; }
    if (ev.type === 'final') {
      const result = this.#detector.detect(ev.text, ev.language);
      this.#decide(u, result, ev, receivedAt, true);
      this.#utterances.delete(ev.utteranceId);
      return;
    }
    const text = ev.text.trim();
    if (text === u.lastText) { this.#armQuietTimer(u); return; }
    u.lastText = text;
    if (text.split(/\s+/).filter(Boolean).length < this.#opts.interimMinWords) return;
    const result = this.#detector.detect(text, ev.language);
    // A hypothesis below the interim confidence counts as `none` for agreement, and so does a guess of the
    // example classifier: an interim card needs a complete cue ("honestly that is more" is no objection yet).
    const label = result.confidence >= this.#opts.interimMinConfidence && !result.byClassifier ? result.label : 'none';
    if (label === u.pendingLabel) u.agree++;
    else { u.pendingLabel = label; u.agree = 1; }
    u.lastResult = result;
    u.lastEvent = ev;
    u.lastReceivedAt = receivedAt;
    if (u.agree >= this.#opts.interimAgreement) this.#decide(u, result, ev, receivedAt, false);
    else this.#armQuietTimer(u);
  }

  #armQuietTimer(u: UtteranceState): void {
    if (this.#opts.interimQuietMs <= 0 || !u.lastResult || !u.lastEvent || u.timer) return;
    u.timer = setTimeout(() => {
      u.timer = undefined;
      if (this.#closed || !u.lastResult || !u.lastEvent) return;
      this.#decide(u, u.lastResult, u.lastEvent, u.lastReceivedAt, false);
    }, this.#opts.interimQuietMs);
    u.timer.unref?.();
  }

  #decide(u: UtteranceState, r: DetectionResult, ev: TranscriptInput, receivedAt: number, isFinal: boolean): void {
    const live = u.objections.filter((o) => !o.withdrawn);
    const minConf = isFinal ? this.#opts.minConfidence : this.#opts.interimMinConfidence;
    if (r.label === 'none' || r.confidence < minConf || (!isFinal && r.byClassifier)) {
      for (const o of live) {
        const ruledOut = r.dismissed.includes(o.cls);
        if ((isFinal && r.label === 'none') || ruledOut) {
          o.withdrawn = true;
          this.#emit('objection-withdrawn', o, r, ev, receivedAt, isFinal);
        }
      }
      return;
    }
    const cls = r.label;
    const same = live.find((o) => o.cls === cls);
    if (same) {
      if (Math.abs(r.confidence - same.confidence) >= this.#opts.updateMinDelta || (isFinal && !same.isFinal)) {
        this.#apply(same, r, ev, isFinal);
        this.#emit('objection-updated', same, r, ev, receivedAt, isFinal);
      }
      return;
    }
    const latest = live[live.length - 1];
    if (latest && !separatelySupported(r, latest.cls, cls)) {
      const previousClass = latest.cls;
      latest.cls = cls;
      this.#apply(latest, r, ev, isFinal);
      this.#emit('objection-updated', latest, r, ev, receivedAt, isFinal, previousClass);
      return;
    }
    if (!latest) {
      const recent = this.#objections.find((o) => !o.withdrawn && o.cls === cls && o.streamLabel === ev.streamLabel
        && o.utteranceId !== ev.utteranceId && ev.startMs - o.endMs <= this.#opts.mergeWindowMs && ev.startMs >= o.startMs);
      if (recent) {
        recent.utteranceId = ev.utteranceId;
        this.#apply(recent, r, ev, isFinal);
        u.objections.push(recent);
        this.#emit('objection-updated', recent, r, ev, receivedAt, isFinal);
        return;
      }
    }
    const o: TrackedObjection = {
      id: `${this.callId}:${++this.#seq}`, cls, confidence: r.confidence, utteranceId: ev.utteranceId,
      participantId: ev.participantId, streamLabel: ev.streamLabel, startMs: ev.startMs, endMs: ev.endMs, isFinal, withdrawn: false,
    };
    this.#objections.push(o);
    u.objections.push(o);
    this.#emit('objection-raised', o, r, ev, receivedAt, isFinal);
  }

  #apply(o: TrackedObjection, r: DetectionResult, ev: TranscriptInput, isFinal: boolean): void {
    o.confidence = r.confidence;
    o.endMs = ev.endMs;
    o.isFinal = isFinal;
  }

  #emit(
    type: ObjectionEvent['type'], o: TrackedObjection, r: DetectionResult, ev: TranscriptInput, receivedAt: number,
    isFinal: boolean, previousClass?: ObjectionClass,
  ): void {
    const detectedAt = this.#now();
    const event: ObjectionEvent = {
      type, objectionId: o.id, callId: this.callId, utteranceId: ev.utteranceId, participantId: ev.participantId,
      streamLabel: ev.streamLabel, language: r.language, objectionClass: o.cls, confidence: type === 'objection-withdrawn' ? r.confidence : o.confidence,
      text: ev.text, isFinal, startMs: o.startMs, endMs: ev.endMs, detectedAt, stages: { asrAtMs: receivedAt, detectedAtMs: detectedAt },
      ...(previousClass ? { previousClass } : {}),
    };
    this.safeEmit(type, event);
  }

  /** Stops the tracker: clears stability timers, emits `close` once. Idempotent. */
  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const u of this.#utterances.values()) if (u.timer) clearTimeout(u.timer);
    this.#utterances.clear();
    this.safeEmit('close', reason);
  }
}
