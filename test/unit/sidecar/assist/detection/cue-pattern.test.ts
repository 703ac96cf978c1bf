import { describe, expect, it } from 'vitest';
import { compilePattern, matchPattern, PatternSyntaxError, type MatchEnv } from '../../../../../sidecar/assist/detection/cue-pattern.js';
import { TextNormaliser, collapseStutters } from '../../../../../sidecar/assist/detection/text-normaliser.js';

const norm = new TextNormaliser({ stemmer: 'english', fillers: ['uh', 'um'], backchannels: ['yeah', 'okay'], rewrites: { "don't": 'do not' }, asrAliases: { gdpr: ['gdp are'] } });
const env: MatchEnv = { competitors: ['shiftnest', 'timeharbor'], numberWords: new Set(['ten']), compoundMinChars: 0 };
const stem = (w: string) => norm.stem(w);
const m = (pattern: string, text: string, e: MatchEnv = env) => matchPattern(compilePattern(pattern, stem), norm.normalise(text).tokens, e);

describe('TextNormaliser', () => {
  it('lower-cases, drops punctuation and fillers, rewrites contractions and ASR aliases, collapses stutters', () => {
    const n = norm.normalise("Uh, we we DON'T think the director's gdp are, um, compliant!");
    expect(n.text).toBe('we do not think the director gdpr compliant');
    expect(n.fillerOnly).toBe(false);
    expect(norm.normalise('uh um yeah okay').fillerOnly).toBe(true);
    expect(collapseStutters(['we', 'had', 'a', 'we', 'had', 'a', 'bad', 'year'])).toEqual(['we', 'had', 'a', 'bad', 'year']);
  });
});

describe('cue patterns', () => {
  it('matches words by stem, alternatives, optional slots and gaps', () => {
    expect(m('(too|way too) expensive', 'this is way too expensive')).toEqual([{ start: 2, end: 5 }]);
    expect(m('need (it|this)', 'we do not needs this')).toEqual([{ start: 3, end: 5 }]);
    expect(m('run ~3 by (my|the)? boss', 'i will run it quickly by boss')).toEqual([{ start: 2, end: 7 }]);
    expect(m('run ~1 by boss', 'i will run it really quickly by boss')).toEqual([]);
  });

  it('joins words that ASR split and tolerates near misses of long words', () => {
    expect(m('procurement', 'it goes to pro cure meant')).toEqual([{ start: 3, end: 6 }]);
    expect(m('@competitor', 'we talk to shift nest and time harbour')).toEqual([{ start: 3, end: 5 }, { start: 6, end: 8 }]);
    expect(m('certification', 'do you have certifcation')).toEqual([{ start: 3, end: 4 }]);
    expect(m('downtime', 'in their own time')).toEqual([]);
  });

  it('supports prefix, suffix, infix, exact terms, numbers and anchors', () => {
    expect(m('budget*', 'the budgetary freeze')).toEqual([{ start: 1, end: 2 }]);
    expect(m('*aftale', 'har i en databehandleraftale')).toEqual([{ start: 3, end: 4 }]);
    expect(m('*behandler*', 'databehandleraftalen')).toEqual([{ start: 0, end: 1 }]);
    expect(m('=timing', 'take your time')).toEqual([]);
    expect(m('only @number people', 'we are only ten people')).toEqual([{ start: 2, end: 5 }]);
    expect(m('^how much', 'so how much is it')).toEqual([]);
    expect(m('it$', 'so how much is it')).toEqual([{ start: 4, end: 5 }]);
  });

  it('matches compound parts when compoundMinChars is set', () => {
    const da = { ...env, compoundMinChars: 6 };
    expect(m('budget', 'budgetmødet', da)).toEqual([{ start: 0, end: 1 }]);
    expect(m('budget', 'budgetmødet', env)).toEqual([]);
    expect(m('betriebsrat*', 'der betriebs rat sagt', da)).toEqual([{ start: 1, end: 3 }]);
  });

  it('rejects malformed patterns with code PLAYBOOK_BAD_PATTERN', () => {
    for (const bad of ['(a|b', 'a | b', '(a|)', '@nothing', '(a (b))', '~']) {
      expect(() => compilePattern(bad, stem), bad).toThrow(PatternSyntaxError);
    }
    try { compilePattern('(a', stem); } catch (e) { expect((e as PatternSyntaxError).code).toBe('PLAYBOOK_BAD_PATTERN'); }
  });
});
