import { cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../../sidecar/cli/kb.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copy(fixture: string): string {
  const root = mkdtempSync(join(tmpdir(), 'kbcli-'));
  dirs.push(root);
  cpSync(fileURLToPath(new URL(`../../../fixtures/${fixture}/`, import.meta.url)), join(root, 'kb'), { recursive: true });
  return join(root, 'kb');
}

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const code = await run(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('modsvar kb', () => {
  it('ingest prints counts per file, and a second run shows every file unchanged', async () => {
    const kb = copy('kb');
    const first = await capture(['ingest', '--kb', kb]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^added +22 +0 {2}price-list\.csv$/m);
    expect(first.out).toMatch(/^added +19 +0 {2}battlecard\.md$/m);
    expect(first.out).toContain('total: 136 verified facts, 157 passages embedded, 0 file(s) failed');
    const second = await capture(['ingest', '--kb', kb]);
    expect(second.out).toMatch(/^unchanged +25 +0 {2}faq\.md$/m);
    expect(second.out).toContain('0 passages embedded');
  });

  it('ingest names a broken file and its reason, loads the rest and exits 1', async () => {
    const kb = copy('kb-formats');
    const r = await capture(['ingest', '--kb', kb]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^failed +0 +0 {2}broken\.pdf {2}— PDF: .+$/m);
    expect(r.out).toMatch(/^added +4 +1 {2}handbook\.docx$/m);
    expect(r.out).toContain('3 file(s) failed');
  });

  it('search prints the top facts best first: id, score, source and text', async () => {
    const kb = copy('kb');
    const r = await capture(['search', 'do you have soc two', '--kb', kb, '--class', 'compliance', '-k', '3']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^F-310 +0\.\d{4} {2}security-compliance\.md \(3\. Certifications and reports — what we do NOT have > line 26\) {2}No SOC 2 report/);
    const scores = lines.map((l) => Number(l.split(/\s+/)[1]));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('search filters by language and marks internal facts', async () => {
    const kb = copy('kb');
    const da = await capture(['search', 'support på dansk', '--kb', kb, '--lang', 'da', '-k', '3']);
    expect(da.out.trim().split('\n').every((l) => /faq\.md|fjordbageriet/.test(l))).toBe(true);
    const internal = await capture(['search', 'shiftnest english support', '--kb', kb, '-k', '1']);
    expect(internal.out).toMatch(/^F-513 .*battlecard\.md .*\[internal\]/);
  });

  it('search takes a language the knowledge base can hold, a region reduced to its language; any other is a usage error naming them', async () => {
    const kb = copy('kb');
    const bad = await capture(['search', 'support', '--kb', kb, '--lang', 'xx']);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('modsvar kb: unsupported language "xx" (one of da, de, en)');
    expect((await capture(['search', 'support', '--kb', kb, '--lang', 'fr'])).code).toBe(2);
    const region = await capture(['search', 'support på dansk', '--kb', kb, '--lang', 'da-DK', '-k', '2']);
    expect(region.code).toBe(0);
    expect(region.out.trim().split('\n')).toHaveLength(2);
    // German is supported but this knowledge base has no German facts: said so, with the languages it has
    const de = await capture(['search', 'Preis', '--kb', kb, '--lang', 'de']);
    expect(de.code).toBe(0);
    expect(de.err).toContain('no facts in "de" in this knowledge base (languages present: da, en)');
    expect(de.out).toBe('no facts found\n');
  });

  it('search names a file that fails once per run, marked unchanged when it still fails the same way', async () => {
    const kb = copy('kb');
    cpSync(fileURLToPath(new URL('../../../fixtures/kb-formats/broken.docx', import.meta.url)), join(kb, 'broken.docx'));
    const old = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(kb)) utimesSync(join(kb, f), old, old);
    const first = await capture(['search', 'support', '--kb', kb, '-k', '1']);
    expect(first.err.match(/broken\.docx/g)).toHaveLength(1);
    expect(first.err).toMatch(/^modsvar kb: broken\.docx not loaded: DOCX: /m);
    const second = await capture(['search', 'support', '--kb', kb, '-k', '1']);
    expect(second.err.match(/broken\.docx/g)).toHaveLength(1);
    expect(second.err).toMatch(/^modsvar kb: broken\.docx not loaded \(unchanged since the last ingest\): DOCX: /m);
    rmSync(join(kb, 'broken.docx'));
    const third = await capture(['search', 'support', '--kb', kb, '-k', '1']);
    expect(third.err).toBe('');
    expect(third.code).toBe(0);
  });

  it('rejects bad usage with exit 2 and a missing folder with exit 3', async () => {
    expect((await capture(['search', '--kb', '/tmp'])).code).toBe(2);
    expect((await capture(['search', 'x', '--class', 'pricey'])).err).toContain('unknown class "pricey"');
    expect((await capture(['frobnicate'])).code).toBe(2);
    const missing = await capture(['ingest', '--kb', '/nonexistent/kb']);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('knowledge folder not found: /nonexistent/kb');
  });
});
