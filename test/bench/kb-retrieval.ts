/**
 * Knowledge-base benchmarks:
 *
 * - `kb-hnsw-scale`: HNSW (hnswlib-node, cosine, M = 16) against exact search on synthetic clustered
 *   vectors at 10k and 100k facts: recall@10 of HNSW vs exact at efSearch 64 and 256, query latency
 *   p50/p99 (wall clock, and CPU time, which a busy shared machine does not inflate), build time.
 *   Env: BENCH_KB_SIZES (default `10000,100000`), BENCH_KB_DIM (default 128), BENCH_KB_EF_CONSTRUCTION
 *   (default 100; the product default is 200, slower to build, same or better recall).
 * - `kb-retrieval-latency`: the whole hybrid query (local embedding + HNSW + BM25 + fusion) on the
 *   sample knowledge base: p50/p99 per query.
 * - `kb-ingest`: ingest throughput (read + parse + embed + index) of the sample knowledge base copied
 *   20 times, in facts per second, and a no-change re-ingest.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HnswIndex } from '../../sidecar/assist/retrieval/hnsw-index.js';
import { HybridRetriever } from '../../sidecar/assist/retrieval/hybrid-retriever.js';
import { KnowledgeIndex } from '../../sidecar/assist/retrieval/knowledge-index.js';
import { LocalEmbedder } from '../../sidecar/assist/retrieval/local-embedder.js';
import { loadTermMap } from '../../sidecar/assist/retrieval/term-map.js';
import { stemAll } from '../../sidecar/assist/retrieval/text-analyzer.js';
import { registerBench, type Figures } from './bench-registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Synthetic unit vectors shaped like sentence embeddings: topics (clusters) in a low-dimensional latent
 * space (24 dims) mapped to `dim` dimensions by a fixed random projection, plus a little isotropic
 * noise. Uniform random vectors would be a needlessly hard case (no structure) that real text never is.
 */
function syntheticVectors(n: number, dim: number, seed: number, projectionSeed = 1): Float32Array[] {
  const latent = 24;
  const prand = rng(projectionSeed);
  const pgauss = () => Math.sqrt(-2 * Math.log(prand() + 1e-12)) * Math.cos(2 * Math.PI * prand());
  const projection = Array.from({ length: dim }, () => Float32Array.from({ length: latent }, pgauss));
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const crand = rng(projectionSeed + 1);
  const cgauss = () => Math.sqrt(-2 * Math.log(crand() + 1e-12)) * Math.cos(2 * Math.PI * crand());
  const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: latent }, cgauss));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * centres.length)];
    const z = Float32Array.from({ length: latent }, (_, i) => c[i] + 0.7 * gauss());
    const v = Float32Array.from({ length: dim }, (_, d) => {
      let s = 0;
      for (let i = 0; i < latent; i++) s += projection[d][i] * z[i];
      return s + 5 * gauss();
    });
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))];
}

function exactTopK(data: Float32Array[], q: Float32Array, k: number): number[] {
  const best: Array<[number, number]> = [];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    let s = 0;
    for (let d = 0; d < v.length; d++) s += v[d] * q[d];
    if (best.length < k || s > best[best.length - 1][1]) {
      best.push([i, s]);
      best.sort((a, b) => b[1] - a[1]);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b[0]);
}

