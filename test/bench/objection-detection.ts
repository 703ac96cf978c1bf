/**
 * Detector and tracker speed on the dev utterances (budget: ASR event → detector ≤ 5 ms, DESIGN.md
 * "Latency budget"). Prints per-utterance detect time (mean, p50, p95, max, by length), the tracker's
 * cost per interim hypothesis when every word arrives as a new hypothesis, and playbook load time.
 * Wall time includes waiting for the CPU on a shared machine; the CPU-time figures do not.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerBench } from './bench-registry.js';
import { loadPlaybooks } from '../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../sidecar/assist/detection/objection-detector.js';
import { ObjectionTracker } from '../../sidecar/assist/detection/objection-tracker.js';
import { parseLabelledJsonl } from '../../sidecar/assist/detection/objection-eval.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

registerBench({
  name: 'objection-detection',
  async run() {
    const t0 = performance.now();
    const { playbooks } = loadPlaybooks();
    const loadMs = performance.now() - t0;
    const detector = new ObjectionDetector(playbooks);
    const { rows } = parseLabelledJsonl(readFileSync(`${root}test/fixtures/objections/utterances-dev.jsonl`, 'utf8'));
    for (const r of rows) detector.detect(r.text, r.lang); // warm-up
    const times: number[] = [];
    const cpu: number[] = [];
    const long: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      for (const r of rows) {
        const c = process.cpuUsage();
        const s = performance.now();
        detector.detect(r.text, r.lang);
        const d = performance.now() - s;
        const cu = process.cpuUsage(c);
        times.push(d);
        cpu.push((cu.user + cu.system) / 1000);
        if (r.text.split(' ').length >= 25) long.push(d);
      }
    }
    let hyps = 0;
    const s = performance.now();
    const tracker = new ObjectionTracker({ callId: 'bench', detector, stability: { interimQuietMs: 0 } });
    rows.forEach((r, i) => {
      const words = r.text.split(' ');
      for (let n = 1; n <= words.length; n++, hyps++) {
        tracker.push({ type: n === words.length ? 'final' : 'interim', utteranceId: `u${i}`, text: words.slice(0, n).join(' '), role: 'customer', participantId: 'p', streamLabel: 's', language: r.lang, startMs: i * 10_000, endMs: i * 10_000 + n * 300 });
      }
    });
    const perHypMs = (performance.now() - s) / hyps;
    tracker.close('bench');
    return {
      figures: {
        playbookLoadMs: loadMs,
        detectMeanMs: times.reduce((a, b) => a + b, 0) / times.length,
        detectP50Ms: pct(times, 50),
        detectP95Ms: pct(times, 95),
        detectMaxMs: Math.max(...times),
        // CPU time of this process per call: less disturbed than wall time when other work shares the cores.
        detectCpuP50Ms: pct(cpu, 50),
        detectCpuP95Ms: pct(cpu, 95),
        detectP95LongUtterancesMs: long.length ? pct(long, 95) : 0,
        trackerPerHypothesisMs: perHypMs,
        budgetRatioP95: pct(times, 95) / 5,
        budgetRatioCpuP95: pct(cpu, 95) / 5,
      },
    };
  },
});
