import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledgeFolder, type LoadedFolder, type ParseCache } from '../../../../../sidecar/assist/kb/knowledge-folder.js';

const formats = fileURLToPath(new URL('../../../../fixtures/kb-formats/', import.meta.url));
const sample = fileURLToPath(new URL('../../../../fixtures/kb/', import.meta.url));
const tmp: string[] = [];
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadKnowledgeFolder on files made by LibreOffice', () => {
  it('reads a DOCX: headings as location, tagged statements, the unverified roadmap section left out', async () => {
    const kb = await loadKnowledgeFolder(formats);
    const docx = kb.files.find((f) => f.file === 'handbook.docx')!;
    expect(docx.report).toMatchObject({ status: 'added', facts: 4, unverified: 1 });
    expect(docx.occurrences.map((o) => o.id)).toEqual(['H-001', 'H-002', 'H-003', 'H-004']);
    expect(docx.occurrences[0]).toMatchObject({ text: 'A pilot site is usually live within two weeks of the kick-off meeting.', location: 'Rollout > paragraph 3', language: 'en', verified: true });
    expect(docx.occurrences[3].location).toMatch(/^Training > paragraph \d+$/);
    expect(kb.facts.has('H-090')).toBe(false);
  });

  it('reads a PDF page by page, with font-size headings as location', async () => {
    const kb = await loadKnowledgeFolder(formats);
    const pdf = kb.files.find((f) => f.file === 'datasheet.pdf')!;
    expect(pdf.occurrences.map((o) => [o.id, o.location, o.text])).toEqual([
      ['D-001', 'Kiosk terminal datasheet > page 1', 'The kiosk terminal is a 10-inch tablet with an NFC reader in a lockable wall mount.'],
      ['D-002', 'Kiosk terminal datasheet > page 1', 'It runs on mains power and keeps clock-ins for 72 hours if the network is down.'],
      ['D-003', 'Specifications > page 2', 'Operating temperature ranges from 0 to 40 degrees Celsius.'],
    ]);
  });

  it('reads an XLSX row by row through its sidecar mapping: ids, classes, validity, unverified rows', async () => {
    const kb = await loadKnowledgeFolder(formats);
    const xlsx = kb.files.find((f) => f.file === 'terminals.xlsx')!;
    expect(xlsx.report).toMatchObject({ facts: 3, unverified: 1 });
    expect(kb.facts.get('T-01')).toMatchObject({ text: 'Kiosk 10: 520 EUR. 10-inch kiosk terminal with NFC reader', location: 'row 2', classes: ['price'], validUntil: '2030-12-31', tags: ['Kiosk 10'] });
    expect(kb.facts.get('T-02')!.classes).toEqual(['price', 'timing']);
    expect(kb.facts.has('T-03')).toBe(false);
    const badge = [...kb.facts.values()].find((f) => f.text.startsWith('NFC badge pack'))!;
    expect(badge.id).toMatch(/^kb:terminals\.xlsx#row-nfc-badge-pack-[0-9a-f]{6}$/);
    expect(badge.validUntil).toBe('2020-01-31');
  });

  it('reads plain text with capitalised headings and a "# unverified" marker', async () => {
    const kb = await loadKnowledgeFolder(formats);
    const txt = kb.files.find((f) => f.file === 'support-notes.txt')!;
    expect(txt.report).toMatchObject({ facts: 2, unverified: 1 });
    expect(txt.occurrences.map((o) => o.text)).toEqual([
      'Support answers in Danish, German and English on weekdays from 8 to 17.',
      'Priority-1 incidents on Enterprise get phone support around the clock.',
    ]);
    expect(txt.occurrences[0].location).toBe('SUPPORT > line 3');
  });

  it('reports each broken file by name and reason while every other file loads', async () => {
    const kb = await loadKnowledgeFolder(formats);
    const failed = Object.fromEntries(kb.files.filter((f) => f.report.status === 'failed').map((f) => [f.file, f.report.reason]));
    expect(Object.keys(failed).sort()).toEqual(['broken.calc.yaml', 'broken.docx', 'broken.pdf']);
    expect(failed['broken.pdf']).toMatch(/^PDF: /);
    expect(failed['broken.docx']).toMatch(/^DOCX: .*zip/i);
    expect(failed['broken.calc.yaml']).toMatch(/formula "a \* b \+"/);
    expect(kb.files.filter((f) => f.report.status === 'added').map((f) => f.file).sort()).toEqual([
      'datasheet.pdf', 'handbook.docx', 'roi.calc.yaml', 'rollout-notes.md', 'support-notes.txt', 'terminals.xlsx', 'vertrieb-intern.md',
    ]);
    expect(kb.calculators.map((c) => c.spec.id)).toEqual(['C-ROI']);
  });

  it('labels files added, changed, unchanged and removed against the previous hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    writeFileSync(join(dir, 'a.md'), '# A\n\n- One. [A-1]\n');
    writeFileSync(join(dir, 'b.md'), '# B\n\n- Two. [B-1]\n');
    const first = await loadKnowledgeFolder(dir);
    const hashes = Object.fromEntries(first.files.map((f) => [f.file, f.hash]));
    writeFileSync(join(dir, 'b.md'), '# B\n\n- Two, edited. [B-1]\n');
    writeFileSync(join(dir, 'c.txt'), 'Three.\n');
    rmSync(join(dir, 'a.md'));
    writeFileSync(join(dir, 'notes.odt'), 'x');
    const second = await loadKnowledgeFolder(dir, { ...hashes, 'gone.md': 'x' });
    const status = Object.fromEntries(second.files.map((f) => [f.file, f.report.status]));
    expect(status).toEqual({ 'a.md': 'removed', 'b.md': 'changed', 'c.txt': 'added', 'gone.md': 'removed', 'notes.odt': 'skipped' });
    expect(second.files.find((f) => f.file === 'notes.odt')!.report.reason).toBe('unsupported format ".odt"');
  });

  it('merges a fact stated in several documents into one fact, the longest statement first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    cpSync(sample, dir, { recursive: true });
    const kb = await loadKnowledgeFolder(dir);
    const f407 = kb.facts.get('F-407')!;
    expect(f407.alsoIn!.length).toBe(2);
    expect([f407.source, ...f407.alsoIn!.map((o) => o.source)].sort()).toEqual(['case-study-fjordbageriet.md', 'case-study-hansa-kontraktlogistik.md', 'faq.md']);
    expect(kb.facts.get('F-105')!.source).toBe('price-list.csv');
    expect(kb.facts.get('F-105')!.classes).toEqual(['price']);
    expect(kb.facts.get('F-510')!.internal).toBe(true);
    expect(kb.facts.size).toBe(136);
  });

  it('rejects a missing folder with KB_DIR_MISSING', async () => {
    await expect(loadKnowledgeFolder('/nonexistent/kb')).rejects.toMatchObject({ code: 'KB_DIR_MISSING' });
  });
});

