import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lexicalCacheKey, passageHash, readLexicalCache, writeLexicalCache } from '../../../../../sidecar/assist/retrieval/lexical-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lexcache-'));
  dirs.push(d);
  return d;
}

describe('lexical cache', () => {
  it('keys on the term map: the same map gives the same key, another map another one', async () => {
    const a = await lexicalCacheKey('abcd1234');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await lexicalCacheKey('abcd1234')).toBe(a);
    expect(await lexicalCacheKey('ffff0000')).not.toBe(a);
  });

  it('reads back what it wrote under the same key, entry by entry', async () => {
    const path = join(tmp(), 'lexical.json');
    const entries = new Map([
      [12, { hash: passageHash('da', 'Prisen er 39 kr.'), entry: { terms: new Map([['w:pris', 1], ['n:39', 1.5]]), names: [] } }],
      [13, { hash: passageHash('en', 'Nordtid runs in Ballerup.'), entry: { terms: new Map([['w:run', 1]]), names: ['w:nordtid', 'w:ballerup'] } }],
    ]);
    await writeLexicalCache(path, 'k1', entries);
    const back = await readLexicalCache(path, 'k1');
    expect([...back.keys()]).toEqual([12, 13]);
    expect(back.get(12)).toEqual(entries.get(12));
    expect(back.get(13)!.entry.names).toEqual(['w:nordtid', 'w:ballerup']);
    expect(back.get(13)!.entry.terms.get('w:run')).toBe(1);
  });

  it('is empty under another key, for a damaged or missing file, and skips malformed entries', async () => {
    const dir = tmp();
    const path = join(dir, 'lexical.json');
    await writeLexicalCache(path, 'k1', new Map([[1, { hash: 'h', entry: { terms: new Map([['w:a', 1]]), names: [] } }]]));
    expect((await readLexicalCache(path, 'k2')).size).toBe(0);
    expect((await readLexicalCache(join(dir, 'missing.json'), 'k1')).size).toBe(0);
    writeFileSync(path, '{"version":1,"key":"k1","passages":{"1":{"h":"h","t":[["w:a",1]],"n":[]},"2":{"h":3}');
    expect((await readLexicalCache(path, 'k1')).size).toBe(0);
    writeFileSync(path, JSON.stringify({ version: 1, key: 'k1', passages: { 1: { h: 'h', t: [['w:a', 1]], n: [] }, 2: { h: 3 } } }));
    expect([...(await readLexicalCache(path, 'k1')).keys()]).toEqual([1]);
  });

  it('hashes a passage by language and text', () => {
    expect(passageHash('da', 'pris')).not.toBe(passageHash('en', 'pris'));
    expect(passageHash('da', 'pris')).toBe(passageHash('da', 'pris'));
  });
});
