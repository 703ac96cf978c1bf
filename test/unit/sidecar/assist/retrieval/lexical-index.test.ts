import { describe, expect, it } from 'vitest';
import { LexicalIndex, analysisTerms } from '../../../../../sidecar/assist/retrieval/lexical-index.js';
import { buildTermMap } from '../../../../../sidecar/assist/retrieval/term-map.js';
import { analyse, stemAll } from '../../../../../sidecar/assist/retrieval/text-analyzer.js';

const terms = buildTermMap({ price: ['price', 'pris'] }, stemAll);

describe('analysisTerms', () => {
  it('adds the other languages\' stems and joined names on the query side only', () => {
    const text = 'vagtbasen har en bedre pris';
    const query = analysisTerms(analyse(text, terms, 'da', { otherLanguageStems: true }), { query: true });
    const passage = analysisTerms(analyse(text, terms, 'da', { otherLanguageStems: true }));
    expect(query.get('w:vagtbas')).toBe(1); // Danish stem
    expect(query.get('w:vagtbasen')).toBe(1); // English/German stem: meets "Vagtbasen" in an English fact
    expect(query.get('c:price')).toBe(1.6);
    expect(passage.has('w:vagtbasen')).toBe(false);
    expect(passage.get('w:vagtbas')).toBe(1);
  });
});

describe('LexicalIndex', () => {
  it('lets a Danish query with a name find the English passage that spells it', () => {
    const index = new LexicalIndex();
    index.add(1, analysisTerms(analyse('Vagtbasen lists at about 25 DKK per user per month.', terms, 'en')));
    index.add(2, analysisTerms(analyse('Support is open Monday to Friday.', terms, 'en')));
    const hits = index.search(analysisTerms(analyse('bruger i vagtbasen', terms, 'da', { otherLanguageStems: true }), { query: true }));
    expect([...hits.keys()]).toEqual([1]);
    expect(hits.get(1)).toBeGreaterThan(0);
    expect(hits.get(1)).toBeLessThanOrEqual(1);
  });
});
