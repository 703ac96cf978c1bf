import type { ObjectionLabel } from '../ports.js';
import { OBJECTION_CLASSES } from '../ports.js';
import { compilePattern, type CuePattern, type MatchEnv } from './cue-pattern.js';
import type { Playbook, ReplyMove } from './playbook-schema.js';
import { TextNormaliser, tokenise } from './text-normaliser.js';
import { ExampleModel } from './example-model.js';
import { ExampleClassifier } from './example-classifier.js';

/** Every label a detector can give: the eight objection classes and `none`. */
export const DETECTION_LABELS: readonly ObjectionLabel[] = [...OBJECTION_CLASSES, 'none'];

/** A weighted, compiled cue. */
export interface CompiledCue {
  pattern: CuePattern;
  weight: number;
}

/** One class of a compiled playbook. */
export interface CompiledClass {
  cues: CompiledCue[];
  topics: CuePattern[];
  negated: CuePattern[];
  examples: string[];
  reply?: ReplyMove;
}

/** A playbook ready for detection: patterns compiled, normaliser and example model built. */
export interface CompiledPlaybook {
  language: string;
  normaliser: TextNormaliser;
  env: MatchEnv;
  classes: Map<ObjectionLabel, CompiledClass>;
  negationAfter: CuePattern[];
  negationBefore: CuePattern[];
  negationWindowTokens: number;
  examples: ExampleModel;
  /** Logistic regression over the examples' stems, the fallback where no cue fires. */
  classifier: ExampleClassifier;
  /** The validated source playbook (merged with the default when it extends one). */
  source: Playbook;
}

/** A problem found while compiling: `path` into the playbook document (for line lookup) and a message. */
export interface PlaybookIssue {
  path: (string | number)[];
  message: string;
}

const DEFAULT_STEMMERS: Record<string, string> = { da: 'danish', de: 'german', en: 'english', sv: 'swedish', nb: 'norwegian', no: 'norwegian', nl: 'dutch', fr: 'french' };

/**
 * Compiles a validated playbook. Bad patterns are reported in `issues` (with their document path) and
 * skipped; the rest of the playbook still compiles. Never throws.
 */
export function compilePlaybook(pb: Playbook): { playbook: CompiledPlaybook; issues: PlaybookIssue[] } {
  const issues: PlaybookIssue[] = [];
  const normaliser = new TextNormaliser({
    stemmer: pb.stemmer ?? DEFAULT_STEMMERS[pb.language] ?? 'english',
    fillers: pb.normalise.fillers,
    backchannels: pb.normalise.backchannels,
    rewrites: pb.normalise.rewrites,
    asrAliases: pb.asrAliases,
    names: pb.competitors,
  });
  const stem = (w: string) => normaliser.stem(w);
  const compile = (src: string, path: (string | number)[]): CuePattern | undefined => {
    try {
      return compilePattern(src, stem);
    } catch (err) {
      issues.push({ path, message: (err as Error).message });
      return undefined;
    }
  };
  const env: MatchEnv = {
    competitors: pb.competitors.map((c) => tokenise(c).join('')).filter(Boolean),
    numberWords: new Set(pb.normalise.numberWords.map((w) => w.toLowerCase())),
    compoundMinChars: pb.compoundMinChars ?? 0,
  };
  const classes = new Map<ObjectionLabel, CompiledClass>();
  const exampleRows: Array<{ label: ObjectionLabel; text: string }> = [];
  const classifierRows: Array<{ label: ObjectionLabel; stems: string[] }> = [];
  for (const label of DETECTION_LABELS) {
    const c = pb.classes[label];
    if (!c) continue;
    const cues: CompiledCue[] = [];
    c.cues.forEach((cue, i) => {
      const pattern = compile(cue.p, ['classes', label, 'cues', i]);
      if (pattern) cues.push({ pattern, weight: cue.w });
    });
    const topics = c.topics.map((t, i) => compile(t, ['classes', label, 'topics', i])).filter((p): p is CuePattern => !!p);
    const negated = c.negated.map((t, i) => compile(t, ['classes', label, 'negated', i])).filter((p): p is CuePattern => !!p);
    classes.set(label, { cues, topics, negated, examples: c.examples, reply: c.reply });
    for (const text of c.examples) {
      const n = normaliser.normalise(text);
      exampleRows.push({ label, text: n.text });
      classifierRows.push({ label, stems: n.tokens.map((t) => t.stem) });
    }
  }
  const negationAfter = pb.negation.after.map((t, i) => compile(t, ['negation', 'after', i])).filter((p): p is CuePattern => !!p);
  const negationBefore = pb.negation.before.map((t, i) => compile(t, ['negation', 'before', i])).filter((p): p is CuePattern => !!p);
  return {
    playbook: {
      language: pb.language,
      normaliser,
      env,
      classes,
      negationAfter,
      negationBefore,
      negationWindowTokens: pb.negation.windowTokens,
      examples: new ExampleModel(exampleRows),
      classifier: new ExampleClassifier(classifierRows, { charGram: env.compoundMinChars > 0 ? 4 : 0 }),
      source: pb,
    },
    issues,
  };
}

/**
 * Merges a team's playbook into the embedded default of the same language (`mode: extend`): lists are
 * appended (cues, topics, negated, examples, competitors, fillers …), maps merged, reply moves and scalar
 * settings replaced. With `mode: replace` the team's playbook stands alone.
 */
export function mergePlaybooks(base: Playbook, extra: Playbook): Playbook {
  if (extra.mode === 'replace') return extra;
  const classes: Playbook['classes'] = { ...base.classes };
  for (const label of DETECTION_LABELS) {
    const b = base.classes[label];
    const e = extra.classes[label];
    if (!e) continue;
    if (!b) { classes[label] = e; continue; }
    classes[label] = {
      description: e.description ?? b.description,
      cues: [...b.cues, ...e.cues],
      topics: [...b.topics, ...e.topics],
      negated: [...b.negated, ...e.negated],
      examples: [...b.examples, ...e.examples],
      reply: e.reply ?? b.reply,
    };
  }
  const aliases: Record<string, string[]> = { ...base.asrAliases };
  for (const [k, v] of Object.entries(extra.asrAliases)) aliases[k] = [...(aliases[k] ?? []), ...v];
  return {
    language: base.language,
    mode: 'extend',
    stemmer: extra.stemmer ?? base.stemmer,
    compoundMinChars: extra.compoundMinChars ?? base.compoundMinChars,
    normalise: {
      fillers: [...base.normalise.fillers, ...extra.normalise.fillers],
      backchannels: [...base.normalise.backchannels, ...extra.normalise.backchannels],
      rewrites: { ...base.normalise.rewrites, ...extra.normalise.rewrites },
      numberWords: [...base.normalise.numberWords, ...extra.normalise.numberWords],
    },
    competitors: [...base.competitors, ...extra.competitors],
    asrAliases: aliases,
    negation: {
      after: [...base.negation.after, ...extra.negation.after],
      before: [...base.negation.before, ...extra.negation.before],
      windowTokens: extra.negation.windowTokens ?? base.negation.windowTokens,
    },
    classes,
  };
}