registerBench({
  name: 'kb-hnsw-scale',
  async run() {
    const sizes = (process.env.BENCH_KB_SIZES ?? '10000,100000').split(',').map(Number);
    const dim = Number(process.env.BENCH_KB_DIM ?? 128);
    const efConstruction = Number(process.env.BENCH_KB_EF_CONSTRUCTION ?? 100);
    const figures: Figures = { dimension: dim, m: 16, efConstruction, k: 10, queries: 200 };
    const tmpDir = mkdtempSync(join(tmpdir(), 'kb-scale-'));
    for (const n of sizes) {
      const data = syntheticVectors(n, dim, 7);
      const queries = syntheticVectors(200, dim, 99);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const index = HnswIndex.create(dim, { m: 16, efConstruction, efSearch: 64, initialCapacity: n });
      data.forEach((v, i) => index.add(i, v));
      const buildS = (performance.now() - t0) / 1000;
      const buildCpu = process.cpuUsage(c0);
      const tmpFile = join(tmpDir, `scale-${n}.hnsw`);
      await index.save(tmpFile);
      const label = n >= 1000 ? `${n / 1000}k` : String(n);
      figures[`${label}: build s`] = Number(buildS.toFixed(1));
      figures[`${label}: build CPU s`] = Number(((buildCpu.user + buildCpu.system) / 1e6).toFixed(1));
      figures[`${label}: build vectors/s (wall)`] = Math.round(n / buildS);
      const exactMs: number[] = [];
      const truths = queries.map((q) => {
        const b = performance.now();
        const t = exactTopK(data, q, 10);
        exactMs.push(performance.now() - b);
        return t;
      });
      exactMs.sort((x, y) => x - y);
      figures[`${label}: exact search p50 ms`] = percentile(exactMs, 50);
      for (const ef of [64, 256]) {
        const probe = await HnswIndex.load(tmpFile, dim, data.map((_, i) => i), { efSearch: ef }).catch(() => undefined);
        const h = probe ?? index;
        let hit = 0;
        const hnswMs: number[] = [];
        const cpuMs: number[] = [];
        queries.forEach((q, qi) => {
          const a = performance.now();
          const c = process.cpuUsage();
          const got = h.search(q, 10).map((r) => r.label);
          const used = process.cpuUsage(c);
          hnswMs.push(performance.now() - a);
          cpuMs.push((used.user + used.system) / 1000);
          hit += truths[qi].filter((l) => got.includes(l)).length;
        });
        hnswMs.sort((x, y) => x - y);
        cpuMs.sort((x, y) => x - y);
        figures[`${label} ef=${ef}: recall@10 HNSW vs exact`] = hit / (queries.length * 10);
        figures[`${label} ef=${ef}: query p50 ms (wall)`] = percentile(hnswMs, 50);
        figures[`${label} ef=${ef}: query p99 ms (wall)`] = percentile(hnswMs, 99);
        figures[`${label} ef=${ef}: query p99 ms (CPU)`] = percentile(cpuMs, 99);
        figures[`${label} ef=${ef}: speed-up vs exact (p50)`] = `${(percentile(exactMs, 50) / percentile(hnswMs, 50)).toFixed(0)}×`;
      }
    }
    rmSync(tmpDir, { recursive: true, force: true });
    return { figures };
  },
});

const terms = loadTermMap(`${root}config/kb-terms.yaml`, stemAll);

registerBench({
  name: 'kb-retrieval-latency',
  async run() {
    const index = new KnowledgeIndex({ kbDir: `${root}test/fixtures/kb`, embedder: new LocalEmbedder({ terms }), terms, persist: false });
    await index.ingest();
    const retriever = new HybridRetriever(index);
    const items = readFileSync(`${root}test/fixtures/objections/grounding-dev.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; label: never });
    for (const it of items) await retriever.search({ text: it.text, k: 5, objectionClass: it.label }); // warm-up
    const ms: number[] = [];
    const cpuMs: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (const it of items) {
        const t = performance.now();
        const c = process.cpuUsage();
        await retriever.search({ text: it.text, k: 5, objectionClass: it.label });
        const used = process.cpuUsage(c);
        ms.push(performance.now() - t);
        cpuMs.push((used.user + used.system) / 1000);
      }
    }
    cpuMs.sort((a, b) => a - b);
    const embedMs: number[] = [];
    const embedder = index.embedder as LocalEmbedder;
    for (const it of items) {
      const t = performance.now();
      embedder.embedOne(it.text);
      embedMs.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    embedMs.sort((a, b) => a - b);
    return {
      figures: {
        'passages indexed': index.passages.size,
        queries: ms.length,
        'hybrid query p50 ms': percentile(ms, 50),
        'hybrid query p95 ms': percentile(ms, 95),
        'hybrid query p99 ms': percentile(ms, 99),
        'hybrid query p99 ms (CPU)': percentile(cpuMs, 99),
        'of which local embedding p50 ms': percentile(embedMs, 50),
        'budget (DESIGN.md) ms': 5,
      },
    };
  },
});

registerBench({
  name: 'kb-ingest',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'));
    try {
      const copies = 20;
      for (let i = 0; i < copies; i++) cpSync(`${root}test/fixtures/kb`, join(dir, 'kb', `copy-${i}`), { recursive: true });
      // distinct ids per copy would be needed for distinct facts; passages (occurrences) are what is embedded
      const index = new KnowledgeIndex({ kbDir: join(dir, 'kb'), embedder: new LocalEmbedder({ terms }), terms });
      const t0 = performance.now();
      const first = await index.ingest();
      const fullS = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const again = await new KnowledgeIndex({ kbDir: join(dir, 'kb'), embedder: new LocalEmbedder({ terms }), terms }).ingest();
      const noChangeS = (performance.now() - t1) / 1000;
      const files = first.reports.length;
      return {
        figures: {
          files,
          'passages embedded': first.embeddedPassages,
          'full ingest s': Number(fullS.toFixed(2)),
          'full ingest passages/s': Math.round(first.embeddedPassages / fullS),
          'full ingest files/s': Math.round(files / fullS),
          'no-change re-ingest s': Number(noChangeS.toFixed(2)),
          'no-change passages re-embedded': again.embeddedPassages,
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
