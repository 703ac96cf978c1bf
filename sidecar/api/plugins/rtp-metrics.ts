/**
 * Process-lifetime RTP packet counters in /metrics, read at scrape time (prom-client `collect()`) from a
 * reader the composition root supplies (`() => mediaHealth.totals()`, sidecar/calls/media-health.ts), so
 * the API imports nothing of the media pipeline and the RTP hot path never touches prom-client. The live
 * gauges (`modsvar_rtp_packets`, loss ratio) cover live calls only; these counters keep what closed
 * streams saw, so malformed or wrong-source packets show up in Prometheus instead of only in a debug log.
 *
 * `modsvar_rtp_stream_packets_total{kind}` with kind:
 * - `received` (accepted into the jitter buffer), `lost` (expected − received, RFC 3550 A.3),
 * - `late` (arrived after their slot was played out), `duplicate` (sequence number seen already),
 * - `malformed` (not RTP version 2, too short, bad padding/extension/CSRC length),
 * - `wrong_source` (not from the negotiated/latched address), `unknown_payload_type` (payload type not negotiated).
 */
import { Counter, type Registry } from 'prom-client';
import type { RtpPacketTotals } from '../../calls/media-health.js';

/** The cumulative figures the reader returns: packet counts since the process started. */
export type RtpPacketTotalsLike = RtpPacketTotals;

/** Reads the process-lifetime totals; undefined when no media runs in this process (counters stay 0). */
export type RtpTotalsReader = () => RtpPacketTotalsLike | undefined;

/** Prometheus `kind` label → field of the totals. */
export const RTP_PACKET_KINDS: ReadonlyArray<[string, keyof RtpPacketTotalsLike]> = [
  ['received', 'received'], ['lost', 'lost'], ['late', 'late'], ['duplicate', 'duplicate'],
  ['malformed', 'malformed'], ['wrong_source', 'wrongSource'], ['unknown_payload_type', 'unknownPayloadType'],
];

/**
 * Registers `modsvar_rtp_stream_packets_total{kind}`: each scrape adds the growth of each total since the last
 * scrape. A source that went backwards (rebuilt) restarts the counter at its value, which Prometheus'
 * `rate()` reads as a counter reset. A reader that throws leaves the counters as they were.
 */
export function registerRtpMetrics(registry: Registry, read: RtpTotalsReader): void {
  const last = new Map<string, number>();
  const counter: Counter<'kind'> = new Counter({
    name: 'modsvar_rtp_stream_packets_total',
    help: 'RTP packets over every stream since the process started, by kind (received, lost, late, duplicate, malformed, wrong_source, unknown_payload_type)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      let totals: RtpPacketTotalsLike | undefined;
      try {
        totals = read();
      } catch {
        return;
      }
      for (const [kind, key] of RTP_PACKET_KINDS) {
        const value = Math.max(0, Number(totals?.[key] ?? 0) || 0);
        const before = last.get(kind) ?? 0;
        if (value >= before) counter.inc({ kind }, value - before);
        else {
          counter.remove({ kind });
          counter.inc({ kind }, value);
        }
        last.set(kind, value);
      }
    },
  });
}
