import { describe, expect, it } from 'vitest';
import { extractClaims } from '../../../../../sidecar/assist/cards/claims/extract-claims.js';
import { numberWordValue, readNumberWords } from '../../../../../sidecar/assist/cards/claims/number-words.js';
import { parseDigits } from '../../../../../sidecar/assist/cards/claims/numeric-claims.js';

const strip = (text: string, language: string, competitors: string[] = []) =>
  extractClaims(text, { language, competitors }).map((c) => {
    const { text: _t, start: _s, ...rest } = c as unknown as Record<string, unknown>;
    delete rest.keys;
    return rest;
  });

describe('number words', () => {
  it('reads Danish, German and English number words and compounds', () => {
    expect(numberWordValue('femogtyve', 'da')).toBe(25);
    expect(numberWordValue('halvtreds', 'da')).toBe(50);
    expect(numberWordValue('fjorten', 'da')).toBe(14);
    expect(numberWordValue('fünfundzwanzig', 'de')).toBe(25);
    expect(numberWordValue('neuntausendeins', 'de')).toBe(9001);
    expect(numberWordValue('zweihundertfünfzig', 'de')).toBe(250);
    expect(numberWordValue('twenty-five', 'en')).toBe(25);
    expect(readNumberWords(['eleven', 'hundred', 'people'], 0, 'en')).toEqual({ value: 1100, count: 2 });
    expect(readNumberWords(['fem', 'og', 'tyve', 'dage'], 0, 'da')).toEqual({ value: 25, count: 3 });
    expect(readNumberWords(['two', 'thousand', 'five', 'hundred'], 0, 'en')).toEqual({ value: 2500, count: 4 });
  });

  it('does not read ordinary words as numbers', () => {
    expect(numberWordValue('tiden', 'da')).toBeUndefined();
    expect(numberWordValue('achten', 'de')).toBeUndefined();
    expect(numberWordValue('tone', 'en')).toBeUndefined();
  });
});

describe('digits', () => {
  it('follows the language convention for separators', () => {
    expect(parseDigits('1.234,50', 'da')).toBe(1234.5);
    expect(parseDigits('1,234.50', 'en')).toBe(1234.5);
    expect(parseDigits('52.000', 'de')).toBe(52000);
    expect(parseDigits('52,000', 'en')).toBe(52000);
    expect(parseDigits('5,20', 'de')).toBe(5.2);
    expect(parseDigits('39.00', 'en')).toBe(39);
    expect(parseDigits('13,56', 'da')).toBe(13.56);
    expect(parseDigits('10k', 'en')).toBe(10000);
  });
});

describe('extractClaims', () => {
  it('reads Danish amounts with decimal commas, procent and word durations', () => {
    expect(strip('Prisen er 1.234,50 kr. om måneden, og I får 15 procent rabat i fjorten dage.', 'da')).toEqual([
      { kind: 'money', value: 1234.5, currency: 'DKK' },
      { kind: 'percent', value: 15 },
      { kind: 'duration', value: 14, unit: 'day' },
    ]);
  });

  it('reads German euro amounts, Prozent, a city and an ordinal date as one date', () => {
    expect(strip('Das kostet 5,20 € pro Monat, fünfundzwanzig Prozent günstiger, Hosting in Frankfurt seit 1. Juli 2024.', 'de')).toEqual([
      { kind: 'money', value: 5.2, currency: 'EUR' },
      { kind: 'percent', value: 25 },
      { kind: 'location', key: 'city:frankfurt' },
      { kind: 'date', day: 1, month: 7, year: 2024 },
    ]);
  });

  it('gives both ends of a range the unit, and reads word numbers before a unit', () => {
    expect(strip('A standard onboarding takes 4–6 weeks for up to 500 employees, or two weeks with Express.', 'en')).toEqual([
      { kind: 'duration', value: 4, unit: 'week' },
      { kind: 'duration', value: 6, unit: 'week' },
      { kind: 'number', value: 500, bound: 'max' },
      { kind: 'duration', value: 2, unit: 'week' },
      { kind: 'name', key: 'express', competitor: false },
    ]);
  });

  it('normalises certifications and standards with their type', () => {
    const claims = extractClaims('We hold ISO/IEC 27001:2022, an ISAE 3402 Type II report, no SOC 2, no BSI C5, no TISAX, and sign a DPA under Art. 28 GDPR.', { language: 'en' });
    expect(claims.filter((c) => c.kind === 'standard').map((c) => (c as { key: string }).key)).toEqual([
      'ISO27001', 'ISAE3402-TYPE2', 'SOC2', 'BSI-C5', 'TISAX', 'GDPR-ART28',
    ]);
    expect(claims.filter((c) => c.kind !== 'standard')).toEqual([]);
  });

  it('finds competitor names in ASR spellings and country adjectives as locations', () => {
    expect(strip('shift nest hosts EU data in Ireland, not on Danish servers.', 'en', ['ShiftNest'])).toEqual([
      { kind: 'name', key: 'shiftnest', competitor: true },
      { kind: 'location', key: 'EU' },
      { kind: 'location', key: 'IE' },
      { kind: 'location', key: 'DK' },
    ]);
  });

  it('reads business days, weekdays and clock times in Danish', () => {
    expect(strip('Vi kan være i gang på 10 arbejdsdage, og support er åben mandag til fredag kl. 8–17.', 'da')).toEqual([
      { kind: 'duration', value: 10, unit: 'businessDay' },
      { kind: 'date', weekday: 1 },
      { kind: 'date', weekday: 5 },
      { kind: 'number', value: 8 },
      { kind: 'number', value: 17 },
    ]);
  });

  it('treats Danish "en" and German "ein" as one only before a unit, and ignores the pronoun "us"', () => {
    expect(strip('Det er en god løsning, og I kan komme i gang på en uge.', 'da')).toEqual([{ kind: 'duration', value: 1, unit: 'week' }]);
    expect(strip('Das ist ein guter Start, in einem Monat sind Sie live.', 'de')).toEqual([{ kind: 'duration', value: 1, unit: 'month' }]);
    expect(strip('Let us show you how payroll gets easier.', 'en')).toEqual([]);
  });

  it('ignores citations and parenthesised cross-references', () => {
    expect(strip('Onboarding is included (F-115) [F-033] [F-112, F-113].', 'en')).toEqual([]);
  });
});
