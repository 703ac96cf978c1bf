/**
 * Objection detection quality on test/fixtures/objections/utterances-dev.jsonl with the embedded
 * default playbooks and the configured calibration: macro-F1 (nine labels, eight objections),
 * per-language macro-F1, binary F1, agent false-positive rate, hard-case accuracy, calibration error.
 * `EVAL_VERBOSE=1` lists the misclassified rows.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerEval } from './eval-registry.js';
import { loadPlaybooks } from '../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../sidecar/assist/detection/objection-detector.js';
import { evaluateObjections, parseLabelledJsonl } from '../../sidecar/assist/detection/objection-eval.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

registerEval({
  name: 'objection detection (utterances-dev, embedded playbooks)',
  async run() {
    const { rows } = parseLabelledJsonl(readFileSync(`${root}test/fixtures/objections/utterances-dev.jsonl`, 'utf8'));
    const rep = evaluateObjections(rows, new ObjectionDetector(loadPlaybooks().playbooks));
    const m = rep.metrics;
    const figures: Record<string, number> = {
      'macro-F1 (9 labels)': m.macroF1,
      'macro-F1 (8 objections)': m.macroF1Objections,
      'binary objection F1': m.binaryF1,
    };
    for (const l of m.perLanguage) figures[`macro-F1 ${l.lang}`] = l.macroF1;
    figures['agent false-positive rate'] = m.agentFalsePositiveRate;
    figures['hard-case accuracy'] = m.hardCaseAccuracy;
    figures['ECE (configured calibration)'] = rep.reliability.ece;
    figures[`ECE (${rep.crossValidated.folds}-fold cross-validated)`] = rep.crossValidated.reliability.ece;
    const details = rep.rows.filter((r) => r.gold !== r.pred).map((r) => `${r.id} ${r.lang} ${r.gold} → ${r.pred} (${r.confidence.toFixed(2)}): ${r.text}`);
    return { figures, details };
  },
});

registerEval({
  name: 'objection detection (utterances-written, embedded playbooks)',
  async run() {
    const { rows } = parseLabelledJsonl(readFileSync(`${root}test/fixtures/objections/utterances-written.jsonl`, 'utf8'));
    const rep = evaluateObjections(rows, new ObjectionDetector(loadPlaybooks().playbooks));
    const figures: Record<string, number> = { 'macro-F1 (9 labels)': rep.metrics.macroF1 };
    for (const l of rep.metrics.perLanguage) figures[`macro-F1 ${l.lang}`] = l.macroF1;
    figures['ECE (configured calibration)'] = rep.reliability.ece;
    return { figures, details: rep.rows.filter((r) => r.gold !== r.pred).map((r) => `${r.id} ${r.lang} ${r.gold} → ${r.pred}: ${r.text}`) };
  },
});
