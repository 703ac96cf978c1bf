import { z } from 'zod';
import type { ObjectionLabel } from '../ports.js';
import { fitPlatt, plattProbability, reliabilityTable, type CalibrationParams, type ReliabilityBin } from './calibration.js';
import { DETECTION_LABELS } from './compiled-playbook.js';
import type { ObjectionDetector } from './objection-detector.js';
import { computeMetrics, type DetectionMetrics, type ScoredRow } from './objection-metrics.js';

/** One labelled utterance (shared/objections/README.md §2). */
export const labelledUtteranceSchema = z.object({
  id: z.string().min(1),
  lang: z.string().min(2),
  speaker: z.enum(['customer', 'agent']),
  text: z.string(),
  label: z.enum(DETECTION_LABELS as [ObjectionLabel, ...ObjectionLabel[]]),
  notes: z.string().optional(),
}).passthrough();
export type LabelledUtterance = z.infer<typeof labelledUtteranceSchema>;

/**
 * Parses a JSONL file of labelled utterances. Bad lines are reported (`line N: reason`) and skipped;
 * nothing throws.
 */
export function parseLabelledJsonl(text: string): { rows: LabelledUtterance[]; errors: string[] } {
  const rows: LabelledUtterance[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      errors.push(`line ${i + 1}: not JSON (${(err as Error).message})`);
      return;
    }
    const r = labelledUtteranceSchema.safeParse(json);
    if (!r.success) {
      const iss = r.error.issues[0];
      errors.push(`line ${i + 1}: ${iss.path.join('.') || '(row)'}: ${iss.message}`);
      return;
    }
    rows.push(r.data);
  });
  return { rows, errors };
}

/** A row with its prediction. */
export interface PredictedRow extends ScoredRow {
  text: string;
  confidence: number;
  margin: number;
  /** The text-only label (speaker ignored); differs from `pred` only on agent rows. */
  textOnlyPred: ObjectionLabel;
}

/** The full evaluation report. */
export interface ObjectionEvalReport {
  rows: PredictedRow[];
  metrics: DetectionMetrics;
  /** Share of agent rows the text classifier alone would label as an objection (the tracker never lets them through). */
  agentTextOnlyFalsePositiveRate: number;
  /** Reliability of the confidence as shipped (configured calibration), over customer rows. */
  reliability: { bins: ReliabilityBin[]; ece: number };
  /** Cross-validated calibration: Platt refitted on k−1 folds, applied to the held-out fold. */
  crossValidated: { folds: number; reliability: { bins: ReliabilityBin[]; ece: number }; metrics: DetectionMetrics };
  /** Platt parameters fitted on all rows (what `--fit-calibration` suggests for the config). */
  fittedCalibration: CalibrationParams;
  /** Per kind, whether the fit had right and wrong decisions to learn from (else the parameters are a placeholder). */
  fitted: { objection: boolean; none: boolean };
}

/** Stable fold of an id (FNV-1a hash), so folds do not follow file order. */
export function foldOf(id: string, folds: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) { h ^= id.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h % folds;
}

/**
 * Runs the detector over labelled rows. Agent rows are `none` by rule (only the customer raises
 * objections; the tracker drops agent streams), and their text-only prediction is reported separately.
 */
export function evaluateObjections(rows: readonly LabelledUtterance[], detector: ObjectionDetector, options: { folds?: number } = {}): ObjectionEvalReport {
  const folds = Math.max(2, options.folds ?? 5);
  const predicted: PredictedRow[] = rows.map((r) => {
    const d = detector.detect(r.text, r.lang);
    const pred = r.speaker === 'agent' ? 'none' : d.label;
    return {
      id: r.id, lang: r.lang, speaker: r.speaker, gold: r.label, pred, hasNotes: !!r.notes, text: r.text,
      confidence: r.speaker === 'agent' ? 1 : d.confidence, margin: d.margin, textOnlyPred: d.label,
    };
  });
  const metrics = computeMetrics(predicted);
  const agent = predicted.filter((r) => r.speaker === 'agent');
  const customer = predicted.filter((r) => r.speaker !== 'agent');
  const points = (rs: PredictedRow[], kind: 'objection' | 'none') =>
    rs.filter((r) => (kind === 'none') === (r.pred === 'none')).map((r) => ({ margin: r.margin, correct: r.pred === r.gold }));
  const fallback = { a: 1, b: 0 };
  const fittedCalibration: CalibrationParams = {
    objection: fitPlatt(points(customer, 'objection'), fallback),
    none: fitPlatt(points(customer, 'none'), fallback),
  };
  const canFit = (pts: Array<{ correct: boolean }>) => pts.length >= 4 && pts.some((p) => p.correct) && pts.some((p) => !p.correct);
  const fitted = { objection: canFit(points(customer, 'objection')), none: canFit(points(customer, 'none')) };
  const cvConf: Array<{ confidence: number; correct: boolean }> = [];
  for (let f = 0; f < folds; f++) {
    const train = customer.filter((r) => foldOf(r.id, folds) !== f);
    const test = customer.filter((r) => foldOf(r.id, folds) === f);
    const params: CalibrationParams = { objection: fitPlatt(points(train, 'objection'), fallback), none: fitPlatt(points(train, 'none'), fallback) };
    for (const r of test) cvConf.push({ confidence: plattProbability(r.pred === 'none' ? params.none : params.objection, r.margin), correct: r.pred === r.gold });
  }
  return {
    rows: predicted,
    metrics,
    agentTextOnlyFalsePositiveRate: agent.length ? agent.filter((r) => r.textOnlyPred !== 'none').length / agent.length : NaN,
    reliability: reliabilityTable(customer.map((r) => ({ confidence: r.confidence, correct: r.pred === r.gold }))),
    // Labels do not depend on the calibration, so the cross-validated label metrics equal the full ones;
    // they are reported so the figure is visible next to the cross-validated reliability.
    crossValidated: { folds, reliability: reliabilityTable(cvConf), metrics },
    fittedCalibration,
    fitted,
  };
}

