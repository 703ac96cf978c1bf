import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridRetriever } from '../../../../../sidecar/assist/retrieval/hybrid-retriever.js';
import { KnowledgeIndex } from '../../../../../sidecar/assist/retrieval/knowledge-index.js';
import { LocalEmbedder } from '../../../../../sidecar/assist/retrieval/local-embedder.js';
import { loadTermMap } from '../../../../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../../../../sidecar/assist/retrieval/text-analyzer.js';

const terms = loadTermMap(fileURLToPath(new URL('../../../../../config/kb-terms.yaml', import.meta.url)), stemAll);
let dir: string;
let retriever: HybridRetriever;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hyb-'));
  cpSync(fileURLToPath(new URL('../../../../fixtures/kb/', import.meta.url)), join(dir, 'kb'), { recursive: true });
  cpSync(fileURLToPath(new URL('../../../../fixtures/kb-formats/', import.meta.url)), join(dir, 'kb', 'more'), { recursive: true });
  const index = new KnowledgeIndex({ kbDir: join(dir, 'kb'), embedder: new LocalEmbedder({ terms }), terms, persist: false });
  await index.ingest();
  retriever = new HybridRetriever(index, { today: () => '2026-11-30' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ids = async (q: Parameters<HybridRetriever['search']>[0]) => (await retriever.search(q)).map((h) => h.fact.id);

describe('HybridRetriever', () => {
  it('returns k facts best first with scores in 0–1, each fact once', async () => {
    const hits = await retriever.search({ text: 'do you have a soc 2 report', k: 5 });
    expect(hits).toHaveLength(5);
    expect(hits[0].fact.id).toBe('F-310');
    for (let i = 1; i < hits.length; i++) expect(hits[i].score).toBeLessThanOrEqual(hits[i - 1].score);
    expect(hits.every((h) => h.score > 0 && h.score <= 1)).toBe(true);
    expect(new Set(hits.map((h) => h.fact.id)).size).toBe(5);
  });

  it('finds the fact by an exact number or a competitor name, also when ASR splits the name', async () => {
    expect((await ids({ text: 'iso neun tausend eins', k: 3 }))[0]).toBe('F-314');
    expect((await ids({ text: 'time harbour hosts in frankfurt', k: 3 }))[0]).toBe('F-541');
    expect(await ids({ text: 'zeit kontor terminals', k: 3 })).toContain('F-521');
  });

  it('answers a Danish objection with English facts', async () => {
    expect(await ids({ text: 'hvor bliver vores data gemt henne', k: 5, objectionClass: 'compliance' })).toContain('F-301');
  });

  it('filters by language, by class when strict, by audience, and drops expired facts', async () => {
    const da = await retriever.search({ text: 'support på dansk', k: 5, language: 'da' });
    expect(da.every((h) => h.fact.language === 'da' || h.fact.alsoIn?.some((o) => o.language === 'da'))).toBe(true);
    const strict = await retriever.search({ text: 'discount for paying up front', k: 5, objectionClass: 'price', strictClass: true });
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.every((h) => h.fact.classes.includes('price'))).toBe(true);
    const external = await retriever.search({ text: 'shiftnest support english only', k: 10, includeInternal: false });
    expect(external.some((h) => h.fact.internal)).toBe(false);
    const withInternal = await ids({ text: 'shiftnest support english only', k: 3 });
    expect(withInternal[0]).toBe('F-513');
    const badgeIds = await ids({ text: 'NFC badge pack of 50 MIFARE DESFire badges 100 EUR', k: 20 });
    expect(badgeIds).toContain('F-111');
    expect(badgeIds.filter((id) => id.startsWith('kb:more/terminals.xlsx#row-nfc-badge-pack'))).toEqual([]);
    const expiredLater = new HybridRetriever((retriever as unknown as { index: KnowledgeIndex }).index, { today: () => '2019-12-31' });
    const before = (await expiredLater.search({ text: 'NFC badge pack of 50 MIFARE DESFire badges 100 EUR', k: 20 })).map((h) => h.fact.id);
    expect(before.filter((id) => id.startsWith('kb:more/terminals.xlsx#row-nfc-badge-pack'))).toHaveLength(1);
    expect(await ids({ text: 'Kiosk 10 terminal 520 EUR', k: 5 })).toContain('T-01');
  });

  it('never returns text from an unverified section', async () => {
    const hits = await retriever.search({ text: 'SAP SuccessFactors connector planned next year', k: 20 });
    expect(hits.map((h) => h.fact.id)).not.toContain('H-090');
    expect(hits.some((h) => /planned for next year/.test(h.fact.text))).toBe(false);
  });

  it('evaluates a retrieved calculator with the caller\'s CRM record', async () => {
    const hits = await retriever.search({ text: 'return on investment savings payback', k: 3, customer: { employees: 200, fields: { hourlyCostDkk: 300 }, source: 'test' } });
    const calc = hits.find((h) => h.fact.id === 'C-ROI')!;
    expect(calc.fact.inputs!.employees).toEqual({ value: 200, unit: 'employees', from: 'crm' });
    // 2*5*52*300 - 200*59*12 = 156000 - 141600
    expect(calc.fact.text).toContain('about 14,400 DKK/year');
  });

  it('returns nothing for an empty query', async () => {
    expect(await retriever.search({ text: '   ' })).toEqual([]);
  });
});
