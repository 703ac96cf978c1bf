import type { RtpStreamStats } from '../../media/stream-pipeline-types.js';
import type { ComponentHealth, HealthStatus } from './call-events.js';
import type { Role } from '../sip/siprec-types.js';

/** What the media health report needs of a stream pipeline (media/stream-pipeline.ts implements it). */
export interface StatsSource {
  readonly port: number;
  stats(): RtpStreamStats;
}

/** A stream of a call, as a SIPREC session reports it (`stream-added`). */
export interface ReportedStream {
  label: string;
  role?: Role;
  /** Our RTP port for it (the pipeline's). */
  localPort: number;
}

/** Packet counters summed over every stream of the process's life (RFC 3550 §6.4.1 / A.3 for lost). */
export type RtpPacketTotals = Pick<RtpStreamStats,
  'received' | 'lost' | 'late' | 'duplicate' | 'malformed' | 'wrongSource' | 'unknownPayloadType'>;

const TOTAL_KEYS: (keyof RtpPacketTotals)[] = ['received', 'lost', 'late', 'duplicate', 'malformed', 'wrongSource', 'unknownPayloadType'];

/** Packet loss above this fraction (RFC 3550 §6.4.1 cumulative lost / expected) marks the stream degraded. */
export const DEGRADED_LOSS_FRACTION = 0.05;

/**
 * Per-stream RTP counters for the call's `health` event (component `media`): the composition root
 * registers each opened pipeline by its local RTP port ({@link track}), and a call's ingress asks for
 * the report of its streams ({@link report}). Status: `degraded` when a stream lost more than 5 % of
 * its packets, `ok` otherwise. {@link totals} sums the packet counters of every stream since the
 * process started (closed streams' last figures plus the open ones'), for /metrics.
 */
export class MediaHealth {
  readonly #byPort = new Map<number, StatsSource>();
  /** Counters of streams no longer tracked (their last figures). */
  readonly #closed: RtpPacketTotals = { received: 0, lost: 0, late: 0, duplicate: 0, malformed: 0, wrongSource: 0, unknownPayloadType: 0 };

  /** Registers an open pipeline; it is forgotten when `untrack` is called with its port. */
  track(source: StatsSource): void {
    const previous = this.#byPort.get(source.port);
    if (previous && previous !== source) this.#fold(previous);
    this.#byPort.set(source.port, source);
  }

  /** Forgets the pipeline on `port` (call it when the pipeline closed); its counters stay in {@link totals}. */
  untrack(port: number): void {
    const source = this.#byPort.get(port);
    if (!source) return;
    this.#fold(source);
    this.#byPort.delete(port);
  }

  /** Packet counters of every stream tracked since this object was made, closed and open (cumulative). */
  totals(): RtpPacketTotals {
    const out = { ...this.#closed };
    for (const source of this.#byPort.values()) {
      const st = safeStats(source);
      if (st) for (const k of TOTAL_KEYS) out[k] += st[k] ?? 0;
    }
    return out;
  }

  #fold(source: StatsSource): void {
    const st = safeStats(source);
    if (st) for (const k of TOTAL_KEYS) this.#closed[k] += st[k] ?? 0;
  }

  /** Pipelines tracked now. */
  get size(): number {
    return this.#byPort.size;
  }

  /** The media health of these streams; undefined when none of them has a tracked pipeline. */
  report(streams: readonly ReportedStream[]): ComponentHealth | undefined {
    const rows: NonNullable<ComponentHealth['streams']> = [];
    let status: HealthStatus = 'ok';
    const lossy: string[] = [];
    for (const s of streams) {
      const source = this.#byPort.get(s.localPort);
      if (!source) continue;
      const st = source.stats();
      rows.push({ label: s.label, ...(s.role && { role: s.role }), packetsReceived: st.received, packetsLost: st.lost, jitterMs: Math.round(st.jitterMs * 10) / 10 });
      const expected = st.received + st.lost;
      if (expected > 0 && st.lost / expected > DEGRADED_LOSS_FRACTION) {
        status = 'degraded';
        lossy.push(`${s.label} ${Math.round((100 * st.lost) / expected)} %`);
      }
    }
    if (!rows.length) return undefined;
    return { component: 'media', status, streams: rows, ...(lossy.length && { detail: `packet loss on stream ${lossy.join(', ')}` }) };
  }
}

/** A pipeline's stats, or undefined when reading them fails (a closed pipeline must not break /metrics). */
function safeStats(source: StatsSource): RtpStreamStats | undefined {
  try {
    return source.stats();
  } catch {
    return undefined;
  }
}