describe('loadKnowledgeFolder with the last read\'s parse cache', () => {
  const HOUR_MS = 3_600_000;
  /** Sets every file's mtime an hour back (a folder not written just now). */
  function age(dir: string): void {
    const t = new Date(Date.now() - HOUR_MS);
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), t, t);
  }
  const cacheOf = (kb: LoadedFolder): ParseCache => JSON.parse(JSON.stringify(Object.fromEntries(kb.files.filter((f) => f.cache).map((f) => [f.file, f.cache!]))));
  const hashesOf = (kb: LoadedFolder) => Object.fromEntries(kb.files.filter((f) => f.report.status !== 'failed').map((f) => [f.file, f.hash]));

  it('neither reads nor parses a file whose size and mtime are unchanged, and gives the same facts and reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    cpSync(sample, dir, { recursive: true });
    age(dir);
    const first = await loadKnowledgeFolder(dir);
    expect([first.filesRead, first.filesParsed]).toEqual([7, 7]);
    const again = await loadKnowledgeFolder(dir, hashesOf(first), cacheOf(first));
    expect([again.filesRead, again.filesParsed]).toEqual([0, 0]);
    expect(again.files.map((f) => [f.file, f.report.status, f.report.facts, f.report.cached])).toEqual(
      first.files.map((f) => [f.file, 'unchanged', f.report.facts, true]));
    expect([...again.facts.entries()]).toEqual([...first.facts.entries()]);
    // proof that the stamp alone decided: same size, same mtime, other bytes → the cached facts stand
    const faq = join(dir, 'faq.md');
    const st = statSync(faq);
    writeFileSync(faq, 'x'.repeat(st.size));
    utimesSync(faq, st.atime, st.mtime);
    const trusted = await loadKnowledgeFolder(dir, hashesOf(first), cacheOf(first));
    expect(trusted.files.find((f) => f.file === 'faq.md')!.report).toMatchObject({ status: 'unchanged', facts: 25, cached: true });
  });

  it('re-reads a touched file but parses only a file whose content hash changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    cpSync(sample, dir, { recursive: true });
    age(dir);
    const first = await loadKnowledgeFolder(dir);
    const later = new Date(Date.now() - HOUR_MS / 2);
    utimesSync(join(dir, 'faq.md'), later, later); // touched, same bytes
    writeFileSync(join(dir, 'battlecard.md'), '# Battlecard\n\n- Only one fact now. [F-999]\n');
    utimesSync(join(dir, 'battlecard.md'), later, later);
    writeFileSync(join(dir, 'price-list.csv.kb.yaml'), 'language: en\nrows:\n  id: fact_id\n  text: "{item}: {price_dkk} DKK"\n');
    utimesSync(join(dir, 'price-list.csv.kb.yaml'), later, later); // a changed sidecar changes its file
    const again = await loadKnowledgeFolder(dir, hashesOf(first), cacheOf(first));
    expect([again.filesRead, again.filesParsed]).toEqual([3, 2]);
    const by = Object.fromEntries(again.files.map((f) => [f.file, [f.report.status, f.report.cached ?? false]]));
    expect(by).toMatchObject({ 'faq.md': ['unchanged', true], 'battlecard.md': ['changed', false], 'price-list.csv': ['changed', false], 'product-sheet.md': ['unchanged', true] });
    expect(again.facts.get('F-999')!.text).toBe('Only one fact now.');
    expect(again.files.find((f) => f.file === 'price-list.csv')!.occurrences.find((o) => o.id === 'F-101')!.text).toBe('Basis subscription: 39.00 DKK');
    expect(again.facts.has('F-510')).toBe(false);
  });

  it('does not trust a stamp taken within the racy window of the file\'s mtime: such a file is hashed again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    writeFileSync(join(dir, 'a.md'), '# A\n\n- One. [A-1]\n');
    const first = await loadKnowledgeFolder(dir);
    // written again in the same second with the same size: size and mtime may not show it
    const st = statSync(join(dir, 'a.md'));
    writeFileSync(join(dir, 'a.md'), '# A\n\n- Two. [A-1]\n');
    utimesSync(join(dir, 'a.md'), st.atime, st.mtime);
    const again = await loadKnowledgeFolder(dir, hashesOf(first), cacheOf(first));
    expect([again.filesRead, again.filesParsed]).toEqual([1, 1]);
    expect(again.facts.get('A-1')!.text).toBe('Two.');
  });

  it('reports a file that still fails with its reason, from the cache, and parses it again once it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    cpSync(join(formats, 'broken.docx'), join(dir, 'broken.docx'));
    writeFileSync(join(dir, 'a.md'), '# A\n\n- One. [A-1]\n');
    age(dir);
    const first = await loadKnowledgeFolder(dir);
    const reason = first.files.find((f) => f.file === 'broken.docx')!.report.reason!;
    expect(reason).toMatch(/^DOCX: /);
    const again = await loadKnowledgeFolder(dir, hashesOf(first), cacheOf(first));
    expect(again.files.find((f) => f.file === 'broken.docx')!.report).toEqual({ file: 'broken.docx', status: 'failed', facts: 0, unverified: 0, reason, warnings: [], cached: true });
    expect(again.filesParsed).toBe(0);
    cpSync(join(formats, 'handbook.docx'), join(dir, 'broken.docx'));
    const fixed = await loadKnowledgeFolder(dir, hashesOf(again), cacheOf(again));
    expect(fixed.files.find((f) => f.file === 'broken.docx')!.report).toMatchObject({ status: 'added', facts: 4 });
  });

  it('parses a file whose cache entry is malformed instead of failing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    tmp.push(dir);
    writeFileSync(join(dir, 'a.md'), '# A\n\n- One. [A-1]\n');
    age(dir);
    const kb = await loadKnowledgeFolder(dir, {}, { 'a.md': { hash: 'x', stamp: null } as never });
    expect(kb.facts.get('A-1')!.text).toBe('One.');
  });
});
