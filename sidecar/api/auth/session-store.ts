/**
 * Browser sessions: after a successful login the UI holds an opaque, random session id in an
 * HttpOnly SameSite=Strict cookie (so WebSocket upgrades from the page carry it), never the token
 * itself. Sessions expire after the configured lifetime or when the credential expires, whichever is
 * sooner; the store is bounded (oldest evicted first).
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';

export const SESSION_COOKIE = 'modsvar_session';

export class SessionStore {
  readonly #sessions = new Map<string, { principal: Principal; expiresAtMs: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  /** @param ttlMs session lifetime in ms; @param max most sessions held at once (default 10 000). */
  constructor(ttlMs: number, max = 10_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** Creates a session; returns its id (32 random bytes, base64url) and expiry (epoch ms). */
  create(principal: Principal, nowMs = Date.now()): { id: string; expiresAtMs: number } {
    this.#sweep(nowMs);
    while (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value as string);
    const id = randomBytes(32).toString('base64url');
    const expiresAtMs = Math.min(nowMs + this.#ttlMs, principal.expiresAtMs ?? Infinity);
    this.#sessions.set(id, { principal, expiresAtMs });
    return { id, expiresAtMs };
  }

  /** The session's principal, or undefined when unknown or expired. */
  get(id: string, nowMs = Date.now()): Principal | undefined {
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAtMs <= nowMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    return s.principal;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(nowMs: number): void {
    for (const [id, s] of this.#sessions) if (s.expiresAtMs <= nowMs) this.#sessions.delete(id);
  }
}
