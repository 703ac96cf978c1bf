import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../../sidecar/core/errors.js';
import type { Embedder } from '../../../../../sidecar/assist/ports.js';
import { HybridRetriever } from '../../../../../sidecar/assist/retrieval/hybrid-retriever.js';
import { KnowledgeIndex } from '../../../../../sidecar/assist/retrieval/knowledge-index.js';
import { LocalEmbedder } from '../../../../../sidecar/assist/retrieval/local-embedder.js';
import { OllamaEmbedder } from '../../../../../sidecar/assist/retrieval/ollama-embedder.js';
import { startOllamaServer } from '../../../../servers/ollama-server.js';
import { loadTermMap } from '../../../../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../../../../sidecar/assist/retrieval/text-analyzer.js';

const terms = loadTermMap(fileURLToPath(new URL('../../../../../config/kb-terms.yaml', import.meta.url)), stemAll);
const sample = fileURLToPath(new URL('../../../../fixtures/kb/', import.meta.url));

/** The local embedder, counting what it embeds; `down` makes it fail like an unreachable service. */
class CountingEmbedder implements Embedder {
  readonly inner: LocalEmbedder;
  readonly name: string;
  readonly dimension: number;
  embedded: string[] = [];
  down = false;
  constructor(dimension = 512, name?: string) {
    this.inner = new LocalEmbedder({ terms, dimension });
    this.name = name ?? this.inner.name;
    this.dimension = dimension;
  }
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.down) throw new ProviderError('test', 'connectivity', 'embedder unreachable');
    this.embedded.push(...texts);
    return this.inner.embed(texts);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copyKb(): string {
  const root = mkdtempSync(join(tmpdir(), 'kbi-'));
  dirs.push(root);
  cpSync(sample, join(root, 'kb'), { recursive: true });
  return join(root, 'kb');
}

