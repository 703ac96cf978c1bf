import type { ObjectionClass, ObjectionLabel } from '../ports.js';
import { OBJECTION_CLASSES } from '../ports.js';
import { plattProbability, type CalibrationParams } from './calibration.js';
import type { CompiledPlaybook } from './compiled-playbook.js';
import { createMatchContext, matchPattern, type PatternMatch } from './cue-pattern.js';
import { dismissedClasses } from './negation.js';

/** One cue that fired: its class, pattern, weight after position weighting, and the matched words. */
export interface CueEvidence {
  label: ObjectionLabel;
  pattern: string;
  weight: number;
  /** Token indices `[start, end)` in the normalised text. */
  start: number;
  end: number;
  words: string;
}

/** What {@link ObjectionDetector.detect} returns for one utterance (or interim hypothesis). */
export interface DetectionResult {
  /** The label: an objection class or `none`. */
  label: ObjectionLabel;
  /** Calibrated probability 0–1 that `label` is right. */
  confidence: number;
  /** Raw margin in score points (chosen label's score minus the best competitor's). */
  margin: number;
  /** Score per label in score points (cues + example similarity; 0 for dismissed classes). */
  scores: Record<ObjectionLabel, number>;
  /** Classes explicitly ruled out (negation: "price is not the issue", "I decide this myself"). */
  dismissed: ObjectionClass[];
  /** Cues that fired, in text order. */
  evidence: CueEvidence[];
  /** Language of the playbook used. */
  language: string;
  /** Normalised text that was scored. */
  normalisedText: string;
  /** True when no cue was decisive and the example classifier named the class (confidence ≤ 0.8). */
  byClassifier?: boolean;
}

/** Detector settings (config `detection`). */
export interface DetectorOptions {
  /** Least score (points) an objection class needs to be chosen. Default 1.0. */
  minScore?: number;
  /** Position weighting: a cue at the end weighs (1 + w/2), at the start (1 − w/2); the "ends with" rule. Default 0.4. */
  positionWeight?: number;
  /** Points given to a class per unit of example similarity above `exampleFloor`. Default 1.5. */
  exampleWeight?: number;
  /** Example similarity (0–1) below which examples add nothing. Default 0.45. */
  exampleFloor?: number;
  /**
   * Where the cues are not decisive (no objection class reaches `minScore`, the `none` score stays below
   * 1 point), the example classifier may name an objection class if its probability reaches this (0–1). Such detections get confidence
   * 0.8 × probability, so they always show as below 0.80. Default 0.5; 1 turns the fallback off.
   */
  classifierMinProbability?: number;
  /** Language used when an utterance's language has no playbook. Default `en`. */
  fallbackLanguage?: string;
  /** Platt parameters; defaults fitted on the labelled dev set (see README "Calibration"). */
  calibration?: CalibrationParams;
}

/**
 * Default calibration: Platt parameters fitted (`modsvar eval objections FILE --fit-calibration`) on
 * independently written utterances before the playbooks were tuned on them, because the dev set is the
 * tuning set and is classified almost without error (see README.md "Calibration").
 */
export const DEFAULT_CALIBRATION: CalibrationParams = {
  objection: { a: 0.33, b: 1.3 },
  none: { a: 0.63, b: -0.85 },
};

/** The example classifier does not guess on shorter utterances (a few words without a cue are rarely an objection). */
const CLASSIFIER_MIN_TOKENS = 4;

/** The example classifier may not overrule a `none` score of this many points (a neutral question, a stall). */
const FALLBACK_MAX_NONE_SCORE = 1.0;

const EMPTY_SCORES = (): Record<ObjectionLabel, number> => ({
  price: 0, timing: 0, trust: 0, authority: 0, need: 0, competitor: 0, status_quo: 0, compliance: 0, none: 0,
});

/**
 * Classifies one customer utterance into an objection class or `none`, with a calibrated confidence.
 * Pure and synchronous (no I/O); one instance serves every call. Speaker handling (agent speech is never
 * an objection) belongs to the caller: see {@link ./objection-tracker.ts}.
 *
 * Scoring: each class sums the weights of its cues that match (a cue counts once, weighted by the
 * position of its last match), plus nearest-neighbour similarity to its examples. Classes ruled out by
 * negation score 0. The best objection class wins if it reaches `minScore` and beats the `none` score
 * (neutral questions, buying signals, backchannels).
 */
export class ObjectionDetector {
  readonly #playbooks: ReadonlyMap<string, CompiledPlaybook>;
  readonly #minScore: number;
  readonly #positionWeight: number;
  readonly #exampleWeight: number;
  readonly #exampleFloor: number;
  readonly #fallback: string;
  readonly #classifierMin: number;
  #calibration: CalibrationParams;

