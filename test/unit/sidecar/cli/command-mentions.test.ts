/**
 * Every `modsvar <command> <sub-command>` the product tells people to run (log lines, error messages,
 * usage texts, docs, config comments) names a command that exists, with a sub-command it takes.
 * Catches advice such as `modsvar models install` (the command is `modsvar models [--dir DIR]`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../../sidecar/cli/commands.js';
import { packageRoot } from '../../../../sidecar/config/load-config.js';

/** Sub-commands (first positional word) each command takes; a command absent here takes none. */
const SUBCOMMANDS: Record<string, string[]> = { eval: ['objections', 'grounding'], kb: ['ingest', 'search'] };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|sh|md|yaml|yml)$/.test(name) ? [path] : [];
  });
}

describe('modsvar commands named in the product', () => {
  it('exist, and take the sub-command they are shown with', () => {
    const root = packageRoot();
    const sources = [...['sidecar', 'media', 'config', 'docker'].flatMap((d) => files(join(root, d))), join(root, 'README.md'), join(root, 'Makefile')];
    const wrong: string[] = [];
    let seen = 0;
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bmodsvar ([a-z][a-z-]*)(?: ([a-z][a-z-]*)(?=[\s`'")]|$))?/gm)) {
        const [, command, sub] = m;
        if (!(command in commands)) continue; // prose such as "modsvar starting"
        seen++;
        if (sub && !['a', 'the', 'to', 'for', 'with', 'on', 'and', 'or', 'is', 'in'].includes(sub) && SUBCOMMANDS[command] === undefined) {
          wrong.push(`${file.slice(root.length + 1)}: modsvar ${command} ${sub}`);
        }
        if (sub && SUBCOMMANDS[command] && !SUBCOMMANDS[command].includes(sub)) wrong.push(`${file.slice(root.length + 1)}: modsvar ${command} ${sub}`);
      }
    }
    expect(seen).toBeGreaterThan(5);
    expect(wrong).toEqual([]);
  });
});
