/**
 * Error classes shared by every layer. Each error carries a stable `code` (upper snake case) that
 * logs, tests and API responses rely on; the message is for humans and may change.
 *
 * - `TypeError` (built in): a bad argument from our own code.
 * - {@link ModsvarError}: the base for errors with a code.
 * - {@link SiprecError}: a SIP request we refuse; carries the SIP status and reason to answer with.
 * - {@link UnsupportedError}: an offer or feature we cannot serve (SIP 488).
 * - {@link InvalidStateError}: a method called on an object that is closed.
 * - {@link ProviderError}: an external service (ASR, LLM, CRM, drachtio-server) failed.
 */
export class ModsvarError extends Error {
  /** Stable machine-readable code, e.g. `SIPREC_BAD_MULTIPART`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A SIP request that must be refused. `sipStatus` and `sipReason` are the final response to send
 * (RFC 3261 §21); `warning` becomes a Warning header (RFC 3261 §20.43, code 399 "miscellaneous").
 */
export class SiprecError extends ModsvarError {
  /** SIP status code of the final response (400, 403, 415, 488, 503 …). */
  readonly sipStatus: number;
  /** Reason phrase for the status line. */
  readonly sipReason: string;

  constructor(code: string, sipStatus: number, sipReason: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.sipStatus = sipStatus;
    this.sipReason = sipReason;
  }
}

/** An offer or feature that Modsvar cannot serve; for SIP offers this maps to 488 Not Acceptable Here. */
export class UnsupportedError extends SiprecError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, 488, 'Not Acceptable Here', message, options);
  }
}

/** A method was called on an object that is already closed (or not yet open). */
export class InvalidStateError extends ModsvarError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

/** What kind of failure an external service reported; decides whether a retry can help. */
export type ProviderErrorCategory =
  | 'authentication'
  | 'authorization'
  | 'invalid_request'
  | 'rate_limit'
  | 'quota'
  | 'connectivity'
  | 'server'
  | 'timeout'
  | 'unknown';

/**
 * An external service failed. `retryable` follows from the category: connectivity, server, timeout and
 * rate_limit are retried with backoff; authentication, authorization, invalid_request and quota are not.
 */
export class ProviderError extends ModsvarError {
  readonly provider: string;
  readonly category: ProviderErrorCategory;
  readonly retryable: boolean;
  /** HTTP or WebSocket close status when the service sent one. */
  readonly status?: number;

  constructor(
    provider: string,
    category: ProviderErrorCategory,
    message: string,
    options?: { cause?: unknown; status?: number; retryable?: boolean },
  ) {
    super(`PROVIDER_${category.toUpperCase()}`, message, options);
    this.provider = provider;
    this.category = category;
    this.status = options?.status;
    this.retryable = options?.retryable ?? isRetryableCategory(category);
  }

  /**
   * Maps an HTTP status to a category: 401 → authentication, 403 → authorization, 402 → quota,
   * 408 → timeout, 429 → rate_limit, other 4xx → invalid_request, 5xx → server.
   */
  static fromHttpStatus(provider: string, status: number, message: string, cause?: unknown): ProviderError {
    const category: ProviderErrorCategory =
      status === 401 ? 'authentication'
      : status === 403 ? 'authorization'
      : status === 402 ? 'quota'
      : status === 408 ? 'timeout'
      : status === 429 ? 'rate_limit'
      : status >= 500 ? 'server'
      : status >= 400 ? 'invalid_request'
      : 'unknown';
    return new ProviderError(provider, category, message, { status, cause });
  }
}

/** True for the categories where waiting and trying again can succeed. */
export function isRetryableCategory(category: ProviderErrorCategory): boolean {
  return category === 'connectivity' || category === 'server' || category === 'timeout' || category === 'rate_limit';
}
