import { performance } from 'node:perf_hooks';

/** Something the ticker polls: a stream whose jitter buffer is waiting for a missing packet. */
export interface TickerClient {
  /** Called on each tick with the current monotonic time in ms. */
  tick(nowMs: number): void;
}

/**
 * One process-wide timer that serves every stream's jitter buffer (instead of a 20 ms timer per stream,
 * which at 1,500 streams per core would cost more than the audio itself).
 *
 * Streams {@link add} themselves only while their jitter buffer waits for a missing packet and
 * {@link remove} themselves when it stops waiting, so in-order streams never appear here. The interval runs
 * only while at least one client is registered and is `unref()`ed: it never keeps the process alive.
 */
export class PlayoutTicker {
  /** The shared instance used by StreamPipeline unless a test injects its own. */
  static readonly shared = new PlayoutTicker(10);

  readonly intervalMs: number;
  readonly #clients = new Set<TickerClient>();
  #timer: NodeJS.Timeout | undefined;

  /** @param intervalMs tick period in ms; concealment happens at most this much after `depthMs` */
  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Registered clients (for tests and metrics). */
  get size(): number {
    return this.#clients.size;
  }

  add(client: TickerClient): void {
    this.#clients.add(client);
    if (!this.#timer) {
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
