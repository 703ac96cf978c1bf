#!/usr/bin/env node
/**
 * The `modsvar` command. Each sub-command lives in `sidecar/cli/<name>.ts` and exports
 * `run(argv): Promise<number>` (the exit code); it is loaded only when used, so `modsvar inspect`
 * does not load the ASR or retrieval stacks.
 */
import { commands } from '../cli/commands.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`modsvar: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `usage: modsvar <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "modsvar <command> --help" for a command's options.\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`modsvar: ${e?.message ?? String(err)}\n`);
    process.exitCode = e?.code === 'CONFIG_INVALID' ? 78 : 1;
  },
);