const pct = (x: number) => (Number.isNaN(x) ? '   n/a' : (x * 100).toFixed(1).padStart(6));
const f3 = (x: number) => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

/** Formats the report as the plain-text tables `modsvar eval objections` prints. */
export function formatObjectionReport(rep: ObjectionEvalReport, options: { errors?: boolean } = {}): string {
  const m = rep.metrics;
  const out: string[] = [];
  out.push(`objection detection: ${m.n} utterances`);
  out.push('');
  out.push('class         precision  recall      F1  support  predicted');
  for (const c of m.perClass) {
    out.push(`${c.label.padEnd(12)}  ${f3(c.precision).padStart(9)}  ${f3(c.recall).padStart(6)}  ${f3(c.f1).padStart(6)}  ${String(c.support).padStart(7)}  ${String(c.predicted).padStart(9)}`);
  }
  out.push('');
  out.push(`macro-F1 (9 labels)        ${f3(m.macroF1)}`);
  out.push(`macro-F1 (8 objections)    ${f3(m.macroF1Objections)}`);
  out.push(`binary objection F1        ${f3(m.binaryF1)}`);
  for (const l of m.perLanguage) out.push(`macro-F1 ${l.lang.padEnd(4)} (n=${String(l.n).padStart(3)})   ${f3(l.macroF1)}`);
  out.push(`accuracy                   ${f3(m.accuracy)}`);
  out.push(`agent false-positive rate  ${f3(m.agentFalsePositiveRate)}   (text only, speaker ignored: ${f3(rep.agentTextOnlyFalsePositiveRate)})`);
  out.push(`hard-case accuracy (notes) ${f3(m.hardCaseAccuracy)}`);
  const table = (title: string, rel: { bins: ReliabilityBin[]; ece: number }) => {
    out.push('');
    out.push(`${title} (customer rows; ECE ${rel.ece.toFixed(3)})`);
    out.push('confidence    n   mean conf  accuracy');
    for (const b of rel.bins) out.push(`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}  ${String(b.count).padStart(5)}  ${pct(b.meanConfidence)}%  ${pct(b.accuracy)}%`);
  };
  table('reliability, confidence as configured', rep.reliability);
  table(`reliability, ${rep.crossValidated.folds}-fold cross-validated calibration`, rep.crossValidated.reliability);
  const c = rep.fittedCalibration;
  out.push('');
  const show = (kind: 'objection' | 'none') =>
    rep.fitted[kind] ? `${kind} a=${c[kind].a} b=${c[kind].b}` : `${kind} not fitted (every ${kind} decision was right, or every one wrong)`;
  out.push(`calibration fitted on this file: ${show('objection')}; ${show('none')}`);
  if (!rep.fitted.objection || !rep.fitted.none) out.push('  (the cross-validated table then uses placeholder parameters a=1 b=0 for that kind)');
  out.push('');
  out.push('confusion (rows gold, columns predicted)');
  const labs = DETECTION_LABELS;
  out.push(`${''.padEnd(11)}${labs.map((l) => l.slice(0, 6).padStart(7)).join('')}`);
  for (const g of labs) out.push(`${g.padEnd(11)}${labs.map((p) => String(m.confusion[g][p]).padStart(7)).join('')}`);
  if (options.errors) {
    out.push('');
    out.push('errors (id lang gold → predicted conf: text)');
    for (const r of rep.rows) if (r.gold !== r.pred) out.push(`${r.id} ${r.lang} ${r.gold} → ${r.pred} ${r.confidence.toFixed(2)}: ${r.text}`);
  }
  return out.join('\n') + '\n';
}
