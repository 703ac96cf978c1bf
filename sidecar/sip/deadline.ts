import { ModsvarError } from '../core/errors.js';

/** A SIP transaction or drain step did not finish within its deadline. `code` is `DEADLINE_EXCEEDED`. */
export class DeadlineError extends ModsvarError {
  /** The deadline in ms. */
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super('DEADLINE_EXCEEDED', `${what} did not finish within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Resolves or rejects like `work`, or rejects with {@link DeadlineError} after `timeoutMs`. drachtio-srf
 * has no timeouts of its own (a transaction the server never answers never settles), so every srf
 * transaction we start goes through this. The timer is cleared as soon as `work` settles.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
