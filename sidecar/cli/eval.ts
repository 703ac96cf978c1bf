/**
 * `modsvar eval <what> …`: offline evaluations on labelled files. Each evaluation is a sub-command in
 * its own module exporting `run(argv): Promise<number>`, loaded only when used; add one line to
 * {@link evaluations} for a new one.
 *
 * @example
 *   modsvar eval objections test/fixtures/objections/utterances-dev.jsonl --playbooks config/playbooks
 */
import type { CommandModule } from './commands.js';

/** Registered evaluations: name → summary and lazy loader. */
export const evaluations: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  objections: { summary: 'objection detection on a labelled JSONL file: per-class P/R/F1, macro-F1, per language, calibration', load: () => import('./eval-objections.js') },
  grounding: { summary: 'reply cards on a grounding set: must_cite coverage, invalid citations, replies for review (grounding FILE.jsonl --kb DIR --out REPLIES.jsonl [--ollama URL])', load: () => import('./eval-grounding.js') },
};

function usage(): string {
  const lines = Object.entries(evaluations).map(([n, e]) => `  ${n.padEnd(12)} ${e.summary}`);
  return `usage: modsvar eval <evaluation> FILE [options]\n\nevaluations:\n${lines.join('\n')}\n\nRun "modsvar eval <evaluation> --help" for its options.\n`;
}

/** Dispatches to the evaluation named by the first argument. Exit code 2 for usage errors. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = evaluations[name];
  if (!entry) {
    process.stderr.write(`modsvar eval: unknown evaluation "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await entry.load()).run(rest);
}
