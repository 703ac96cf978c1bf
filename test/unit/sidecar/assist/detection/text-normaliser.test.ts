import { describe, expect, it } from 'vitest';
import { TextNormaliser, collapseStutters, tokenise } from '../../../../../sidecar/assist/detection/text-normaliser.js';

describe('TextNormaliser', () => {
  const n = new TextNormaliser({
    stemmer: 'english',
    fillers: ['uh', 'um'],
    backchannels: ['yeah', 'okay'],
    rewrites: { "don't": 'do not', "it's": 'it is' },
    asrAliases: { gdpr: ['gdp are'] },
    names: ['PlanPilot', 'TimeHarbor', 'Skemaly'],
  });

  it('rewrites contractions and aliases, drops fillers and collapses stutters', () => {
    const r = n.normalise("Uh we we don't think it's GDP are compliant");
    expect(r.text).toBe('we do not think it is gdpr compliant');
    expect(r.fillerOnly).toBe(false);
    expect(r.tokens[2]).toEqual({ text: 'not', stem: 'not' });
  });

  it('joins a product name that ASR split into common words, so its parts fire no other cue', () => {
    expect(n.normalise('we see plan pilot on friday').text).toBe('we see planpilot on friday');
    expect(n.normalise('we are talking to time harbour').text).toBe('we are talking to timeharbor');
    // an exact two-token join wins over a three-token near miss ("time harbor s" is not "timeharbors")
    expect(n.normalise('we used time harbor s for years').text).toBe('we used timeharbor s for years');
    // near misses only for long names: "skema li" stays two words (the @competitor slot still matches it)
    expect(n.normalise('we looked at skema li').text).toBe('we looked at skema li');
    expect(n.normalise('a pilot plan for one site').text).toBe('a pilot plan for one site');
  });

  it('marks filler and backchannel-only turns', () => {
    expect(n.normalise('uh um yeah okay').fillerOnly).toBe(true);
    expect(n.normalise('').tokens).toEqual([]);
  });

  it('tokenises punctuation, digits and curly apostrophes', () => {
    expect(tokenise('It’s 1,500 DKK — too much!')).toEqual(["it's", '1500', 'dkk', 'too', 'much']);
    expect(collapseStutters(['we', 'had', 'a', 'we', 'had', 'a', 'deal'])).toEqual(['we', 'had', 'a', 'deal']);
  });
});
