import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../../../../sidecar/assist/retrieval/local-embedder.js';
import { buildTermMap, loadTermMap } from '../../../../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../../../../sidecar/assist/retrieval/text-analyzer.js';

const terms = loadTermMap(fileURLToPath(new URL('../../../../../config/kb-terms.yaml', import.meta.url)), stemAll);
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('LocalEmbedder', () => {
  const e = new LocalEmbedder({ terms, dimension: 1024 });

  it('returns one L2-normalised vector of the declared dimension per text, deterministically', async () => {
    const [a, b, empty] = await e.embed(['Plus costs 59 DKK per employee', 'Plus costs 59 DKK per employee', '']);
    expect(a.length).toBe(1024);
    expect(Math.sqrt(a.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 5);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(empty.every((x) => x === 0)).toBe(true);
  });

  it('names itself by version and term-map hash, so a changed map rebuilds the index', () => {
    const other = new LocalEmbedder({ terms: buildTermMap({ price: ['price', 'pris'] }), dimension: 1024 });
    expect(e.name).toMatch(/^local-hash-v2\.[0-9a-f]{4}\+terms\.[0-9a-f]{8}$/);
    expect(other.name).not.toBe(e.name);
  });

  it('brings a Danish and a German objection closer to the English fact that answers it than to an unrelated one', () => {
    const priceFact = e.embedOne('Plus subscription: 59 DKK per active employee per month.', 'en');
    const hostingFact = e.embedOne('All customer data is stored in two data centres in Denmark.', 'en');
    const da = e.embedOne('plus er alt for dyrt ni og halvtreds kroner', 'da');
    const de = e.embedOne('wo werden unsere daten gespeichert', 'de');
    expect(cos(da, priceFact)).toBeGreaterThan(cos(da, hostingFact) + 0.1);
    expect(cos(de, hostingFact)).toBeGreaterThan(cos(de, priceFact) + 0.1);
  });

  it('matches a Danish compound through its parts and a name that ASR split in two', () => {
    const schedule = e.embedOne('Managers build schedules from templates.', 'en');
    const other = e.embedOne('Data is encrypted at rest.', 'en');
    const compound = e.embedOne('vagtplanlægningssystemet', 'da');
    expect(cos(compound, schedule)).toBeGreaterThan(cos(compound, other));
    const name = e.embedOne('ShiftNest hosts EU data in Ireland.', 'en');
    const split = e.embedOne('we have shift nest today', 'en');
    expect(cos(split, name)).toBeGreaterThan(cos(split, other) + 0.2);
  });

  it('rejects a dimension below 64', () => {
    expect(() => new LocalEmbedder({ terms, dimension: 8 })).toThrow(TypeError);
  });
});
