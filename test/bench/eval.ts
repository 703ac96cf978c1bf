/**
 * `npm run eval`: quality figures on the development sets in test/fixtures. Each evaluation is one
 * import (the module registers itself). `EVAL_VERBOSE=1` prints per-item details.
 */
import { evals } from './eval-registry.js';
import './kb-retrieval-eval.js';
import './objection-detection-eval.js';
import './grounding-eval.js';

const verbose = process.env.EVAL_VERBOSE === '1';
let failed = 0;
for (const e of evals) {
  try {
    const { figures, details } = await e.run();
    process.stdout.write(`\n== ${e.name}\n`);
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(40)} ${typeof v === 'number' ? v.toFixed(3) : v}\n`);
    if (verbose) for (const d of details ?? []) process.stdout.write(`    ${d}\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`\n== ${e.name}: FAILED ${(err as Error).stack ?? err}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
