import type { Logger } from 'pino';

/** Options of {@link LlmAvailability}. */
export interface LlmAvailabilityOptions {
  /** Service name for logs, e.g. `ollama:llama3.2:3b`. */
  name: string;
  /** Server URL whose liveness is probed, e.g. `http://127.0.0.1:11434`. */
  host: string;
  /** Probe path; default `/api/version` (Ollama, https://github.com/ollama/ollama/blob/main/docs/api.md#version). */
  path?: string;
  /** Re-probe interval while down and while up, ms. Default 30 000. */
  intervalMs?: number;
  /** Per-probe deadline, ms. Default 2000. */
  timeoutMs?: number;
  logger: Logger;
  /** Called on every change (true = reachable). */
  onChange?: (available: boolean) => void;
}

/**
 * Watches whether the language-model server answers, so cards are drafted only while it does: an
 * unreachable Ollama means extractive cards only, logged once when it goes away and once when it comes
 * back (not once per card). Probes at `start()` and then every `intervalMs` (timer unref'd).
 */
export class LlmAvailability {
  readonly #o: Required<Omit<LlmAvailabilityOptions, 'onChange'>> & Pick<LlmAvailabilityOptions, 'onChange'>;
  #available: boolean | undefined;
  #timer?: NodeJS.Timeout;
  #detail = 'not probed yet';

  constructor(options: LlmAvailabilityOptions) {
    this.#o = { path: '/api/version', intervalMs: 30_000, timeoutMs: 2000, ...options };
  }

  /** Last probe result (false before the first probe finished). */
  get available(): boolean {
    return this.#available === true;
  }

  /** Why it is (un)available, one short sentence for readiness output. */
  get detail(): string {
    return this.#detail;
  }

  /** Probes now, then periodically; resolves after the first probe. */
  async start(): Promise<boolean> {
    await this.probe();
    this.#timer ??= setInterval(() => void this.probe(), this.#o.intervalMs);
    this.#timer.unref();
    return this.available;
  }

  /** One probe; logs and reports a change. Never rejects. */
  async probe(): Promise<boolean> {
    const url = new URL(this.#o.path, this.#o.host).toString();
    let ok = false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.#o.timeoutMs) });
      ok = res.ok;
      this.#detail = ok ? `${this.#o.name} answers` : `${this.#o.host} answered HTTP ${res.status}`;
    } catch (err) {
      this.#detail = `${this.#o.host} unreachable (${(err as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed'})`;
    }
    if (ok !== this.#available) {
      const first = this.#available === undefined;
      this.#available = ok;
      if (!ok) this.#o.logger.warn({ llm: this.#o.name, host: this.#o.host }, `language model unreachable: cards stay extractive until it answers (rechecked every ${Math.round(this.#o.intervalMs / 1000)} s)`);
      else if (!first) this.#o.logger.info({ llm: this.#o.name }, 'language model reachable again: cards are drafted');
      this.#o.onChange?.(ok);
    }
    return ok;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
