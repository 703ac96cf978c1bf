/**
 * `npm run bench`: runs every registered benchmark in sequence and prints its figures. Add a benchmark with
 * one import line below (the module registers itself through bench-registry.ts). `BENCH_ONLY=name` runs one.
 */
import { benches } from './bench-registry.js';
import './rtp-ingest.js';
import './asr-latency.js';
import './siprec-parse.js';
import './sip-call-setup.js';
import './kb-retrieval.js';
import './kb-search.js';
import './objection-detection.js';
import './api-fanout.js';
import './call-hub.js';
import './card-grounding.js';

const only = process.env.BENCH_ONLY;
let failed = 0;
const startedMs = performance.now();
for (const b of benches) {
  if (only && b.name !== only) continue;
  const t0 = performance.now();
  try {
    const { figures, details } = await b.run();
    process.stdout.write(`\n== ${b.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    for (const [k, v] of Object.entries(figures)) {
      process.stdout.write(`  ${k.padEnd(44)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(3)) : v}\n`);
    }
    for (const d of details ?? []) process.stdout.write(`  ${d}\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`\n== ${b.name}: FAILED ${(err as Error).stack ?? String(err)}\n`);
  }
}
process.stdout.write(`\nbench total ${((performance.now() - startedMs) / 1000).toFixed(1)} s\n`);
process.exitCode = failed ? 1 : 0;
