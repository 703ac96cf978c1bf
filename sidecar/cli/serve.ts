/**
 * `modsvar serve [--config FILE]`: runs the SIPREC recording sidecar until SIGINT/SIGTERM.
 * An invalid configuration prints the offending key and exits with status 78 (EX_CONFIG).
 */
import { ConfigError } from '../config/load-config.js';
import { ModsvarError } from '../core/errors.js';
import { main } from '../main.js';

const USAGE = `usage: modsvar serve [--config FILE]

Runs the sidecar: connects to drachtio-server, records SIPREC sessions, transcribes them, raises
objection cards and serves the API and agent UI (api.enabled).
  --config FILE     configuration file (default: MODSVAR_CONFIG or config/modsvar.yaml)
Environment variables MODSVAR_<SECTION>__<KEY> override the file (see config/modsvar.yaml).
Stops gracefully on SIGINT/SIGTERM (recording sessions drain and get a BYE); a second signal exits at once.
`;

/** Runs the command; resolves to the exit status (0 after a graceful stop, 2 for usage, 78 for bad config). */
export async function run(argv: string[]): Promise<number> {
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (arg === '--config') {
      configFile = argv[++i];
      if (!configFile) {
        process.stderr.write(`modsvar serve: --config needs a file\n\n${USAGE}`);
        return 2;
      }
    } else {
      process.stderr.write(`modsvar serve: unexpected argument ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  try {
    return await main({ configFile });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`modsvar serve: ${err.message}${err.key ? `\n  key: ${err.key}` : ''}\n`);
      return 78;
    }
    if (err instanceof ModsvarError) {
      process.stderr.write(`modsvar serve: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
