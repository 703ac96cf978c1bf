/**
 * `modsvar eval objections FILE.jsonl [--playbooks DIR] [--config FILE] [--folds K] [--fit-calibration]
 * [--predictions OUT.jsonl] [--errors] [--json]`
 *
 * Scores the objection detector on labelled utterances (format: shared/objections/README.md §2) and
 * prints per-class precision/recall/F1, macro-F1 over nine and eight labels, binary objection F1,
 * macro-F1 per language, the agent false-positive rate, hard-case accuracy, reliability tables (as
 * configured and k-fold cross-validated) and the Platt parameters fitted on the file.
 * Exit codes: 0 done, 2 usage error, 65 unreadable or empty input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { createObjectionDetector } from '../assist/detection/create-detector.js';
import { evaluateObjections, formatObjectionReport, parseLabelledJsonl } from '../assist/detection/objection-eval.js';
import { formatPlaybookIssue } from '../assist/detection/playbook-loader.js';

const HELP = `usage: modsvar eval objections FILE.jsonl [options]

  --playbooks DIR      team playbooks (extend/replace the embedded defaults); default: config detection.playbookDir
  --config FILE        configuration file (default: MODSVAR_CONFIG or config/modsvar.yaml)
  --folds K            folds for cross-validated calibration (default 5)
  --fit-calibration    use the calibration fitted on FILE for the report and print it as config
  --predictions OUT    write one JSON line per row: id, label, confidence, gold
  --errors             list the misclassified rows
  --json               print the metrics as JSON instead of tables
`;

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        playbooks: { type: 'string' }, config: { type: 'string' }, folds: { type: 'string' },
        'fit-calibration': { type: 'boolean' }, predictions: { type: 'string' }, errors: { type: 'boolean' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`modsvar eval objections: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) { process.stdout.write(HELP); return 0; }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) { process.stderr.write(HELP); return 2; }
  const folds = args.values.folds ? Number(args.values.folds) : 5;
  if (!Number.isInteger(folds) || folds < 2) { process.stderr.write('modsvar eval objections: --folds must be an integer ≥ 2\n'); return 2; }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`modsvar eval objections: cannot read ${file}: ${(err as Error).message}\n`);
    return 65;
  }
  const { rows, errors } = parseLabelledJsonl(text);
  for (const e of errors) process.stderr.write(`${file}: ${e}\n`);
  if (rows.length === 0) { process.stderr.write(`modsvar eval objections: no labelled rows in ${file}\n`); return 65; }

  const { config } = loadConfig({ file: args.values.config });
  const detection = { ...config.detection, playbookDir: args.values.playbooks ?? config.detection.playbookDir };
  const { detector, issues } = createObjectionDetector(detection);
  for (const i of issues) process.stderr.write(`${formatPlaybookIssue(i)}\n`);

  let report = evaluateObjections(rows, detector, { folds });
  if (args.values['fit-calibration']) {
    // A kind without both right and wrong decisions cannot be fitted: it keeps the configured parameters.
    const f = report.fittedCalibration;
    const keep = detection.calibration;
    const fitted = report.fitted;
    detector.setCalibration({ objection: fitted.objection ? f.objection : keep.objection, none: fitted.none ? f.none : keep.none });
    report = evaluateObjections(rows, detector, { folds });
    report.fittedCalibration = { objection: fitted.objection ? f.objection : keep.objection, none: fitted.none ? f.none : keep.none };
  }
  if (args.values.predictions) {
    writeFileSync(args.values.predictions, report.rows.map((r) => JSON.stringify({ id: r.id, label: r.pred, confidence: r.confidence, gold: r.gold })).join('\n') + '\n');
  }
  if (args.values.json) {
    const { rows: _rows, ...rest } = report;
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
  } else {
    process.stdout.write(formatObjectionReport(report, { errors: args.values.errors }));
    if (args.values['fit-calibration']) {
      const c = report.fittedCalibration;
      process.stdout.write(`\n# config/modsvar.yaml\ndetection:\n  calibration:\n    objection: { a: ${c.objection.a}, b: ${c.objection.b} }\n    none: { a: ${c.none.a}, b: ${c.none.b} }\n`);
    }
  }
  return 0;
}
