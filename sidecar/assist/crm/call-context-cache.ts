import type { Logger } from 'pino';
import { ProviderError, type ProviderErrorCategory } from '../../core/errors.js';
import type { CustomerContext, CustomerContextRecord } from '../ports.js';

/**
 * The caller's CRM context, looked up once per call (at call start) and cached for the call. A CRM that
 * is down, slow or refusing means "no context", never a failed call: the lookup resolves undefined and
 * reports the degradation once through `onDegraded` (for the call's `degraded` event).
 */

/** How a lookup ended. */
export type CallContextStatus = 'found' | 'unknown' | 'unavailable' | 'no-key';

/** A finished lookup. */
export interface CallContextResult {
  status: CallContextStatus;
  record?: CustomerContextRecord;
  /** For `unavailable`: why. */
  category?: ProviderErrorCategory;
  /** How long the lookup took, in ms. */
  durationMs: number;
}

/** Options for {@link CallContextCache}. */
export interface CallContextCacheOptions {
  /** Deadline for one lookup in ms (on top of the adapter's own). Default 2000. */
  timeoutMs?: number;
  logger?: Logger;
  /** Called once per failed lookup: component `crm`, category, call id. */
  onDegraded?: (event: { callId: string; component: 'crm'; category: ProviderErrorCategory; retrying: false }) => void;
  /** Clock in ms. Default `performance.now`. */
  now?: () => number;
}

/** Per-call memo over a {@link CustomerContext} adapter. */
export class CallContextCache {
  readonly #crm: CustomerContext | undefined;
  readonly #o: CallContextCacheOptions & { timeoutMs: number; now: () => number };
  readonly #calls = new Map<string, Promise<CallContextResult>>();

  /** @param crm the adapter; undefined when no CRM is configured (every lookup is `no-key`). */
  constructor(crm: CustomerContext | undefined, options: CallContextCacheOptions = {}) {
    this.#crm = crm;
    this.#o = { timeoutMs: 2000, now: () => performance.now(), ...options };
  }

  /**
   * Starts (first call) or returns (later calls) the lookup for `callId`. Never rejects.
   * @param key the customer participant's phone number and/or AoR.
   */
  lookup(callId: string, key: { phone?: string; aor?: string }): Promise<CallContextResult> {
    let p = this.#calls.get(callId);
    if (!p) {
      p = this.#run(callId, key);
      this.#calls.set(callId, p);
    }
    return p;
  }

  /** The cached record of a call (undefined while pending, unknown or unavailable). */
  async record(callId: string): Promise<CustomerContextRecord | undefined> {
    return (await this.#calls.get(callId))?.record;
  }

  /** Forgets a call (at hang-up). */
  release(callId: string): void {
    this.#calls.delete(callId);
  }

  /** Calls with a cached lookup. */
  get size(): number {
    return this.#calls.size;
  }

  async #run(callId: string, key: { phone?: string; aor?: string }): Promise<CallContextResult> {
    const started = this.#o.now();
    const done = (r: Omit<CallContextResult, 'durationMs'>): CallContextResult => ({ ...r, durationMs: this.#o.now() - started });
    if (!this.#crm || (!key.phone && !key.aor)) return done({ status: 'no-key' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const record = await Promise.race([
        this.#crm.lookup(key),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ProviderError(this.#crm!.name, 'timeout', `CRM lookup exceeded ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs);
        }),
      ]);
      return done(record ? { status: 'found', record } : { status: 'unknown' });
    } catch (err) {
      const category: ProviderErrorCategory = err instanceof ProviderError ? err.category : 'unknown';
      // The key (a phone number) is personal data: log the call id and the category only.
      this.#o.logger?.warn({ callId, crm: this.#crm.name, category }, 'CRM lookup failed; the call goes on without customer context');
      this.#o.onDegraded?.({ callId, component: 'crm', category, retrying: false });
      return done({ status: 'unavailable', category });
    } finally {
      clearTimeout(timer);
    }
  }
}
