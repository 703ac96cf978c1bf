import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that are always redacted from log lines. Secrets come only from the environment and must
 * never reach a log (see README "Secrets").
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  '*.*.secret',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'token',
  '*.token',
  '*.*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  '*.password',
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
