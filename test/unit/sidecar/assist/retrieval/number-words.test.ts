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
