import { z } from 'zod';
import { OBJECTION_CLASSES } from '../ports.js';

/**
 * The schema of a per-language objection playbook (`config/playbooks/<lang>.yaml`). A playbook holds
 * everything language-specific that a sales team may want to edit without code: normalisation word
 * lists, competitor names, ASR misrecognitions, per-class cue patterns, negation (dismissal) frames,
 * example utterances and the reply move per class.
 *
 * Cue pattern syntax (one string; tokens separated by spaces; matched against normalised,
 * lower-case ASR text, see {@link ./cue-pattern.ts}):
 * - `word`      the token, its Snowball stem, a near miss (edit distance 1 from 7 letters, 2 from 11)
 *               or 2–3 adjacent tokens that join to it (`shift nest` → `shiftnest`)
 * - `=word`     the exact token only
 * - `word*`, `*word`, `*word*`  prefix, suffix, infix (compounds: `*behandleraftal*`)
 * - `(a|b c|d)` alternatives, each one or more tokens; a trailing `?` makes a slot optional
 * - `~` or `~N` a gap of 0–3 (0–N) tokens
 * - `^` / `$`   anchored at the first / after the last token
 * - `@competitor` any name from `competitors`; `@number` a digit token or a number word
 */

const patternString = z.string().trim().min(1);

/** A weighted cue: `p` is the pattern, `w` its weight (score points; default 1). */
export const cueSchema = z.union([
  patternString.transform((p) => ({ p, w: 1 })),
  z.object({ p: patternString, w: z.number().min(-10).max(10).default(1) }).strict(),
]);

/** Reply move for one class: what the agent does, and the question to ask when no verified fact answers. */
export const replyMoveSchema = z.object({
  /** One-line move shown on the card, e.g. "Reframe cost per employee per month, then show the payback". */
  move: z.string().min(1),
  /** A question for the agent to ask the customer when the knowledge base has no verified answer. */
  question: z.string().min(1),
}).strict();

/** One objection class (or `none`) in a playbook. */
export const classPlaybookSchema = z.object({
  /** Short definition, for people editing the file. */
  description: z.string().optional(),
  /** Weighted cue patterns; their scores add up (later matches count a little more). */
  cues: z.array(cueSchema).default([]),
  /** Topic words that a dismissal frame can rule out ("price" in "price is not the issue"). */
  topics: z.array(patternString).default([]),
  /** Phrases that explicitly rule this class out ("the price is fine", "I decide this myself"). */
  negated: z.array(patternString).default([]),
  /** Example utterances written for this playbook (nearest-neighbour evidence and a self-test). */
  examples: z.array(z.string().min(1)).default([]),
  /** Reply move; not used for `none`. */
  reply: replyMoveSchema.optional(),
}).strict();

const classKeys = [...OBJECTION_CLASSES, 'none'] as const;

/** The whole playbook file. */
export const playbookSchema = z.object({
  /** ISO 639-1 code; must match the file name (`da.yaml` → `da`). */
  language: z.string().regex(/^[a-z]{2}$/),
  /** `extend` (default) adds to the embedded default of the same language; `replace` stands alone. */
  mode: z.enum(['extend', 'replace']).default('extend'),
  /** Snowball algorithm for stemming (`danish`, `german`, `english`, …). */
  stemmer: z.string().min(1).optional(),
  /**
   * Tokens of at least this many letters also match inside longer tokens (compound heads and
   * modifiers: `budget` in `hrbudget`). 0 turns compound matching off. Default 0.
   */
  compoundMinChars: z.number().int().min(0).max(30).optional(),
  normalise: z.object({
    /** Filler tokens removed before matching (`uh`, `øh`, `äh`). */
    fillers: z.array(z.string().min(1)).default([]),
    /** Backchannel / acknowledgement tokens: an utterance of only these is never an objection. */
    backchannels: z.array(z.string().min(1)).default([]),
    /** Token rewrites applied first, e.g. `"don't": "do not"`. */
    rewrites: z.record(z.string().min(1), z.string()).default({}),
    /** Number words that `@number` matches. */
    numberWords: z.array(z.string().min(1)).default([]),
  }).strict().prefault({}),
  /** Competitor product names (as written; ASR splits and near misses are matched). */
  competitors: z.array(z.string().min(1)).default([]),
  /** Canonical term → ASR misrecognitions, e.g. `gdpr: ["gdp are"]`; each alias is rewritten to the term. */
  asrAliases: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /** Dismissal frames: a class topic next to one of these is ruled out (rule 3, negation). */
  negation: z.object({
    /** Frames after the topic: "(is|are) not the (issue|problem)". */
    after: z.array(patternString).default([]),
    /** Frames before the topic: "no problem with", "it is not the". */
    before: z.array(patternString).default([]),
    /** Largest distance in tokens between topic and frame. Default 3. */
    windowTokens: z.number().int().min(0).max(10).default(3),
  }).strict().prefault({}),
  classes: z.object(Object.fromEntries(classKeys.map((k) => [k, classPlaybookSchema.optional()])) as {
    [K in (typeof classKeys)[number]]: z.ZodOptional<typeof classPlaybookSchema>;
  }).strict(),
}).strict();

/** A validated playbook (all defaults applied). */
export type Playbook = z.infer<typeof playbookSchema>;
export type ClassPlaybook = z.infer<typeof classPlaybookSchema>;
export type Cue = z.infer<typeof cueSchema>;
export type ReplyMove = z.infer<typeof replyMoveSchema>;
