import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { packageRoot } from '../../config/load-config.js';
import { compilePlaybook, mergePlaybooks, type CompiledPlaybook } from './compiled-playbook.js';
import { playbookSchema, type Playbook } from './playbook-schema.js';

/** A problem in a playbook file, located by file and line (1-based) where the YAML allows. */
export interface PlaybookIssue {
  file: string;
  line?: number;
  /** Path inside the document, e.g. `classes.price.cues.3`. */
  path: string;
  message: string;
  /** `error`: the file was not used (the default for its language is); `warning`: one entry was skipped. */
  severity: 'error' | 'warning';
}

/** Result of {@link loadPlaybooks}. */
export interface LoadedPlaybooks {
  /** Compiled playbooks by language code. */
  playbooks: Map<string, CompiledPlaybook>;
  issues: PlaybookIssue[];
  /** Files that were used, by language (the default's path when a team file was rejected). */
  files: Record<string, string[]>;
}

/** The folder of the embedded default playbooks (`config/playbooks` in the package). */
export function embeddedPlaybookDir(): string {
  return resolve(packageRoot(), 'config', 'playbooks');
}

interface ParsedFile {
  file: string;
  playbook?: Playbook;
  lineOf: (path: (string | number)[]) => number | undefined;
}

/** Reads and validates one playbook file; problems go to `issues`. Never throws. */
export function readPlaybookFile(file: string, issues: PlaybookIssue[]): ParsedFile {
  const name = basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    issues.push({ file, path: '', message: `cannot read: ${(err as Error).message}`, severity: 'error' });
    return { file, lineOf: () => undefined };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      issues.push({ file, line: lineCounter.linePos(e.pos[0]).line, path: '', message: e.message.split('\n')[0], severity: 'error' });
    }
    return { file, lineOf };
  }
  const parsed = playbookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 10)) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      issues.push({ file, line: lineOf(path), path: path.join('.'), message: issue.message, severity: 'error' });
    }
    return { file, lineOf };
  }
  const expected = name.replace(/\.ya?ml$/i, '');
  if (/^[a-z]{2}$/.test(expected) && parsed.data.language !== expected) {
    issues.push({ file, line: lineOf(['language']), path: 'language', message: `language "${parsed.data.language}" does not match the file name ${name}`, severity: 'error' });
    return { file, lineOf };
  }
  return { file, playbook: parsed.data, lineOf };
}

function playbookFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[a-z]{2}\.ya?ml$/i.test(f))
    .sort()
    .map((f) => resolve(dir, f));
}

/**
 * Loads the embedded default playbooks and, when `dir` is another folder, the team's playbooks from
 * it (`<lang>.yaml`; `mode: extend` adds to the default, `mode: replace` stands alone). A file that is
 * not valid YAML or fails the schema is reported by file, line and key and ignored: the default for
 * its language still loads. A bad pattern skips only that pattern. Never throws.
 */
export function loadPlaybooks(options: { dir?: string; defaultsDir?: string } = {}): LoadedPlaybooks {
  const issues: PlaybookIssue[] = [];
  const defaultsDir = options.defaultsDir ?? embeddedPlaybookDir();
  const merged = new Map<string, { playbook: Playbook; parts: ParsedFile[] }>();
  for (const file of playbookFiles(defaultsDir)) {
    const parsed = readPlaybookFile(file, issues);
    if (parsed.playbook) merged.set(parsed.playbook.language, { playbook: parsed.playbook, parts: [parsed] });
  }
  if (options.dir && resolve(options.dir) !== resolve(defaultsDir)) {
    if (!existsSync(options.dir)) {
      issues.push({ file: options.dir, path: '', message: 'playbook folder not found; using the embedded defaults', severity: 'error' });
    }
    for (const file of playbookFiles(options.dir)) {
      const parsed = readPlaybookFile(file, issues);
      if (!parsed.playbook) continue;
      const base = merged.get(parsed.playbook.language);
      if (base && parsed.playbook.mode === 'extend') {
        merged.set(parsed.playbook.language, { playbook: mergePlaybooks(base.playbook, parsed.playbook), parts: [...base.parts, parsed] });
      } else {
        merged.set(parsed.playbook.language, { playbook: parsed.playbook, parts: [parsed] });
      }
    }
  }
  const playbooks = new Map<string, CompiledPlaybook>();
  const files: Record<string, string[]> = {};
  for (const [lang, { playbook, parts }] of merged) {
    const { playbook: compiled, issues: compileIssues } = compilePlaybook(playbook);
    for (const ci of compileIssues) {
      const at = locate(ci.path, parts);
      issues.push({ file: at.file, line: at.line, path: at.path.join('.'), message: ci.message, severity: 'warning' });
    }
    playbooks.set(lang, compiled);
    files[lang] = parts.map((p) => p.file);
  }
  return { playbooks, issues, files };
}

/** Finds which file (and line) an entry of a merged playbook came from, by counting list entries per file. */
function locate(path: (string | number)[], parts: ParsedFile[]): { file: string; line?: number; path: (string | number)[] } {
  const idx = path[path.length - 1];
  if (typeof idx !== 'number' || parts.length === 1) return { file: parts[0].file, line: parts[0].lineOf(path), path };
  let offset = idx;
  for (const part of parts) {
    const list = getIn(part.playbook, path.slice(0, -1));
    const len = Array.isArray(list) ? list.length : 0;
    const local = [...path.slice(0, -1), offset];
    if (offset < len) return { file: part.file, line: part.lineOf(local), path: local };
    offset -= len;
  }
  return { file: parts[parts.length - 1].file, path };
}

function getIn(obj: unknown, path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** Formats an issue as `file:line: path: message`. */
export function formatPlaybookIssue(i: PlaybookIssue): string {
  return `${i.file}${i.line ? `:${i.line}` : ''}: ${i.severity}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}
