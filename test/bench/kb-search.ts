/**
 * `kb-search`: what `modsvar kb search` pays before it can answer, in a fresh process, on two folders:
 * the sample knowledge base (test/fixtures/kb) and a generated one with a few large files (three
 * ~2 MB Markdown handbooks, a 3 000-row price CSV with its sidecar, a broken DOCX). Figures per folder:
 * - `fullReadMs`: reading and parsing every file (what each search did before the parse cache);
 * - `cachedReadMs`: the same folder with the manifest's parse cache (sizes and mtimes unchanged);
 * - `warmSearchMs`: a fresh index object's ingest (manifest, vectors, lexical.json) plus one search;
 * - `touchedOneMs`: the same after one large file changed (it alone is re-read and parsed);
 * and the ratio full/cached. The generated files get an mtime an hour back (outside the racy window).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeFolder, type LoadedFolder, type ParseCache } from '../../sidecar/assist/kb/knowledge-folder.js';
import { HybridRetriever } from '../../sidecar/assist/retrieval/hybrid-retriever.js';
import { KnowledgeIndex } from '../../sidecar/assist/retrieval/knowledge-index.js';
import { LocalEmbedder } from '../../sidecar/assist/retrieval/local-embedder.js';
import { loadTermMap } from '../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../sidecar/assist/retrieval/text-analyzer.js';
import { registerBench, type Figures } from './bench-registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WORDS = 'price contract onboarding payroll export shift planning kiosk terminal support uptime employees subscription discount annual monthly integration security audit'.split(' ');

/** Writes the generated folder: the sample plus three large handbooks, a large CSV and a broken DOCX. */
function generateLargeKb(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'test/fixtures/kb'), dir, { recursive: true });
  for (let f = 0; f < 3; f++) {
    const parts: string[] = [`# Handbook ${f}\n`];
    for (let s = 0; s < 4000; s++) {
      let p = '';
      for (let w = 0; w < 60; w++) p += WORDS[(s * 7 + w * 13 + f) % WORDS.length] + (w % 12 === 11 ? '. ' : ' ');
      parts.push(`## Section ${f}-${s}\n`, p.trim() + (s % 40 === 0 ? ` [H-${f}${String(s / 40).padStart(3, '0')}]` : '') + '\n');
    }
    writeFileSync(join(dir, `handbook-${f}.md`), parts.join('\n'));
  }
  const rows = ['fact_id,item,plan,price_dkk,notes'];
  for (let i = 0; i < 3000; i++) rows.push(`R-${i},Item ${i},Plan ${i % 3},${(i % 90) + 10}.00,"Note ${WORDS[i % WORDS.length]} ${i}"`);
  writeFileSync(join(dir, 'big-prices.csv'), rows.join('\n'));
  writeFileSync(join(dir, 'big-prices.csv.kb.yaml'), 'language: en\nrows:\n  id: fact_id\n  text: "{item} ({plan}): {price_dkk} DKK. {notes}"\n');
  writeFileSync(join(dir, 'broken.docx'), 'not a zip archive');
}

function ageAll(dir: string): void {
  const t = new Date(Date.now() - 3_600_000);
  for (const f of readdirSync(dir)) utimesSync(join(dir, f), t, t);
}

const cacheOf = (kb: LoadedFolder): ParseCache => Object.fromEntries(kb.files.filter((f) => f.cache).map((f) => [f.file, f.cache!]));

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function measure(name: string, dir: string, big: string | undefined, figures: Figures): Promise<void> {
  ageAll(dir);
  const terms = loadTermMap(join(root, 'config/kb-terms.yaml'), stemAll);
  const embedder = new LocalEmbedder({ terms, dimension: 512 });
  await new KnowledgeIndex({ kbDir: dir, embedder, terms }).ingest();
  const [full, fullReadMs] = await timed(() => loadKnowledgeFolder(dir));
  const [, cachedReadMs] = await timed(() => loadKnowledgeFolder(dir, {}, cacheOf(full)));
  const search = async () => {
    const index = new KnowledgeIndex({ kbDir: dir, embedder, terms });
    const r = await index.ingest();
    await new HybridRetriever(index).search({ text: 'too expensive for us', k: 5 });
    return r;
  };
  const [warm, warmSearchMs] = await timed(search);
  figures[`${name}.files`] = full.files.length;
  figures[`${name}.fullReadMs`] = Math.round(fullReadMs);
  figures[`${name}.cachedReadMs`] = Math.round(cachedReadMs);
  figures[`${name}.fullOverCachedRatio`] = fullReadMs / Math.max(cachedReadMs, 0.01);
  figures[`${name}.warmSearchMs`] = Math.round(warmSearchMs);
  figures[`${name}.warmFilesParsed`] = warm.filesParsed;
  if (big) {
    writeFileSync(join(dir, big), '\n## Appendix\nSupport is also open on Saturdays. [H-9999]\n', { flag: 'a' });
    utimesSync(join(dir, big), new Date(), new Date(Date.now() - 60_000));
    const [touched, touchedOneMs] = await timed(search);
    figures[`${name}.touchedOneMs`] = Math.round(touchedOneMs);
    figures[`${name}.touchedFilesParsed`] = touched.filesParsed;
  }
}

registerBench({
  name: 'kb-search',
  async run() {
    const tmp = mkdtempSync(join(tmpdir(), 'kb-search-bench-'));
    try {
      const figures: Figures = {};
      cpSync(join(root, 'test/fixtures/kb'), join(tmp, 'sample'), { recursive: true });
      await measure('sample', join(tmp, 'sample'), undefined, figures);
      generateLargeKb(join(tmp, 'large'));
      await measure('large', join(tmp, 'large'), 'handbook-1.md', figures);
      return { figures };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
});
