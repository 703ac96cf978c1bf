import { describe, expect, it } from 'vitest';
import { numberWordsToDigits } from '../../../../../sidecar/assist/retrieval/number-words.js';

const n = (s: string) => numberWordsToDigits(s.split(' ')).join(' ');

describe('numberWordsToDigits', () => {
  it('reads Danish numbers, including the reversed units-og-tens and vigesimal tens', () => {
    expect(n('ni og halvtreds kroner')).toBe('59 kroner');
    expect(n('syv hundrede og halvtreds kroner for halvtreds kort')).toBe('750 kroner for 50 kort');
    expect(n('vi er tre hundrede mand')).toBe('vi er 300 mand');
    expect(n('unge under atten')).toBe('unge under 18');
  });

  it('reads German numbers, compounds and thousands', () => {
    expect(n('neunundfünfzig euro')).toBe('59 euro');
    expect(n('iso neun tausend eins')).toBe('iso 9001');
  });

  it('reads English numbers, "eleven hundred" and digit-by-digit sequences', () => {
    expect(n('like eleven hundred people')).toBe('like 1100 people');
    expect(n('iso two seven seven oh one')).toBe('iso 27701');
    expect(n('twenty five percent')).toBe('25 percent');
    expect(n('ten plus fifteen twenty five percent')).toBe('10 plus 15 25 percent');
  });

  it('leaves words that are numbers only in context alone', () => {
    expect(n('to go to a site')).toBe('to go to a site');
    expect(n('en kunde i samme branche')).toBe('en kunde i samme branche');
    expect(n('ein anderes system')).toBe('ein anderes system');
  });
});

describe('numberWordsToDigits on years and Danish compounds', () => {
  it('reads years spoken in pairs and Danish units-og-tens written as one word', () => {
    expect(n('back in twenty sixteen')).toBe('back in 2016');
    expect(n('since nineteen ninety five')).toBe('since 1995');
    expect(n('twenty twenty four')).toBe('2024');
    expect(n('fireogtyve timer')).toBe('24 timer');
  });
});

describe('numberWordsToDigits on articles and prepositions before a number', () => {
  it('keeps "a", "to", "en" as words unless a code of three or more digits follows', () => {
    expect(n('a three country rollout')).toBe('a 3 country rollout');
    expect(n('up to five hundred employees')).toBe('up to 500 employees');
    expect(n('going to three sites')).toBe('going to 3 sites');
    expect(n('a two year contract')).toBe('a 2 year contract');
    expect(n('ein drei monate')).toBe('ein 3 monate');
    // still numbers: an article before hundred, a Danish "to hundrede", and spoken codes
    expect(n('a hundred people')).toBe('100 people');
    expect(n('vi har to hundrede')).toBe('vi har 200');
    expect(n('isae tre fire nul to')).toBe('isae 3402');
    expect(n('to seven seven oh one')).toBe('27701');
  });
});
