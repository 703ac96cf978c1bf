/**
 * `modsvar eval grounding FILE.jsonl --kb DIR --out REPLIES.jsonl [--ollama URL] [--model NAME]
 * [--playbooks DIR] [--config FILE] [--company NAME] [--json]`
 *
 * Runs each objection of a grounding set (objections README §4) through retrieval and the card composer
 * (extractive; drafted too when an Ollama URL is given), prints the mean must_cite coverage (overall, per
 * language, trap items), invalid citations, flagged cards and guard removals, and writes one line per item
 * `{"id","reply","cited","confidence","flagged","removed"}` for a reviewer to judge must_not_claim
 * violations. The gold label stands in for detection (detection confidence 1), so the figures measure
 * retrieval, composition and grounding only.
 * Exit codes: 0 done, 2 usage error, 3 knowledge base or model unavailable, 65 unreadable or empty input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { CardComposer } from '../assist/cards/card-composer.js';
import { DraftComposer } from '../assist/cards/draft-composer.js';
import { formatGroundingReport, parseGroundingJsonl, replyLine, scoreGrounding } from '../assist/cards/grounding-eval.js';
import { playbookMoves } from '../assist/cards/playbook-moves.js';
import { OllamaLlm } from '../assist/llm/ollama-llm.js';
import { createRetrieval } from '../assist/retrieval/create-retrieval.js';
import type { ObjectionClass } from '../assist/ports.js';
import { OBJECTION_CLASSES } from '../assist/ports.js';

const HELP = `usage: modsvar eval grounding FILE.jsonl --kb DIR --out REPLIES.jsonl [options]

  --kb DIR          knowledge folder (default: config kb.dir)
  --out FILE        write one JSON line per item: id, reply, cited, confidence, flagged, removed
  --ollama URL      also draft replies with this Ollama server (default: extractive only)
  --model NAME      chat model for drafts (default: config llm.ollama.model)
  --playbooks DIR   team playbooks for moves and competitor names (default: config detection.playbookDir)
  --company NAME    the selling company's name (default: config llm.companyName)
  --config FILE     configuration file
  --json            print the figures as JSON
`;

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        kb: { type: 'string' }, out: { type: 'string' }, ollama: { type: 'string' }, model: { type: 'string' },
        playbooks: { type: 'string' }, company: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`modsvar eval grounding: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const v = args.values;
  if (v.help) { process.stdout.write(HELP); return 0; }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) { process.stderr.write(HELP); return 2; }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`modsvar eval grounding: cannot read ${file}: ${(err as Error).message}\n`);
    return 65;
  }
  const { items, errors } = parseGroundingJsonl(text);
  for (const e of errors) process.stderr.write(`${file}: ${e}\n`);
  if (items.length === 0) { process.stderr.write(`modsvar eval grounding: no items in ${file}\n`); return 65; }

  const { config } = loadConfig(v.config ? { file: v.config } : {});
  let stack;
  try {
    stack = await createRetrieval(config.kb, config.embedder, { kbDir: v.kb, persist: false });
    await stack.index.ingest();
  } catch (err) {
    process.stderr.write(`modsvar eval grounding: knowledge base: ${(err as Error).message}\n`);
    return 3;
  }
  const { lookup, competitors } = playbookMoves(v.playbooks ?? (config.detection.playbookDir || undefined));
  const companyName = v.company ?? config.llm.companyName ?? undefined;
  const drafter = v.ollama
    ? new DraftComposer({
      llm: new OllamaLlm({ host: v.ollama, model: v.model ?? config.llm.ollama.model, numPredict: config.llm.ollama.numPredict, keepAlive: config.llm.ollama.keepAlive }),
      firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs, totalTimeoutMs: config.llm.totalTimeoutMs,
      temperature: config.llm.temperature, maxSentences: config.llm.maxSentences,
      companyName, competitors, names: config.llm.grounding.names,
    })
    : undefined;
  const composer = new CardComposer({ retriever: stack.retriever, moves: lookup, drafter, retrieveK: config.llm.cards.retrieveK, extractive: config.llm.cards });
  const knownIds = new Set<string>([...stack.index.facts.keys(), ...stack.index.calculators.keys()]);

  const rows = [];
  const lines: string[] = [];
  for (const item of items) {
    const cls = (OBJECTION_CLASSES as readonly string[]).includes(item.label) ? (item.label as ObjectionClass) : 'trust';
    const now = Date.now();
    const card = await composer.compose({
      callId: 'eval', objectionId: item.id, objectionClass: cls, language: item.lang, text: item.text,
      confidence: 1, stages: { asrAtMs: now, detectedAtMs: now },
    });
    rows.push({ item, card });
    lines.push(JSON.stringify(replyLine(item.id, card)));
  }
  if (v.out) writeFileSync(v.out, `${lines.join('\n')}\n`);
  const report = scoreGrounding(rows, knownIds);
  const mode = drafter ? `drafted with ${drafter.model}` : 'extractive';
  process.stdout.write(v.json ? `${JSON.stringify({ mode, ...report })}\n` : formatGroundingReport(report, mode));
  return 0;
}
