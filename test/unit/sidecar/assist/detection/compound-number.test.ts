import { describe, expect, it } from 'vitest';
import { isCompoundNumber } from '../../../../../sidecar/assist/detection/compound-number.js';

describe('compound number words (@number)', () => {
  it('recognises Danish and German numbers written as one word, and nothing else', () => {
    const de = new Set(['ein', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sieben', 'acht', 'zwanzig', 'achtzig', 'sechzig', 'hundert', 'tausend']);
    const da = new Set(['en', 'to', 'tre', 'fire', 'tyve', 'firs', 'tres', 'hundrede', 'tusind']);
    for (const w of ['dreihundert', 'fünfundzwanzigtausend', 'vierundachtzig', 'siebenundzwanzigtausendeins']) expect(isCompoundNumber(w, de), w).toBe(true);
    for (const w of ['fireogfirs', 'tohundrede', 'toogtres', 'enogtyve']) expect(isCompoundNumber(w, da), w).toBe(true);
    for (const w of ['hundert', 'undzwanzig', 'dreieck', 'kundendaten', 'tidsregistrering']) expect(isCompoundNumber(w, w.startsWith('t') ? da : de), w).toBe(false);
  });
});
