import { performance } from 'node:perf_hooks';

/** Something the ticker polls: a stream whose jitter buffer is waiting for a missing packet. */
export interface TickerClient {
  /** Called on each tick with the current monotonic time in ms. */
  tick(nowMs: number): void;
}

/**
 * One process-wide timer (20 ms) that serves every stream's jitter buffer, instead of a timer per stream.
 *
 * A stream {@link add}s itself when its first packet arrives and {@link remove}s itself on hold and close.
 * Each tick costs a stream one cheap check unless it has a gap to conceal or has gone quiet (see
 * JitterBuffer.poll/advanceIdle). The interval runs only while at least one client is registered and is
 * `unref()`ed: it never keeps the process alive.
 */
export class PlayoutTicker {
  /** The shared instance used by StreamPipeline unless a test injects its own. */
  static readonly shared = new PlayoutTicker(20);

  readonly intervalMs: number;
  readonly #clients = new Set<TickerClient>();
  #timer: NodeJS.Timeout | undefined;

  /** @param intervalMs tick period in ms; 0 = manual (no timer; the owner calls {@link runOnce}, for tests) */
  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Registered clients (for tests and metrics). */
  get size(): number {
    return this.#clients.size;
  }

  add(client: TickerClient): void {
    this.#clients.add(client);
    if (!this.#timer && this.intervalMs > 0) {
      this.#timer = setInterval(() => this.runOnce(performance.now()), this.intervalMs);
      this.#timer.unref();
    }
  }

  remove(client: TickerClient): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Ticks every client once (the interval calls this; tests may call it with their own clock). */
  runOnce(nowMs: number): void {
    for (const client of this.#clients) {
      try {
        client.tick(nowMs);
      } catch {
        // A client handles its own errors; one failing stream must not stop the others.
      }
    }
  }
}