  constructor(playbooks: ReadonlyMap<string, CompiledPlaybook>, options: DetectorOptions = {}) {
    this.#playbooks = playbooks;
    this.#minScore = options.minScore ?? 1.0;
    this.#positionWeight = options.positionWeight ?? 0.4;
    this.#exampleWeight = options.exampleWeight ?? 1.5;
    this.#exampleFloor = options.exampleFloor ?? 0.45;
    this.#fallback = options.fallbackLanguage ?? 'en';
    this.#classifierMin = options.classifierMinProbability ?? 0.5;
    this.#calibration = options.calibration ?? DEFAULT_CALIBRATION;
  }

  /** Languages with a playbook. */
  get languages(): string[] {
    return [...this.#playbooks.keys()];
  }

  /** The playbook used for `language` (falls back to the fallback language), if any. */
  playbookFor(language: string): CompiledPlaybook | undefined {
    const base = language.toLowerCase().split(/[-_]/)[0];
    return this.#playbooks.get(base) ?? this.#playbooks.get(this.#fallback);
  }

  /** Replaces the calibration (after a refit). */
  setCalibration(c: CalibrationParams): void {
    this.#calibration = c;
  }

  /** Classifies `text` spoken in `language` (ISO 639-1, `da-DK` accepted). Never throws. */
  detect(text: string, language: string): DetectionResult {
    const pb = this.playbookFor(language);
    const scores = EMPTY_SCORES();
    if (!pb) return this.#result('none', 3, scores, [], [], language, text);
    const norm = pb.normaliser.normalise(text);
    const tokens = norm.tokens;
    if (norm.fillerOnly || tokens.length === 0) return this.#result('none', 3, scores, [], [], pb.language, norm.text);

    const n = tokens.length;
    const ctx = createMatchContext(tokens, pb.env);
    const evidence: CueEvidence[] = [];
    for (const [label, cls] of pb.classes) {
      for (const cue of cls.cues) {
        const ms = matchPattern(cue.pattern, tokens, pb.env, ctx);
        if (ms.length === 0) continue;
        const last: PatternMatch = ms[ms.length - 1];
        const pos = n <= 1 ? 1 : last.end / n;
        const w = cue.weight * (1 - this.#positionWeight / 2 + this.#positionWeight * pos);
        scores[label] += w;
        evidence.push({ label, pattern: cue.pattern.source, weight: w, start: last.start, end: last.end, words: tokens.slice(last.start, last.end).map((t) => t.text).join(' ') });
      }
    }
    if (this.#exampleWeight > 0 && pb.examples.size > 0) {
      for (const [label, sim] of pb.examples.similarities(norm.text)) {
        if (sim > this.#exampleFloor) scores[label] += (this.#exampleWeight * (sim - this.#exampleFloor)) / (1 - this.#exampleFloor);
      }
    }
    const dismissed = dismissedClasses(pb, tokens, ctx);
    for (const c of dismissed) scores[c] = 0;
    evidence.sort((a, b) => a.start - b.start);

    let best: ObjectionClass | undefined;
    let bestScore = 0;
    let second = 0;
    for (const c of OBJECTION_CLASSES) {
      const s = scores[c];
      if (s > bestScore) { second = bestScore; bestScore = s; best = c; }
      else if (s > second) second = s;
    }
    if (best && bestScore >= this.#minScore && bestScore > scores.none) {
      const margin = bestScore - Math.max(second, scores.none);
      return this.#result(best, margin, scores, dismissed, evidence, pb.language, norm.text);
    }
    const margin = Math.max(scores.none, this.#minScore) - bestScore;
    // The fallback speaks where the cues say nothing decisive: no objection class reached minScore and no
    // `none` cue of weight ≥ 1 fired (a stray topic word such as "budget" alone does not block it). Where
    // the customer ruled a class out and nothing else is left, the answer is `none` (rule 3), not a guess.
    if (scores.none < FALLBACK_MAX_NONE_SCORE && dismissed.length === 0 && this.#classifierMin < 1 && tokens.length >= CLASSIFIER_MIN_TOKENS) {
      const guess = pb.classifier.predict(tokens.map((t) => t.stem));
      if (guess && guess.label !== 'none' && guess.probability >= this.#classifierMin && !dismissed.includes(guess.label)) {
        const r = this.#result(guess.label, 0, scores, dismissed, evidence, pb.language, norm.text);
        r.confidence = Math.round(0.8 * guess.probability * 1000) / 1000;
        r.byClassifier = true;
        return r;
      }
    }
    return this.#result('none', margin, scores, dismissed, evidence, pb.language, norm.text);
  }

  #result(
    label: ObjectionLabel, margin: number, scores: Record<ObjectionLabel, number>, dismissed: ObjectionClass[],
    evidence: CueEvidence[], language: string, normalisedText: string,
  ): DetectionResult {
    const params = label === 'none' ? this.#calibration.none : this.#calibration.objection;
    const confidence = Math.round(plattProbability(params, margin) * 1000) / 1000;
    return { label, confidence, margin: Math.round(margin * 1000) / 1000, scores, dismissed, evidence, language, normalisedText };
  }
}
