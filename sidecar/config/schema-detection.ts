import { z } from 'zod';

/** Objection detection (sidecar/assist/detection): playbooks, thresholds, interim stability, calibration. */
const plattSchema = z.object({
  /** Slope per score point of margin. */
  a: z.number(),
  /** Intercept. */
  b: z.number(),
}).strict();
export const detectionSchema = z.object({
  /**
   * Folder with the team's playbooks (`da.yaml`, `de.yaml`, `en.yaml`); each extends the embedded default
   * of its language (`mode: extend`) or replaces it (`mode: replace`). Unset: the embedded defaults only.
   */
  playbookDir: z.string().min(1).optional(),
  /** Least score (cue points) an objection class needs; below it the utterance is `none`. */
  minScore: z.number().positive().default(1.0),
  /** Weight of a cue's position (0 = none): later cues weigh more, so a mixed objection goes to the one it ends with. */
  positionWeight: z.number().min(0).max(1).default(0.4),
  /** Points per unit of example similarity above `exampleFloor` (nearest-neighbour over the playbook examples). */
  exampleWeight: z.number().min(0).default(1.5),
  /** Example similarity (cosine, 0–1) below which examples add nothing. */
  exampleFloor: z.number().min(0).max(0.99).default(0.45),
  /** Where no cue fires, the example classifier may name a class at this probability (0–1); 1 = off. Such cards stay below 0.80. */
  classifierMinProbability: z.number().min(0).max(1).default(0.5),
  /** Playbook language for utterances in a language without one. */
  fallbackLanguage: z.string().min(2).default('en'),
  /** Platt calibration of the confidence: P = 1/(1+exp(-(a·margin+b))); refit with `modsvar eval objections FILE --fit-calibration`. */
  calibration: z.object({
    objection: plattSchema.default({ a: 0.33, b: 1.3 }),
    none: plattSchema.default({ a: 0.63, b: -0.85 }),
  }).strict().prefault({}),
  /** When an interim hypothesis counts as stable enough to raise or update a card. */
  stability: z.object({
    /** Consecutive interim hypotheses of one utterance that must agree on the class (1 = act on the first). */
    interimAgreement: z.number().int().min(1).max(10).default(2),
    /** Or: an interim hypothesis unchanged for this long (ms) counts as stable; 0 turns the timer off. */
    interimQuietMs: z.number().int().min(0).max(5000).default(300),
    /** Interim hypotheses with fewer content words are not scored. */
    interimMinWords: z.number().int().min(1).default(2),
    /** Least confidence to raise a card from an interim hypothesis (finals use minConfidence). */
    interimMinConfidence: z.number().min(0).max(1).default(0.6),
    /** Least confidence to raise a card from a final transcript. */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** A change of confidence smaller than this does not emit objection-updated. */
    updateMinDelta: z.number().min(0).max(1).default(0.05),
    /** Same class again on the same stream within this many ms of an objection's end updates it instead of raising a new one. */
    mergeWindowMs: z.number().int().min(0).default(4000),
  }).strict().prefault({}),
}).strict().prefault({});

export type DetectionConfig = z.infer<typeof detectionSchema>;
