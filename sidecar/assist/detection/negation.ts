import type { ObjectionClass } from '../ports.js';
import { OBJECTION_CLASSES } from '../ports.js';
import type { CompiledPlaybook } from './compiled-playbook.js';
import { createMatchContext, matchPattern, type MatchContext } from './cue-pattern.js';
import type { Token } from './text-normaliser.js';

/**
 * Negation as the objection data set defines it (decision rule 3): an objection that the customer
 * explicitly rules out does not count ("price is not the issue, it's timing", "prisen er helt okay",
 * "der Preis ist kein Problem", "I decide this myself").
 *
 * A class is ruled out when
 * - one of its `negated` phrases matches anywhere, or
 * - one of its `topics` has a dismissal frame next to it: an `after` frame starting at most
 *   `windowTokens` tokens after the topic ("price … is not the issue"), or a `before` frame ending at
 *   most `windowTokens` tokens before it ("no problem with … gdpr", "det er ikke … prisen").
 *
 * Objection cues that carry their own negation ("we don't need this", "not this quarter") are ordinary
 * cues of their class and are not affected.
 */
export function dismissedClasses(pb: CompiledPlaybook, tokens: readonly Token[], context?: MatchContext): ObjectionClass[] {
  const ctx = context ?? createMatchContext(tokens, pb.env);
  const out: ObjectionClass[] = [];
  let after: Array<{ start: number; end: number }> | undefined;
  let before: Array<{ start: number; end: number }> | undefined;
  for (const c of OBJECTION_CLASSES) {
    const cls = pb.classes.get(c);
    if (!cls) continue;
    if (cls.negated.some((p) => matchPattern(p, tokens, pb.env, ctx).length > 0)) { out.push(c); continue; }
    if (cls.topics.length === 0) continue;
    const w = pb.negationWindowTokens;
    let hit = false;
    for (const topic of cls.topics) {
      for (const m of matchPattern(topic, tokens, pb.env, ctx)) {
        after ??= pb.negationAfter.flatMap((p) => matchPattern(p, tokens, pb.env, ctx));
        before ??= pb.negationBefore.flatMap((p) => matchPattern(p, tokens, pb.env, ctx));
        if (after.some((f) => f.start >= m.end && f.start - m.end <= w) || before.some((f) => f.end <= m.start && m.start - f.end <= w)) {
          hit = true;
          break;
        }
      }
      if (hit) break;
    }
    if (hit) out.push(c);
  }
  return out;
}
