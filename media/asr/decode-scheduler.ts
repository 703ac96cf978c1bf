/**
 * The interim policy of segmented recognition (pure: numbers in, decisions out; no timers, no I/O).
 *
 * An offline model re-decodes an utterance from its start for every interim, so the cost of interims
 * grows with the utterance. Three rules bound it:
 *
 * 1. **Steady interval.** While a stream speaks, an interim is due each `interimIntervalMs` of new
 *    audio (audio time: the stream's own clock, which runs at real time on a live call).
 * 2. **CPU budget per stream.** One stream's interims take at most `interimCpuShare` of one decoding
 *    thread: after an interim that took `d` ms to decode, the next starts no sooner than `d /
 *    interimCpuShare` ms of audio after the previous one started. Example (the real-time factor is
 *    the model's and the machine's; `npm run bench` measures it): with the default 0.25 and a
 *    real-time factor of 0.1, a 4 s utterance so far (400 ms to decode) gets an interim every 1.6 s.
 *    Finals are not limited.
 * 3. **Saturation → longer interval.** When a job waited `saturationWaitMs` or more for a free worker,
 *    the pool is saturated: the interval is doubled (up to `maxInterimIntervalMs`) on each such wait.
 *    When a job starts without waiting and nothing else is queued, the factor halves; back at 1, or
 *    when the pool has drained, it has recovered. The caller logs the transitions this returns and exports {@link stats}.
 */
export interface DecodeSchedulerOptions {
  /** Interim every this many ms of speech audio; default 500. */
  interimIntervalMs: number;
  /** Share of one decoding thread one stream's interims may use, 0 < x ≤ 1; default 0.25. */
  interimCpuShare: number;
  /** Longest interim interval under saturation, ms; default 4000. */
  maxInterimIntervalMs: number;
  /** A queue wait this long (ms) marks the pool saturated; default 300. */
  saturationWaitMs: number;
}

export const DEFAULT_DECODE_SCHEDULER_OPTIONS: DecodeSchedulerOptions = {
  interimIntervalMs: 500, interimCpuShare: 0.25, maxInterimIntervalMs: 4000, saturationWaitMs: 300,
};

/** A change of the pool's state, to log once. */
export type SaturationChange =
  | { type: 'saturated'; queueWaitMs: number; interimIntervalMs: number }
  | { type: 'recovered'; interimIntervalMs: number };

/** Counters and gauges of the policy (read by the pool's stats). */
export interface DecodeSchedulerStats {
  saturated: boolean;
  /** Current multiplier of `interimIntervalMs` (1 = not degraded). */
  interimIntervalFactor: number;
  /** `interimIntervalMs × factor`, capped at `maxInterimIntervalMs`. */
  effectiveInterimIntervalMs: number;
  /** Times the pool became saturated. */
  saturationEpisodes: number;
  /** Highest factor reached since start. */
  maxInterimIntervalFactor: number;
}

export class DecodeScheduler {
  readonly options: DecodeSchedulerOptions;
  #factor = 1;
  #maxFactor = 1;
  #saturated = false;
  #episodes = 0;

  /** @throws TypeError when an option is out of range. */
  constructor(options: Partial<DecodeSchedulerOptions> = {}) {
    const o = { ...DEFAULT_DECODE_SCHEDULER_OPTIONS, ...options };
    if (!(o.interimCpuShare > 0 && o.interimCpuShare <= 1)) throw new TypeError('decode scheduler: interimCpuShare must be in (0, 1]');
    if (!(o.interimIntervalMs > 0) || o.maxInterimIntervalMs < o.interimIntervalMs) {
      throw new TypeError('decode scheduler: need 0 < interimIntervalMs <= maxInterimIntervalMs');
    }
    this.options = o;
  }

  /** The interval in ms of audio under the current load (rule 1 and 3). */
  get intervalMs(): number {
    return Math.min(this.options.maxInterimIntervalMs, this.options.interimIntervalMs * this.#factor);
  }

  /**
   * Audio ms from the start of one interim to the earliest start of the next, for an utterance whose
   * last interim took `lastDecodeMs` to decode (undefined: none yet). Rules 1–3.
   */
  interimGapMs(lastDecodeMs: number | undefined): number {
    const budget = lastDecodeMs === undefined ? 0 : lastDecodeMs / this.options.interimCpuShare;
    return Math.max(this.intervalMs, budget);
  }

  /**
   * A job left the queue for a worker after `queueWaitMs`, with `stillQueued` jobs behind it.
   * @returns the state change to log, if any.
   */
  onJobStarted(queueWaitMs: number, stillQueued: number): SaturationChange | undefined {
    const { saturationWaitMs, maxInterimIntervalMs, interimIntervalMs } = this.options;
    if (queueWaitMs >= saturationWaitMs) {
      this.#factor = Math.min(this.#factor * 2, maxInterimIntervalMs / interimIntervalMs);
      this.#maxFactor = Math.max(this.#maxFactor, this.#factor);
      if (!this.#saturated) {
        this.#saturated = true;
        this.#episodes++;
        return { type: 'saturated', queueWaitMs, interimIntervalMs: this.intervalMs };
      }
      return undefined;
    }
    if (stillQueued === 0 && queueWaitMs < saturationWaitMs / 2 && this.#factor > 1) {
      this.#factor = Math.max(1, this.#factor / 2);
    }
    if (this.#saturated && this.#factor === 1) {
      this.#saturated = false;
      return { type: 'recovered', interimIntervalMs: this.intervalMs };
    }
    return undefined;
  }

  /** The pool has drained (nothing running, nothing queued): no backlog is left, so it has recovered. */
  onIdle(): SaturationChange | undefined {
    this.#factor = 1;
    if (!this.#saturated) return undefined;
    this.#saturated = false;
    return { type: 'recovered', interimIntervalMs: this.intervalMs };
  }

  stats(): DecodeSchedulerStats {
    return {
      saturated: this.#saturated, interimIntervalFactor: this.#factor, effectiveInterimIntervalMs: this.intervalMs,
      saturationEpisodes: this.#episodes, maxInterimIntervalFactor: this.#maxFactor,
    };
  }
}
