import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlaybooks } from '../../../../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../../../../sidecar/assist/detection/objection-detector.js';
import { evaluateObjections, foldOf, formatObjectionReport, parseLabelledJsonl } from '../../../../../sidecar/assist/detection/objection-eval.js';
import { computeMetrics } from '../../../../../sidecar/assist/detection/objection-metrics.js';
import { fitPlatt, plattProbability, reliabilityTable } from '../../../../../sidecar/assist/detection/calibration.js';

const fixture = fileURLToPath(new URL('../../../../fixtures/objections/utterances-dev.jsonl', import.meta.url));

// Floors for the embedded default playbooks on the dev set (stated in the README of the detector):
// macro-F1 ≥ 0.95 overall and ≥ 0.90 in each language; agent false-positive rate 0.
const FLOOR_OVERALL = 0.95;
const FLOOR_PER_LANGUAGE = 0.9;

describe('objection detection on the dev set', () => {
  const { rows, errors } = parseLabelledJsonl(readFileSync(fixture, 'utf8'));
  const report = evaluateObjections(rows, new ObjectionDetector(loadPlaybooks().playbooks));

  it('reads all 300 rows', () => {
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(300);
  });

  it(`reaches macro-F1 ≥ ${FLOOR_OVERALL} overall and ≥ ${FLOOR_PER_LANGUAGE} in da, de and en`, () => {
    expect(report.metrics.macroF1).toBeGreaterThanOrEqual(FLOOR_OVERALL);
    expect(report.metrics.perLanguage.map((l) => l.lang)).toEqual(['da', 'de', 'en']);
    for (const l of report.metrics.perLanguage) expect(l.macroF1, l.lang).toBeGreaterThanOrEqual(FLOOR_PER_LANGUAGE);
  });

  it('never labels an agent line as an objection', () => {
    expect(report.metrics.agentFalsePositiveRate).toBe(0);
  });

  it('prints the README tables: per-class P/R/F1, macro-F1, per language, reliability', () => {
    const text = formatObjectionReport(report);
    expect(text).toMatch(/^class\s+precision\s+recall\s+F1\s+support\s+predicted$/m);
    expect(text).toMatch(/^price\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+23\s+\d+$/m);
    expect(text).toMatch(/^macro-F1 \(9 labels\)\s+\d\.\d{3}$/m);
    expect(text).toMatch(/^macro-F1 da\s+\(n=106\)\s+\d\.\d{3}$/m);
    expect(text).toContain('5-fold cross-validated calibration');
  });
});

