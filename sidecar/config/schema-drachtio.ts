import { z } from 'zod';
import { portNumber } from './schema-port-number.js';

/** drachtio-server control connection (the drachtio wire protocol over TCP). */
export const drachtioSchema = z.object({
  /** drachtio-server host name or address. */
  host: z.string().min(1).default('127.0.0.1'),
  /** drachtio-server admin port (drachtio's default is 9022). */
  port: portNumber.default(9022),
  /** Shared secret; set it with MODSVAR_DRACHTIO__SECRET, never in the file. */
  secret: z.string().default('cymru'),
  /**
   * Reconnect backoff: largest delay in ms. drachtio-srf re-dials by itself after a drop, first after
   * ≈255 ms, then ×1.7 per attempt (drachtio-srf lib/wire-protocol.js); this caps the delay.
   */
  reconnectMaxMs: z.number().int().min(100).default(30_000),
  /** Deadline in ms for any SIP transaction we start through drachtio (srf has no timeouts of its own). */
  transactionTimeoutMs: z.number().int().min(100).default(10_000),
}).strict().prefault({});
