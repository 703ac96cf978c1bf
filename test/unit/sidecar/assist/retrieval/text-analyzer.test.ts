import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTermMap, loadTermMap } from '../../../../../sidecar/assist/retrieval/term-map.js';
import { analyse, normaliseNumber, stemAll, tokenize } from '../../../../../sidecar/assist/retrieval/text-analyzer.js';

const terms = loadTermMap(fileURLToPath(new URL('../../../../../config/kb-terms.yaml', import.meta.url)), stemAll);

describe('text analysis', () => {
  it('tokenises numbers with separators and turns % into a word', () => {
    expect(tokenize("ShiftNest's price is 4.50 EUR, 1,500–2,500 EUR or 99.5%")).toEqual(['shiftnest', 'price', 'is', '4.50', 'eur', '1,500', '2,500', 'eur', 'or', '99.5', 'percent']);
    expect(['39.00', '4.50', '1,500', '1.500', '13,56', '52,000'].map(normaliseNumber)).toEqual(['39', '4.5', '1500', '1500', '13.56', '52000']);
  });

  it('finds concepts by word, stem, phrase and compound part, with numbers as digits', () => {
    const a = analyse('vores vagtplanlægningssystem er for dyrt ni og halvtreds kroner', terms, 'da');
    expect(a.language).toBe('da');
    expect(a.numbers).toEqual(['59']);
    expect(a.concepts.get('price')).toBe(1);
    expect(a.concepts.get('currency')).toBe(1);
    expect(a.concepts.get('schedule')).toBe(0.6);
    const b = analyse('who do we call when the system falls over', terms, 'en');
    expect(b.concepts.get('uptime')).toBe(1);
    expect(b.concepts.get('support')).toBe(1);
  });

  it('joins adjacent content words so that ASR-split names meet the name', () => {
    const a = analyse('we looked at time harbour and zeit kontor', terms, 'en');
    expect(a.joined).toEqual(expect.arrayContaining(['timeharbour', 'zeitkontor']));
    expect(a.concepts.has('timeharbor')).toBe(true);
    expect(a.concepts.has('zeitkontor')).toBe(true);
  });

  it('rejects a malformed term map with KB_BAD_TERMS', () => {
    expect(() => buildTermMap({ price: 'expensive' })).toThrow(expect.objectContaining({ code: 'KB_BAD_TERMS' }));
    expect(() => loadTermMap('/nonexistent/terms.yaml')).toThrow(expect.objectContaining({ code: 'KB_BAD_TERMS' }));
    expect(buildTermMap({}).lookup('price')).toBeUndefined();
  });
});

describe('ASR spellings', () => {
  it('matches misrecognised names and phrases written with number words', () => {
    const concepts = (t: string) => [...analyse(t, terms, 'en').concepts.keys()];
    expect(concepts('do you have sock two')).toContain('certification');
    expect(concepts('is it gdp are compliant')).toContain('gdpr');
    expect(concepts('we export to data lån')).toContain('payroll_systems');
    expect(concepts('it has to go through pro cure meant')).toContain('decision_makers');
    expect(analyse('isae tre fire nul to', terms, 'da').numbers).toEqual(['3402']);
  });
});

describe('phrase senses and mixed languages', () => {
  const small = buildTermMap({
    field_staff: ['beim kunden', 'on the road'],
    customers: ['kunden', 'customers'],
    onboarding: ['go live', 'rollout'],
    hosting: ['servers'],
  }, stemAll);

  it('gives the words of a matched phrase the phrase\'s concept only', () => {
    const a = analyse('die monteure sind beim kunden', small, 'de');
    expect([...a.concepts.keys()]).toEqual(['field_staff']);
    expect(a.stems).toContain('kund'); // the words still count as words
    const b = analyse('unsere kunden sind zufrieden', small, 'de');
    expect([...b.concepts.keys()]).toEqual(['customers']);
    // "live" alone is not "go live"
    expect([...analyse('data has to live on our servers', small, 'en').concepts.keys()]).toEqual(['hosting']);
    expect([...analyse('we go live in may', small, 'en').concepts.keys()]).toEqual(['onboarding']);
  });

  it('keeps the stems of each content word in the two other languages, for loanwords and names', () => {
    // Danish stemming cuts the English loanword and the product name; an English fact says "quarter", "Vagtbasen"
    const a = analyse('vagtbasen er presset det her quarter', small, 'da', { otherLanguageStems: true });
    expect(analyse('vagtbasen er presset det her quarter', small, 'da').altStems).toEqual([]);
    expect(a.stems).toEqual(['vagtbas', 'pres', 'her', 'quart']);
    expect(a.altStems).toEqual(['vagtbasen', 'presset', 'quarter']);
    // nothing is repeated, and stop words and numbers add nothing
    expect(new Set(a.altStems).size).toBe(a.altStems.length);
    expect(analyse('og 59', small, 'da', { otherLanguageStems: true }).altStems).toEqual([]);
  });
});

describe('the shipped term map bridges the product vocabulary across da/de/en', () => {
  const shared = (a: string, la: string, b: string, lb: string) => {
    const x = analyse(a, terms, la).concepts;
    return [...analyse(b, terms, lb).concepts.keys()].filter((c) => x.has(c));
  };
  it.each([
    ['data processing agreement', 'en', 'har i en databehandleraftale', 'da', 'gdpr'],
    ['Auftragsverarbeitungsvertrag', 'de', 'data processor under the GDPR', 'en', 'gdpr'],
    ['hr data must stay on our own servers', 'en', 'There is no on-premise edition', 'en', 'on_premise'],
    ['det skal ligge på vores egne servere', 'da', 'cloud-only, no on-premise', 'en', 'on_premise'],
    ['unsere stempeluhr', 'de', 'time and attendance', 'en', 'clocking'],
    ['vi laver vagtskema i hånden', 'da', 'shift planning', 'en', 'schedule'],
    ['gets a service credit', 'en', 'wir wollen eine gutschrift', 'de', 'refund'],
    ['it security insists', 'en', 'informationssicherheit', 'de', 'security'],
    ['is the company going to go bankrupt', 'en', 'Nordtid has been cash-flow positive since 2022', 'en', 'financial_stability'],
    ['15–20 hours of HR/payroll staff time', 'en', 'wir haben keinen zeitaufwand frei', 'de', 'effort'],
    ['ten percent off', 'en', 'vi vil have mængderabat', 'da', 'discount'],
  ])('%s (%s) ~ %s (%s): %s', (a, la, b, lb, concept) => {
    expect(shared(a, la, b, lb)).toContain(concept);
  });

  it('does not read "live" on its own as a go-live', () => {
    expect(analyse('hr data has to live on our servers', terms, 'en').concepts.has('onboarding')).toBe(false);
    expect(analyse('all sites were live within nine weeks', terms, 'en').concepts.has('onboarding')).toBe(true);
  });
});

describe('term map forms with hyphens and slashes', () => {
  it('match the words the tokenizer makes of them', () => {
    const m = buildTermMap({ on_premise: ['On-Premise'], support: ['24/7'], happy: ["ain't broke"] }, stemAll);
    expect(m.lookup('on premise')).toEqual(['on_premise']);
    expect(m.lookup('on-premise')).toBeUndefined();
    expect([...analyse('no on-premise edition', m, 'en').concepts.keys()]).toEqual(['on_premise']);
    expect([...analyse('support 24/7', m, 'en').concepts.keys()]).toEqual(['support']);
    expect([...analyse("if it ain't broke", m, 'en').concepts.keys()]).toEqual(['happy']);
    expect(m.maxPhraseWords).toBe(2);
  });
});
