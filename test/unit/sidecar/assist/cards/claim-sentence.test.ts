import { describe, expect, it } from 'vitest';
import { claimSentence } from '../../../../../sidecar/assist/cards/claim-sentence.js';
import { F } from './nordtid-facts.js';

describe('claimSentence', () => {
  it('skips a heading-like first sentence for the one that states the figures', () => {
    const fact = 'Three-year agreement discount (Plus and Enterprise), billing annual prepaid. 15% off subscription fees for a 3-year term paid annually in advance. Cannot be combined with F-112.';
    expect(claimSentence(fact, 'en', "we'd pay the year up front and sign for three years")).toBe('15% off subscription fees for a 3-year term paid annually in advance.');
  });

  it('does not count a reference to another fact as a specific', () => {
    expect(claimSentence(F.annual.text, 'en', 'too expensive')).toBe('Annual prepayment discount: 10% off subscription fees when the year is paid in advance.');
  });

  it('passes over a short sentence without a specific, even one that repeats the customer words', () => {
    const fact = 'Onboarding included. Every customer gets a named consultant who speaks Danish, German or English.';
    expect(claimSentence(fact, 'en', 'what about onboarding')).toBe('Every customer gets a named consultant who speaks Danish, German or English.');
    expect(claimSentence('Uptime: 99.9%. Measured over each calendar month on the top plan.', 'en', 'is it reliable')).toBe('Uptime: 99.9%.');
  });

  it('prefers the sentence with more specifics, then the one that repeats the customer words', () => {
    expect(claimSentence(F.onboarding.text, 'en', 'we are a multi-country rollout')).toBe('A standard onboarding takes 4–6 weeks for up to 500 employees.');
    const fact = 'Support answers within 4 hours on weekdays. Urgent incidents get a reply within 1 hour, also at weekends.';
    expect(claimSentence(fact, 'en', 'we run shifts at weekends')).toBe('Urgent incidents get a reply within 1 hour, also at weekends.');
    expect(claimSentence(fact, 'en', 'how fast is support')).toBe('Support answers within 4 hours on weekdays.');
  });

  it('splits Danish facts by Danish rules and returns a single-sentence fact whole', () => {
    expect(claimSentence(F.registration.text, 'da', 'vi har ikke tid')).toBe(F.registration.text);
    expect(claimSentence('Vi har kunder i 3 lande.  Siden 1. juli 2024 registrerer alle arbejdstiden.', 'da', 'registrerer')).toBe('Siden 1. juli 2024 registrerer alle arbejdstiden.');
  });
});
