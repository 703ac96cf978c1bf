import { z } from 'zod';

/** Logging. */
export const logSchema = z.object({
  /** pino level. */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Force pretty output (default: pretty when stdout is a terminal). */
  pretty: z.boolean().optional(),
}).strict().prefault({});
