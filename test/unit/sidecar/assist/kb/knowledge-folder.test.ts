import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledgeFolder } from '../../../../../sidecar/assist/kb/knowledge-folder.js';

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
