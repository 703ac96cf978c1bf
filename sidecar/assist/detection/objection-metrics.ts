import type { ObjectionLabel } from '../ports.js';
import { DETECTION_LABELS } from './compiled-playbook.js';

/**
 * Detection metrics as the objection evaluation set defines them (shared/objections/README.md §6.1):
 * per-class precision/recall/F1, macro-F1 over the nine labels (primary), macro-F1 over the eight
 * objection classes, binary objection F1, macro-F1 per language, agent false-positive rate and
 * accuracy on the hard cases (rows with `notes`).
 */

/** One scored row: gold and predicted label. */
export interface ScoredRow {
  id: string;
  lang: string;
  speaker: string;
  gold: ObjectionLabel;
  pred: ObjectionLabel;
  hasNotes: boolean;
}

/** Precision, recall and F1 of one label. `support` = gold count, `predicted` = predicted count. */
export interface ClassMetrics {
  label: ObjectionLabel;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

/** All detection metrics for a set of rows. */
export interface DetectionMetrics {
  n: number;
  accuracy: number;
  perClass: ClassMetrics[];
  /** Unweighted mean F1 over the nine labels (`none` included). */
  macroF1: number;
  /** Unweighted mean F1 over the eight objection classes. */
  macroF1Objections: number;
  /** F1 of "is an objection" (any class) against `none`. */
  binaryF1: number;
  /** Macro-F1 (nine labels) per language. */
  perLanguage: Array<{ lang: string; n: number; macroF1: number }>;
  /** Share of agent rows given any label but `none` (target 0); NaN with no agent rows. */
  agentFalsePositiveRate: number;
  /** Accuracy on rows with `notes` (the hard cases); NaN with none. */
  hardCaseAccuracy: number;
  /** confusion[gold][pred] counts. */
  confusion: Record<string, Record<string, number>>;
}

function f1Of(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  // As scikit-learn with zero_division=0: an undefined ratio counts as 0.
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** Per-class metrics over `labels` (default all nine). */
export function perClassMetrics(rows: readonly ScoredRow[], labels: readonly ObjectionLabel[] = DETECTION_LABELS): ClassMetrics[] {
  return labels.map((label) => {
    let tp = 0, fp = 0, fn = 0;
    for (const r of rows) {
      if (r.pred === label && r.gold === label) tp++;
      else if (r.pred === label) fp++;
      else if (r.gold === label) fn++;
    }
    return { label, ...f1Of(tp, fp, fn), support: tp + fn, predicted: tp + fp };
  });
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Computes {@link DetectionMetrics}. */
export function computeMetrics(rows: readonly ScoredRow[]): DetectionMetrics {
  const perClass = perClassMetrics(rows);
  const macroF1 = mean(perClass.map((c) => c.f1));
  const macroF1Objections = mean(perClass.filter((c) => c.label !== 'none').map((c) => c.f1));
  let tp = 0, fp = 0, fn = 0;
  for (const r of rows) {
    const g = r.gold !== 'none';
    const p = r.pred !== 'none';
    if (g && p) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  const binaryF1 = f1Of(tp, fp, fn).f1;
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  const perLanguage = langs.map((lang) => {
    const sub = rows.filter((r) => r.lang === lang);
    // Labels that occur in this language (gold or predicted), so an absent class does not count as 0.
    const present = DETECTION_LABELS.filter((l) => sub.some((r) => r.gold === l || r.pred === l));
    return { lang, n: sub.length, macroF1: mean(perClassMetrics(sub, present).map((c) => c.f1)) };
  });
  const agent = rows.filter((r) => r.speaker === 'agent');
  const hard = rows.filter((r) => r.hasNotes);
  const confusion: Record<string, Record<string, number>> = {};
  for (const g of DETECTION_LABELS) confusion[g] = Object.fromEntries(DETECTION_LABELS.map((p) => [p, 0]));
  for (const r of rows) confusion[r.gold][r.pred]++;
  return {
    n: rows.length,
    accuracy: rows.length ? rows.filter((r) => r.gold === r.pred).length / rows.length : NaN,
    perClass,
    macroF1,
    macroF1Objections,
    binaryF1,
    perLanguage,
    agentFalsePositiveRate: agent.length ? agent.filter((r) => r.pred !== 'none').length / agent.length : NaN,
    hardCaseAccuracy: hard.length ? hard.filter((r) => r.gold === r.pred).length / hard.length : NaN,
    confusion,
  };
}
