import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../../sidecar/cli/eval-grounding.js';
import { scriptedChat, startOllamaServer, type OllamaServer } from '../../../servers/ollama-server.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const kb = join(root, 'test/fixtures/kb');
const dev = readFileSync(join(root, 'test/fixtures/objections/grounding-dev.jsonl'), 'utf8').trim().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'modsvar-grounding-'));
// Three items: SOC 2 style trap (gd-039, ISO 9001), a price item (gd-002) and a Danish one (gd-037).
const subset = join(dir, 'subset.jsonl');
writeFileSync(subset, `${dev.filter((l) => /"gd-(002|037|039)"/.test(l)).join('\n')}\n`);

let server: OllamaServer;
beforeAll(async () => {
  server = await startOllamaServer();
  server.chat = scriptedChat([
    { when: 'iso neun tausend eins', text: 'Wir haben keine ISO 9001 Zertifizierung [F-314]. Die ISO 9001 Zertifizierung kommt nächstes Jahr [F-314].' },
    { when: 'ten plus fifteen', text: 'Nope. [F-999] The discounts add up to 25% [F-112].' },
    { text: 'Vi sletter jeres data senest 30 dage efter kontraktens ophør [F-323].' },
  ]);
});
afterAll(async () => server.close());

function capture(): { out: () => string; restore: () => void } {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { text += String(chunk); return true; });
  return { out: () => text, restore: () => spy.mockRestore() };
}

describe('modsvar eval grounding', () => {
  it('writes one reply line per item and prints coverage for extractive cards', async () => {
    const out = join(dir, 'extractive.jsonl');
    const cap = capture();
    const code = await run([subset, '--kb', kb, '--out', out, '--json']).finally(cap.restore);
    expect(code).toBe(0);
    const report = JSON.parse(cap.out());
    expect(report.mode).toBe('extractive');
    expect(report.items).toBe(3);
    expect(report.invalidCitations).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['gd-002', 'gd-037', 'gd-039']);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['id', 'reply', 'cited', 'confidence', 'flagged', 'removed']);
      expect(l.removed).toEqual([]);
      // the reply quotes the top two facts (one sentence each); cited lists every fact the card shows
      expect([...l.reply.matchAll(/\[(F-\d+)\]/g)].map((m) => m[1])).toEqual(l.cited.slice(0, 2));
      expect(l.cited.length).toBeGreaterThan(2);
      expect(l.cited.length).toBeLessThanOrEqual(5);
    }
    expect(lines[2].cited).toContain('F-314');
  });

  it('drafts through Ollama and reports what the guard removed and invalid citations it refused', async () => {
    const out = join(dir, 'drafted.jsonl');
    const cap = capture();
    const code = await run([subset, '--kb', kb, '--out', out, '--ollama', server.url, '--model', 'llama3.2:3b', '--json']).finally(cap.restore);
    expect(code).toBe(0);
    const report = JSON.parse(cap.out());
    expect(report.mode).toBe('drafted with ollama:llama3.2:3b');
    expect(report.invalidCitations).toBe(0);
    expect(report.refusedCitations).toBe(2);
    const lines = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((l) => [l.id, l]));
    expect(lines['gd-039'].reply).toBe('Wir haben keine ISO 9001 Zertifizierung [F-314].');
    expect(lines['gd-039'].removed).toEqual(['Die ISO 9001 Zertifizierung kommt nächstes Jahr [F-314].']);
    expect(lines['gd-039'].flagged).toBe(true);
    expect(lines['gd-002'].removed).toEqual(['Nope. [F-999]', 'The discounts add up to 25% [F-112].']);
    expect(lines['gd-002'].cited).not.toContain('F-999');
  });

  it('refuses a missing file with exit code 65 and a missing argument with 2', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run([join(dir, 'nope.jsonl'), '--kb', kb])).toBe(65);
      expect(await run([])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
