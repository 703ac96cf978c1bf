import { pino, type Logger, type LoggerOptions } from 'pino';

const SECRET_KEYS = ['secret', 'apiKey', 'token', 'password', 'authorization', 'accessToken', 'clientSecret'];

/**
 * Paths that are always redacted from log lines: the secret-bearing keys at the top level and up to four
 * levels down (`config.asr.deepgram.apiKey`), plus request headers. Secrets come only from the environment
 * and must never reach a log (see README "Configuration").
 */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`, `*.*.*.*.${k}`]),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** pino level: fatal, error, warn, info, debug, trace or silent. Default `info`. */
  level?: string;
  /** Pretty, coloured output for a terminal. Default: true when stdout is a TTY and not under CI. */
  pretty?: boolean;
  /** Destination stream (tests pass a spy). Default stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * Creates the process logger: JSON lines (one object per line) with secrets redacted, or pretty
 * output when writing to a terminal. Children bind `callId` and `streamLabel`.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI && !options.destination);
  const base: LoggerOptions = {
    level,
    base: { name: 'modsvar' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  if (options.destination) return pino(base, options.destination as unknown as pino.DestinationStream);
  return pino(base);
}

/** A logger that drops everything; for tests and library use without a host logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Logger };
