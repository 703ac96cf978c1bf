import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMarkdown } from '../../../../../sidecar/assist/kb/markdown-reader.js';

const kb = new URL('../../../../fixtures/kb/', import.meta.url);
const read = (name: string, text?: string) =>
  readMarkdown({ bytes: text !== undefined ? Buffer.from(text) : readFileSync(new URL(name, kb)), file: name, meta: {} });

interface IndexRow { id: string; occurrences: Array<{ source: string; text: string }> }
const factIndex: IndexRow[] = readFileSync(new URL('../../../../fixtures/objections/fact-index.jsonl', import.meta.url), 'utf8')
  .trim().split('\n').map((l) => JSON.parse(l));

describe('readMarkdown on the sample knowledge base', () => {
  it('finds every tagged statement of every Markdown file, with the text the fact index gives', async () => {
    for (const file of ['product-sheet.md', 'security-compliance.md', 'faq.md', 'battlecard.md', 'case-study-fjordbageriet.md', 'case-study-hansa-kontraktlogistik.md']) {
      const parsed = await read(file);
      const expected = factIndex.flatMap((r) => r.occurrences.filter((o) => o.source === `kb/${file}`).map((o) => ({ id: r.id, text: o.text })));
      const got = parsed.facts.map((f) => ({ id: f.id, text: f.text }));
      expect(got.sort((a, b) => a.id.localeCompare(b.id) || a.text.localeCompare(b.text)))
        .toEqual(expected.sort((a, b) => a.id.localeCompare(b.id) || a.text.localeCompare(b.text)));
    }
  });

  it('keeps source, heading location, language and audience per fact', async () => {
    const sec = await read('security-compliance.md');
    const f310 = sec.facts.find((f) => f.id === 'F-310')!;
    expect(f310.source).toBe('security-compliance.md');
    expect(f310.location).toMatch(/^3\. Certifications and reports — what we do NOT have > line \d+$/);
    expect(f310.language).toBe('en');
    expect(f310.internal).toBe(false);
    expect(f310.verified).toBe(true);

    const battle = await read('battlecard.md');
    expect(battle.facts.every((f) => f.internal)).toBe(true);

    const bakery = await read('case-study-fjordbageriet.md');
    expect(bakery.facts.find((f) => f.id === 'F-017')!.language).toBe('da');
  });

  it('detects the language of each answer in a mixed FAQ and keeps the question as context', async () => {
    const faq = await read('faq.md');
    const f402 = faq.facts.find((f) => f.id === 'F-402')!;
    expect(f402.language).toBe('da');
    expect(f402.context).toBe('Dansk — Er vi overhovedet forpligtet til at registrere arbejdstid?');
    const f413 = faq.facts.find((f) => f.id === 'F-413')!;
    expect(f413.language).toBe('en');
    expect(f413.context).toBe('English — Do you have a discount for non-profit organisations?');
  });

  it('gives both ids to a statement followed by two tags, and treats (F-115) as a cross-reference', async () => {
    const faq = await read('faq.md');
    const both = faq.facts.filter((f) => f.text === 'No, Nordtid is available only as a cloud service hosted in Denmark.');
    expect(both.map((f) => f.id).sort()).toEqual(['F-025', 'F-301']);
    const battle = await read('battlecard.md');
    expect(battle.facts.some((f) => f.id === 'F-115')).toBe(false);
    expect(battle.facts.find((f) => f.id === 'F-502')!.text).toContain('(F-115)');
  });

  it('reads a battlecard table of classes and fact ids as class hints, ranges expanded', async () => {
    const battle = await read('battlecard.md');
    const classesOf = (id: string) => battle.classHints.filter((h) => h.id === id).flatMap((h) => h.classes);
    expect(classesOf('F-105')).toEqual(['price']);
    expect(classesOf('F-113')).toEqual(['price']);
    expect(classesOf('F-312')).toEqual(['compliance']);
    expect(classesOf('F-550').sort()).toEqual(['need', 'status_quo']);
  });
});

describe('readMarkdown rules', () => {
  it('drops sections marked unverified by heading or comment, and a whole document marked verified: false', async () => {
    const doc = `# Doc\n\n## Facts\n\n- Real fact. [X-1]\n\n## Plans (unverified)\n\n- Maybe later. [X-2]\n\n## Other\n\n<!-- unverified -->\n\n- Rumour. [X-3]\n\n### Sub\n\n- Still under Other. [X-4]\n\n## Back\n\n- Verified again. [X-5]\n`;
    const parsed = await read('doc.md', doc);
    expect(parsed.facts.map((f) => f.id)).toEqual(['X-1', 'X-5']);
    expect(parsed.unverifiedCount).toBe(3);
    const off = await read('doc.md', `---\nverified: false\n---\n# Doc\n\n- A fact. [X-1]\n`);
    expect(off.facts).toEqual([]);
    expect(off.unverifiedCount).toBe(1);
  });

  it('derives ids for untagged text that survive unrelated edits and change with the statement', async () => {
    const v1 = `# Notes\n\n## Support\n\nSupport answers within four hours.\n\n## Pricing\n\nPrices exclude VAT.\n`;
    const v2 = `# Notes\n\nA new introduction paragraph.\n\n## Support\n\nSupport answers within four hours.\n\n## Hosting\n\nData stays in Denmark.\n\n## Pricing\n\nPrices exclude VAT.\n`;
    const a = await read('notes.md', v1);
    const b = await read('notes.md', v2);
    const id = (p: typeof a, text: string) => p.facts.find((f) => f.text === text)!.id;
    expect(id(a, 'Support answers within four hours.')).toMatch(/^kb:notes\.md#support-[0-9a-f]{6}$/);
    expect(id(b, 'Support answers within four hours.')).toBe(id(a, 'Support answers within four hours.'));
    expect(id(b, 'Prices exclude VAT.')).toBe(id(a, 'Prices exclude VAT.'));
    const c = await read('notes.md', v1.replace('four hours', 'two hours'));
    expect(id(c, 'Support answers within two hours.')).not.toBe(id(a, 'Support answers within four hours.'));
  });

  it('applies front matter: language, internal audience, classes, tags and validity', async () => {
    const parsed = await read('x.md', `---\nlanguage: de\naudience: internal\nclasses: [price]\ntags: [rabatt]\nvalid_until: 2030-01-31\n---\n# X\n\n- Bis zu 5 % Rabatt. [V-1]\n`);
    expect(parsed.facts[0]).toMatchObject({ id: 'V-1', language: 'de', internal: true, classes: ['price'], tags: ['rabatt'], validUntil: '2030-01-31', location: 'X > line 10' });
  });

  it('rejects invalid front matter with the key named', async () => {
    await expect(read('x.md', `---\nclasses: [pricey]\n---\n# X\n`)).rejects.toMatchObject({ code: 'KB_BAD_META', message: expect.stringContaining('classes') });
  });
});