describe('KnowledgeIndex', () => {
  it('loads an unchanged folder from the persisted manifest: no file read or parsed, nothing written, same facts and hits', async () => {
    const kb = copyKb();
    const old = new Date(Date.now() - 3_600_000);
    for (const f of readdirSync(kb)) utimesSync(join(kb, f), old, old);
    const first = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    expect(await first.ingest()).toMatchObject({ filesRead: 7, filesParsed: 7, saved: true, embeddedPassages: 157, analysedPassages: 157 });
    expect(existsSync(join(first.indexDir, 'lexical.json'))).toBe(true);
    const manifestMtimeMs = statSync(join(first.indexDir, 'manifest.json')).mtimeMs;
    const vectorsMtimeMs = statSync(join(first.indexDir, 'vectors.hnsw')).mtimeMs;

    const again = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    const r = await again.ingest();
    expect(r).toMatchObject({ filesRead: 0, filesParsed: 0, embeddedPassages: 0, analysedPassages: 0, saved: false, rebuilt: false, factCount: 136 });
    expect(r.reports.every((x) => x.status === 'unchanged' && x.cached === true)).toBe(true);
    expect([...again.facts.entries()]).toEqual([...first.facts.entries()]);
    expect(statSync(join(first.indexDir, 'manifest.json')).mtimeMs).toBe(manifestMtimeMs);
    expect(statSync(join(first.indexDir, 'vectors.hnsw')).mtimeMs).toBe(vectorsMtimeMs);
    const q = { text: 'do you have soc two', k: 3 };
    expect((await new HybridRetriever(again).search(q)).map((h) => [h.fact.id, h.score]))
      .toEqual((await new HybridRetriever(first).search(q)).map((h) => [h.fact.id, h.score]));

    // one changed file: only it is parsed; the manifest is rewritten with its new parse
    writeFileSync(join(kb, 'faq.md'), '\n- Support is also open on Saturdays. [F-998]\n', { flag: 'a' });
    utimesSync(join(kb, 'faq.md'), old, new Date(Date.now() - 60_000));
    const third = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    const r3 = await third.ingest();
    expect(r3).toMatchObject({ filesRead: 1, filesParsed: 1, saved: true });
    // only the changed file's passages are analysed (and embedded) again
    expect(r3.analysedPassages).toBe(r3.embeddedPassages);
    expect(r3.analysedPassages).toBeGreaterThan(20);
    expect(r3.analysedPassages).toBeLessThan(40);
    expect(third.facts.get('F-998')!.text).toBe('Support is also open on Saturdays.');
    const fourth = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    expect(await fourth.ingest()).toMatchObject({ filesRead: 0, filesParsed: 0, analysedPassages: 0, saved: false });
    expect((await new HybridRetriever(fourth).search({ text: 'open on Saturdays', k: 1 }))[0].fact.id).toBe('F-998');

    // a lexical entry that no longer describes its passage is not used: that passage is analysed again
    const lexicalPath = join(first.indexDir, 'lexical.json');
    const lexical = JSON.parse(readFileSync(lexicalPath, 'utf8'));
    const [label] = Object.keys(lexical.passages);
    lexical.passages[label] = { ...lexical.passages[label], h: 'other text', t: [['w:bogus', 1]] };
    writeFileSync(lexicalPath, JSON.stringify(lexical));
    const fifth = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    expect(await fifth.ingest()).toMatchObject({ analysedPassages: 1, saved: true });
    expect(fifth.lexical.search(new Map([['w:bogus', 1]])).size).toBe(0);
    expect(fourth.facts.get('F-998')!.text).toBe('Support is also open on Saturdays.');
  });

  it('builds the index beside the folder with a manifest of file hashes', async () => {
    const kb = copyKb();
    const e = new CountingEmbedder();
    const index = new KnowledgeIndex({ kbDir: kb, embedder: e, terms });
    const r = await index.ingest();
    expect(r).toMatchObject({ factCount: 136, embeddedPassages: 157, rebuilt: true });
    expect(index.indexDir).toBe(`${kb}.modsvar-index`);
    expect(existsSync(join(index.indexDir, 'manifest.json'))).toBe(true);
    expect(existsSync(join(index.indexDir, 'vectors.hnsw'))).toBe(true);
    expect(r.reports.map((x) => [x.file, x.status, x.facts])).toContainEqual(['price-list.csv', 'added', 22]);
  });

  it('re-embeds only the passages of a changed file, from a fresh process, keeping fact ids', async () => {
    const kb = copyKb();
    const first = new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms });
    await first.ingest();
    const idsBefore = [...first.facts.keys()].sort();

    const e = new CountingEmbedder();
    const again = new KnowledgeIndex({ kbDir: kb, embedder: e, terms });
    const unchanged = await again.ingest();
    expect(unchanged.embeddedPassages).toBe(0);
    expect(unchanged.reports.every((x) => x.status === 'unchanged')).toBe(true);
    expect([...again.facts.keys()].sort()).toEqual(idsBefore);

    writeFileSync(join(kb, 'faq.md'), `${'\n'}# Extra\n\nA brand new untagged note.\n`, { flag: 'a' });
    const changed = await again.ingest();
    expect(changed.reports.find((x) => x.file === 'faq.md')!.status).toBe('changed');
    expect(changed.embeddedPassages).toBe(25);
    expect(e.embedded.every((t) => !t.includes('Ballerup'))).toBe(true);
    expect([...again.facts.keys()].sort()).toEqual(idsBefore);
    const hits = await new HybridRetriever(again).search({ text: 'where is customer data stored', k: 3 });
    expect(hits.map((h) => h.fact.id)).toContain('F-301');
  });

  it('drops the passages of a removed file and rebuilds when the embedder changes', async () => {
    const kb = copyKb();
    await new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms }).ingest();
    rmSync(join(kb, 'battlecard.md'));
    const e = new CountingEmbedder();
    const index = new KnowledgeIndex({ kbDir: kb, embedder: e, terms });
    const r = await index.ingest();
    expect(r.reports.find((x) => x.file === 'battlecard.md')!.status).toBe('removed');
    expect(index.facts.has('F-510')).toBe(false);
    expect(index.vectors.size).toBe(157 - 19);
    expect(e.embedded).toEqual([]);

    const other = new CountingEmbedder(256, 'another-embedder');
    const rebuilt = await new KnowledgeIndex({ kbDir: kb, embedder: other, terms }).ingest();
    expect(rebuilt.rebuilt).toBe(true);
    expect(rebuilt.embeddedPassages).toBe(157 - 19);
  });

  it('keeps the previous index when the embedder is down', async () => {
    const kb = copyKb();
    const e = new CountingEmbedder();
    const index = new KnowledgeIndex({ kbDir: kb, embedder: e, terms });
    await index.ingest();
    writeFileSync(join(kb, 'new.md'), '# New\n\n- A new fact. [N-1]\n');
    e.down = true;
    await expect(index.ingest()).rejects.toMatchObject({ code: 'PROVIDER_CONNECTIVITY' });
    expect(index.facts.has('N-1')).toBe(false);
    expect(index.facts.size).toBe(136);
    e.down = false;
    const r = await index.ingest();
    expect(r.embeddedPassages).toBe(1);
    expect(index.facts.has('N-1')).toBe(true);
  });

  it('builds with the Ollama embedder against a local /api/embed server, rebuilding an index made by the local embedder', async () => {
    const kb = copyKb();
    await new KnowledgeIndex({ kbDir: kb, embedder: new CountingEmbedder(), terms }).ingest();
    const server = await startOllamaServer({ embedDimension: 48 });
    try {
      const ollama = await OllamaEmbedder.connect({ host: server.url, model: 'nomic-embed-text', batchSize: 64 });
      const index = new KnowledgeIndex({ kbDir: kb, embedder: ollama, terms });
      const r = await index.ingest();
      expect(r).toMatchObject({ rebuilt: true, embeddedPassages: 157 });
      expect(index.vectors.dimension).toBe(48);
      const embedCalls = server.requests.filter((q) => q.path === '/api/embed');
      expect(embedCalls.map((q) => (q.body as { input: string[] }).input.length)).toEqual([1, 64, 64, 29]);
      const again = await new KnowledgeIndex({ kbDir: kb, embedder: ollama, terms }).ingest();
      expect(again).toMatchObject({ rebuilt: false, embeddedPassages: 0 });
      const hits = await new HybridRetriever(index).search({ text: 'No SOC 2 report of any kind', k: 1 });
      expect(hits[0].fact.id).toBe('F-310');
    } finally {
      await server.close();
    }
  });
});

describe('KnowledgeIndex on a location it cannot write', () => {
  it('still ingests and searches in memory, and says why the index was not saved', async () => {
    const kb = copyKb();
    const blocker = join(kb, '..', 'not-a-folder');
    writeFileSync(blocker, 'a file where the index folder should be');
    const index = new KnowledgeIndex({ kbDir: kb, indexDir: join(blocker, 'index'), embedder: new CountingEmbedder(), terms });
    const r = await index.ingest();
    expect(r.persistError).toMatch(/^index not saved to .*not-a-folder\/index: /);
    expect(r.factCount).toBe(136);
    expect((await new HybridRetriever(index).search({ text: 'soc 2 report', k: 1 }))[0].fact.id).toBe('F-310');
  });
});
