/**
 * `modsvar kb ingest [--kb DIR] [--config FILE]`
 * `modsvar kb search "QUERY" [--kb DIR] [--class CLASS] [--lang da|de|en] [-k N] [--no-internal] [--config FILE]`
 *
 * `ingest` builds or updates the index of the knowledge folder (`kb.dir`, or `--kb`) and prints one
 * line per file: status (added/changed/unchanged/removed/failed/skipped), verified facts, unverified
 * pieces left out, the file, and for a failed file the reason. Exit 0 when every file loaded, 1 when
 * some failed (the others are indexed), 2 for usage errors, 3 when the folder is missing or the
 * embedder is down.
 *
 * `search` updates the index the same way (silently: unchanged files are neither read nor parsed, see
 * KnowledgeIndex), then prints the top facts, best first, one per line:
 * `<fact id>  <score>  <source> (<location>)  <text>`; `[internal]` marks battlecard facts. A file that
 * fails to load is named once on stderr (with "unchanged since the last ingest" when it still fails the
 * same way). `--lang` takes a language the knowledge base can hold (da, de, en; a region such as
 * `da-DK` is reduced to `da`); any other is a usage error.
 */
import { loadConfig } from '../config/load-config.js';
import { LANGUAGES, OBJECTION_CLASSES, type ObjectionClass } from '../assist/ports.js';
import { createRetrieval } from '../assist/retrieval/create-retrieval.js';

const USAGE = `usage: modsvar kb ingest [--kb DIR] [--config FILE]
       modsvar kb search "QUERY" [--kb DIR] [--class CLASS] [--lang da|de|en] [-k N] [--no-internal] [--config FILE]

  ingest    build or update the knowledge index; prints counts per file
  search    print the top facts for QUERY, best first: fact id, score, source, text
  --kb DIR        knowledge folder (default: kb.dir from the configuration)
  --class CLASS   objection class (${OBJECTION_CLASSES.join(', ')}): facts tagged with it rank higher
  --strict        with --class: only facts tagged with the class
  --lang L        only facts in this language (${LANGUAGES.join(', ')})
  -k N            number of facts (default kb.retrieval.defaultK)
  --no-internal   leave out internal facts (battlecards)
  --config FILE   configuration file (default: MODSVAR_CONFIG or config/modsvar.yaml)
`;

interface Options {
  cmd: 'ingest' | 'search';
  query?: string;
  kb?: string;
  config?: string;
  cls?: ObjectionClass;
  strict?: boolean;
  lang?: string;
  k?: number;
  internal: boolean;
}

function parseArgs(argv: string[]): Options | string {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help') return 'help';
  if (cmd !== 'ingest' && cmd !== 'search') return `unknown kb command "${cmd}"`;
  const o: Options = { cmd, internal: true };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string | undefined => (i + 1 < rest.length ? rest[++i] : undefined);
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--kb' || a === '--config' || a === '--class' || a === '--lang' || a === '-k') {
      const v = value();
      if (v === undefined) return `${a} needs a value`;
      if (a === '--kb') o.kb = v;
      else if (a === '--config') o.config = v;
      else if (a === '--lang') {
        const lang = v.trim().toLowerCase().split(/[-_]/)[0];
        if (!(LANGUAGES as readonly string[]).includes(lang)) return `unsupported language "${v}" (one of ${LANGUAGES.join(', ')})`;
        o.lang = lang;
      }
      else if (a === '-k') {
        o.k = Number(v);
        if (!Number.isInteger(o.k) || o.k < 1) return `-k needs a positive integer, got "${v}"`;
      } else {
        if (!(OBJECTION_CLASSES as readonly string[]).includes(v)) return `unknown class "${v}" (one of ${OBJECTION_CLASSES.join(', ')})`;
        o.cls = v as ObjectionClass;
      }
    } else if (a === '--strict') o.strict = true;
    else if (a === '--no-internal') o.internal = false;
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (o.cmd === 'search' && o.query === undefined) o.query = a;
    else return `unexpected argument "${a}"`;
  }
  if (o.cmd === 'search' && !o.query?.trim()) return 'search needs a QUERY';
  return o;
}

/** Runs `modsvar kb …`; resolves to the exit status. */
export async function run(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  if (typeof o === 'string') {
    if (o === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`modsvar kb: ${o}\n\n${USAGE}`);
    return 2;
  }
  const { config } = loadConfig(o.config ? { file: o.config } : {});
  let stack;
  let result;
  try {
    stack = await createRetrieval(config.kb, config.embedder, { kbDir: o.kb });
    result = await stack.index.ingest();
  } catch (err) {
    process.stderr.write(`modsvar kb: ${(err as Error).message}\n`);
    return 3;
  }
  const failed = result.reports.filter((r) => r.status === 'failed');
  if (result.persistError) process.stderr.write(`modsvar kb: warning: ${result.persistError} (set kb.indexDir to a writable folder)\n`);
  if (o.cmd === 'ingest') {
    process.stdout.write(`knowledge folder ${stack.index.kbDir}\nindex ${stack.index.indexDir} (embedder ${stack.index.embedder.name}, ${stack.index.embedder.dimension} dimensions${result.rebuilt ? ', rebuilt' : ''})\n`);
    process.stdout.write(`${'status'.padEnd(10)} ${'facts'.padStart(5)} ${'unverified'.padStart(10)}  file\n`);
    for (const r of result.reports) {
      const extra = r.reason ? `  — ${r.reason}` : r.warnings.length ? `  (${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}: ${r.warnings.slice(0, 2).join('; ')})` : '';
      process.stdout.write(`${r.status.padEnd(10)} ${String(r.facts).padStart(5)} ${String(r.unverified).padStart(10)}  ${r.file}${extra}\n`);
    }
    process.stdout.write(`total: ${result.factCount} verified facts, ${result.embeddedPassages} passages embedded, ${failed.length} file(s) failed\n`);
    return failed.length ? 1 : 0;
  }
  for (const r of failed) process.stderr.write(`modsvar kb: ${r.file} not loaded${r.cached ? ' (unchanged since the last ingest)' : ''}: ${r.reason}\n`);
  if (o.lang) {
    const present = new Set([...stack.index.facts.values()].map((f) => String(f.language)));
    if (!present.has(o.lang)) process.stderr.write(`modsvar kb: no facts in "${o.lang}" in this knowledge base (languages present: ${[...present].sort().join(', ') || 'none'})\n`);
  }
  const hits = await stack.retriever.search({
    text: o.query!, k: o.k ?? config.kb.retrieval.defaultK, language: o.lang,
    objectionClass: o.cls, strictClass: o.strict, includeInternal: o.internal,
  });
  for (const h of hits) {
    const f = h.fact;
    process.stdout.write(`${f.id.padEnd(8)} ${h.score.toFixed(4)}  ${f.source} (${f.location})${f.internal ? ' [internal]' : ''}  ${f.text}\n`);
  }
  if (hits.length === 0) process.stdout.write('no facts found\n');
  return 0;
}
