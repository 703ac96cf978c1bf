/**
 * Prometheus metrics of the sherpa-onnx segmented mode's decode pool (media/asr/decode-pool.ts), read from
 * {@link DecodePoolStats} at scrape time (prom-client `collect()`), so the hot path never touches
 * prom-client. Times in ms, like the other Modsvar metrics. With no pool running here (another provider,
 * or no language in segmented mode) the reader returns undefined and the gauges read 0, the counters stand.
 *
 * | metric | type | from |
 * |---|---|---|
 * | `modsvar_asr_decode_workers` | gauge | `workers` |
 * | `modsvar_asr_decode_workers_busy` | gauge | `busyWorkers` |
 * | `modsvar_asr_decode_queue{kind="final"\|"interim"}` | gauge | `queuedFinals`, `queuedInterims` |
 * | `modsvar_asr_decode_saturated` | gauge 0/1 | `saturated` |
 * | `modsvar_asr_interim_interval_factor` | gauge | `interimIntervalFactor` (1 = not degraded) |
 * | `modsvar_asr_interim_interval_factor_max` | gauge | `maxInterimIntervalFactor` |
 * | `modsvar_asr_interim_interval_ms` | gauge | `effectiveInterimIntervalMs` |
 * | `modsvar_asr_decode_queue_wait_ms{stat="last"\|"max"}` | gauge | `lastQueueWaitMs`, `maxQueueWaitMs` |
 * | `modsvar_asr_decode_saturation_episodes_total` | counter | `saturationEpisodes` |
 * | `modsvar_asr_decode_jobs_total{kind="final"\|"interim"}` | counter | `finalsDecoded`, `interimsDecoded` |
 * | `modsvar_asr_decode_interims_cancelled_total` | counter | `interimsCancelled` |
 * | `modsvar_asr_decode_jobs_failed_total` | counter | `jobsFailed` |
 * | `modsvar_asr_decode_ms_total`, `modsvar_asr_decoded_audio_ms_total` | counter | `decodeMsTotal`, `audioMsDecoded` (ratio = real-time factor) |
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DecodePoolStats } from '../../../media/asr/decode-pool.js';

/** Reads the pool's figures; undefined when no pool runs in this process. */
export type DecodePoolStatsReader = () => DecodePoolStats | undefined;

/** One figure of the stats. */
type Figure = (s: DecodePoolStats) => number;

/**
 * A counter that mirrors a cumulative figure of the source: each scrape adds the growth since the last
 * one. A source that starts again from 0 (a pool rebuilt) restarts the counter, which Prometheus' `rate()`
 * reads as a counter reset.
 */
function mirrorCounter(registry: Registry, read: () => DecodePoolStats | undefined, name: string, help: string, series: Array<[Record<string, string>, Figure]>): void {
  const last = new Map<string, number>();
  const labelNames = [...new Set(series.flatMap(([labels]) => Object.keys(labels)))];
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      const s = read();
      if (!s) return;
      const values = series.map(([labels, pick]) => [labels, pick(s)] as const).filter(([, v]) => Number.isFinite(v) && v >= 0);
      if (values.some(([labels, v]) => v < (last.get(JSON.stringify(labels)) ?? 0))) {
        this.reset();
        last.clear();
      }
      for (const [labels, value] of values) {
        const key = JSON.stringify(labels);
        this.inc(labels, value - (last.get(key) ?? 0));
        last.set(key, value);
      }
    },
  });
}

/** Registers the decode pool metrics on `registry`; `read` is called once per metric per scrape. */
export function registerDecodePoolMetrics(registry: Registry, read: DecodePoolStatsReader): void {
  const reg = [registry];
  const gauge = (name: string, help: string, series: Array<[Record<string, string>, Figure]>) => {
    const labelNames = [...new Set(series.flatMap(([labels]) => Object.keys(labels)))];
    new Gauge({
      name, help, labelNames, registers: reg,
      collect() {
        const s = read();
        for (const [labels, pick] of series) this.set(labels, s ? pick(s) : 0);
      },
    });
  };
  gauge('modsvar_asr_decode_workers', 'Decode worker threads of the segmented ASR pool', [[{}, (s) => s.workers]]);
  gauge('modsvar_asr_decode_workers_busy', 'Decode workers running a job now', [[{}, (s) => s.busyWorkers]]);
  gauge('modsvar_asr_decode_queue', 'Decode jobs waiting for a worker (finals go first)', [
    [{ kind: 'final' }, (s) => s.queuedFinals], [{ kind: 'interim' }, (s) => s.queuedInterims]]);
  gauge('modsvar_asr_decode_saturated', '1 while the decode pool is saturated (interims slowed down)', [[{}, (s) => (s.saturated ? 1 : 0)]]);
  gauge('modsvar_asr_interim_interval_factor', 'Multiplier of the interim decode interval under load (1 = not degraded)', [[{}, (s) => s.interimIntervalFactor]]);
  gauge('modsvar_asr_interim_interval_factor_max', 'Highest interim interval multiplier since start', [[{}, (s) => s.maxInterimIntervalFactor]]);
  gauge('modsvar_asr_interim_interval_ms', 'Audio between interim decodes under the current load (ms)', [[{}, (s) => s.effectiveInterimIntervalMs]]);
  gauge('modsvar_asr_decode_queue_wait_ms', 'Wait of a decode job for a free worker (ms): the last job and the most since start', [
    [{ stat: 'last' }, (s) => s.lastQueueWaitMs], [{ stat: 'max' }, (s) => s.maxQueueWaitMs]]);
  mirrorCounter(registry, read, 'modsvar_asr_decode_saturation_episodes_total', 'Times the decode pool became saturated', [[{}, (s) => s.saturationEpisodes]]);
  mirrorCounter(registry, read, 'modsvar_asr_decode_jobs_total', 'Decode jobs completed', [
    [{ kind: 'final' }, (s) => s.finalsDecoded], [{ kind: 'interim' }, (s) => s.interimsDecoded]]);
  mirrorCounter(registry, read, 'modsvar_asr_decode_interims_cancelled_total', 'Interim decodes cancelled before they ran', [[{}, (s) => s.interimsCancelled]]);
  mirrorCounter(registry, read, 'modsvar_asr_decode_jobs_failed_total', 'Decode jobs that failed', [[{}, (s) => s.jobsFailed]]);
  mirrorCounter(registry, read, 'modsvar_asr_decode_ms_total', 'Time spent decoding (ms)', [[{}, (s) => s.decodeMsTotal]]);
  mirrorCounter(registry, read, 'modsvar_asr_decoded_audio_ms_total', 'Audio decoded (ms); decode_ms_total ÷ this = real-time factor', [[{}, (s) => s.audioMsDecoded]]);
}