describe('objection detection on the independently written set (test/fixtures/objections/utterances-written.jsonl)', () => {
  // Written for this project in the data set's style; the playbooks were extended after measuring it
  // (first measurements, before tuning: macro-F1 0.75 and 0.71), so this floor guards against regressions.
  it('reaches macro-F1 ≥ 0.9 and keeps agent lines at none', () => {
    const written = fileURLToPath(new URL('../../../../fixtures/objections/utterances-written.jsonl', import.meta.url));
    const { rows, errors } = parseLabelledJsonl(readFileSync(written, 'utf8'));
    expect(errors).toEqual([]);
    expect(rows.length).toBeGreaterThan(200);
    const rep = evaluateObjections(rows, new ObjectionDetector(loadPlaybooks().playbooks));
    expect(rep.metrics.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(rep.metrics.agentFalsePositiveRate).toBe(0);
  });
});

describe('objection detection on the fresh sets (test/fixtures/objections/utterances-fresh-<n>.jsonl)', () => {
  // Each set was written for this project and scored BEFORE the playbooks were extended with the phrasing
  // families it revealed; those before-figures (macro-F1, 9 labels) are the held-out estimates in the
  // detector README: 1 → 0.939, 2 → 0.822, 3 → 0.685, 4 → 0.740, 5 → 0.859, 6 → 0.713, 7 → 0.663. Afterwards every set is a
  // regression guard: macro-F1 ≥ 0.95 in total and ≥ 0.90 per language, agent lines always none.
  const detector = new ObjectionDetector(loadPlaybooks().playbooks);
  for (const n of [1, 2, 3, 4, 5, 6, 7]) {
    it(`fresh set ${n}: macro-F1 ≥ 0.95 (≥ 0.90 per language), agent false-positive rate 0`, () => {
      const file = fileURLToPath(new URL(`../../../../fixtures/objections/utterances-fresh-${n}.jsonl`, import.meta.url));
      const { rows, errors } = parseLabelledJsonl(readFileSync(file, 'utf8'));
      expect(errors).toEqual([]);
      expect(rows.length).toBeGreaterThanOrEqual(180);
      expect(new Set(rows.map((r) => r.lang))).toEqual(new Set(['da', 'de', 'en']));
      const rep = evaluateObjections(rows, detector);
      expect(rep.metrics.macroF1).toBeGreaterThanOrEqual(0.95);
      for (const l of rep.metrics.perLanguage) expect(l.macroF1, l.lang).toBeGreaterThanOrEqual(0.9);
      expect(rep.metrics.agentFalsePositiveRate).toBe(0);
    });
  }
});

describe('metrics and calibration', () => {
  it('computes per-class and macro F1 as scikit-learn does (zero division = 0)', () => {
    const r = (gold: string, pred: string, lang = 'en', speaker = 'customer') => ({ id: gold + pred + lang, lang, speaker, gold: gold as never, pred: pred as never, hasNotes: false });
    const m = computeMetrics([r('price', 'price'), r('price', 'none'), r('none', 'none'), r('none', 'price', 'da', 'agent')]);
    const price = m.perClass.find((c) => c.label === 'price')!;
    expect([price.precision, price.recall, price.f1]).toEqual([0.5, 0.5, 0.5]);
    const none = m.perClass.find((c) => c.label === 'none')!;
    expect([none.precision, none.recall, none.f1]).toEqual([0.5, 0.5, 0.5]);
    expect(m.macroF1).toBeCloseTo((0.5 + 0.5) / 9, 10);
    expect(m.agentFalsePositiveRate).toBe(1);
    expect(m.binaryF1).toBe(0.5);
  });

  it('fits Platt parameters that order confidence by margin and reports reliability bins', () => {
    const pts = [0.1, 0.2, 0.4, 0.5, 1, 1.5, 2, 3].flatMap((margin, i) => [{ margin, correct: i > 1 }, { margin, correct: i > 3 }]);
    const p = fitPlatt(pts, { a: 1, b: 0 });
    expect(p.a).toBeGreaterThan(0);
    expect(plattProbability(p, 3)).toBeGreaterThan(plattProbability(p, 0.1));
    const rel = reliabilityTable([{ confidence: 0.85, correct: true }, { confidence: 0.82, correct: false }, { confidence: 0.3, correct: false }]);
    const bin = rel.bins.find((b) => b.lo === 0.8)!;
    expect([bin.count, bin.accuracy]).toEqual([2, 0.5]);
    expect(fitPlatt([{ margin: 1, correct: true }], { a: 2, b: 1 })).toEqual({ a: 2, b: 1 });
  });

  it('assigns folds by id, not by file order', () => {
    expect(foldOf('dev-001', 5)).toBe(foldOf('dev-001', 5));
    const counts = new Array(5).fill(0);
    for (let i = 1; i <= 300; i++) counts[foldOf(`dev-${String(i).padStart(3, '0')}`, 5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(30);
  });

  it('reports bad JSONL lines by number and keeps the good ones', () => {
    const { rows, errors } = parseLabelledJsonl('{"id":"a","lang":"en","speaker":"customer","text":"too pricey","label":"price"}\nnot json\n{"id":"b","lang":"en","speaker":"boss","text":"x","label":"none"}\n');
    expect(rows.map((r) => r.id)).toEqual(['a']);
    expect(errors.map((e) => e.slice(0, 7))).toEqual(['line 2:', 'line 3:']);
  });
});
