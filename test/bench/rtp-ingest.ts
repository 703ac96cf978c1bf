/**
 * RTP ingest benchmark: what one stream packet costs and how many G.711 streams one core takes.
 *
 * 1. Per-packet cost in process (no socket): `StreamPipeline.ingest()` = source check + RTP parse + RFC 3550
 *    sequence/jitter stats + jitter buffer + G.711 LUT decode + speex 8 → 16 kHz + `frame` event, round-robin
 *    over many streams (cold caches, like production). Parse alone and decode + resample alone for the split.
 * 2. Concurrent streams over real UDP loopback: a worker thread (the other core) sends N streams of 20 ms
 *    PCMU packets at 50 packets/s each; the main thread runs N StreamPipelines. N steps up until packets are
 *    dropped inside the process or frames lag behind real time. Main-thread event-loop utilisation (ELU), loop
 *    delay and main-thread CPU time per packet (from /proc, so other processes on a shared machine do not
 *    inflate it) are printed per step. Capacity limits on a loaded machine are lower bounds.
 * Prints figures only; no thresholds. Speech: test/fixtures/audio/librivox-0880-8k.wav.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../../sidecar/core/logger.js';
import { encodeG711, MULAW_TABLE } from '../../media/codecs/g711.js';
import { loadResamplerModule, Resampler } from '../../media/codecs/resampler.js';
import { FrameAssembler } from '../../media/frame-assembler.js';
import { buildRtpPacket, createRtpPacket, parseRtpPacket } from '../../media/rtp/rtp-packet.js';
import { StreamPipeline } from '../../media/stream-pipeline.js';
import { readWavPcm16 } from '../helpers/media.js';
import { registerBench, type Figures } from './bench-registry.js';

const logger = silentLogger();
const FROM = { address: '127.0.0.1', port: 5004 };

function speechPayloads(): Uint8Array[] {
  const wav = readWavPcm16(fileURLToPath(new URL('../fixtures/audio/librivox-0880-8k.wav', import.meta.url)));
  const ulaw = encodeG711('PCMU', wav.samples);
  const out: Uint8Array[] = [];
  for (let i = 0; i + 160 <= ulaw.length; i += 160) out.push(ulaw.slice(i, i + 160));
  return out;
}

async function openPipelines(n: number): Promise<StreamPipeline[]> {
  const pipelines: StreamPipeline[] = [];
  for (let i = 0; i < n; i++) {
    pipelines.push(await StreamPipeline.open({
      label: `s${i}`, bindAddress: '127.0.0.1', port: 0, payloadTypes: { 0: 'PCMU' }, jitterBufferMs: 60, resamplerQuality: 5, logger,
    }));
  }
  return pipelines;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Part 1: µs per packet in process. */
async function perPacket(payloads: Uint8Array[]): Promise<Figures> {
  const streams = 300;
  const rounds = 300;
  const pipelines = await openPipelines(streams);
  let frames = 0;
  for (const p of pipelines) p.on('frame', () => void frames++);
  const packets = pipelines.map((_, s) => Array.from({ length: rounds }, (_, r) => buildRtpPacket({
    payloadType: 0, sequenceNumber: r, timestamp: r * 160, ssrc: s + 1, payload: payloads[r % payloads.length],
  })));
  const batch = 50;
  const batchUs: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let r0 = 0; r0 < rounds; r0 += batch) {
    if (r0 === batch) cpu0 = process.cpuUsage(); // first batch = warm-up
    const t0 = performance.now();
    for (let r = r0; r < r0 + batch; r++) for (let s = 0; s < streams; s++) pipelines[s].ingest(packets[s][r], FROM);
    const us = ((performance.now() - t0) * 1000) / (batch * streams);
    if (r0 > 0) batchUs.push(us);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / ((rounds - batch) * streams);
  const framesOk = frames === streams * rounds;
  await Promise.all(pipelines.map((p) => p.close('shutdown')));

  // Split: RTP parse alone, and decode + resample alone, over the same packets.
  const pkt = createRtpPacket();
  const flat = packets.flat();
  let t0 = performance.now();
  for (let k = 0; k < 5; k++) for (const b of flat) parseRtpPacket(b, pkt);
  const parseUs = ((performance.now() - t0) * 1000) / (5 * flat.length);
  const resamplers = Array.from({ length: streams }, () => Resampler.create(8000, 16000, 5));
  const assemblers = resamplers.map((r) => new FrameAssembler(r, () => {}));
  t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (let s = 0; s < streams; s++) assemblers[s].play(payloads[r % payloads.length], 0, 160, MULAW_TABLE);
  const decodeResampleUs = ((performance.now() - t0) * 1000) / (rounds * streams);
  for (const r of resamplers) r.destroy();
  // The same with the G.711 payload per frame for the ASR (`g711Payload`, asr.deepgram.sendG711).
  const resamplersG = Array.from({ length: streams }, () => Resampler.create(8000, 16000, 5));
  const assemblersG = resamplersG.map((r) => new FrameAssembler(r, () => {}, { g711: true }));
  t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (let s = 0; s < streams; s++) assemblersG[s].play(payloads[r % payloads.length], 0, 160, MULAW_TABLE);
  const withPayloadUs = ((performance.now() - t0) * 1000) / (rounds * streams);
  for (const r of resamplersG) r.destroy();

  const pipelineUs = median(batchUs);
  return {
    'ingest per packet, CPU µs (robust to other load)': cpuUs,
    'ingest per packet, µs (median of batches)': pipelineUs,
    'ingest per packet, µs (min–max)': `${Math.min(...batchUs).toFixed(2)}–${Math.max(...batchUs).toFixed(2)}`,
    '  of which RTP parse, µs': parseUs,
    '  of which decode + resample + frame, µs': decodeResampleUs,
    '  same with the G.711 payload for the ASR, µs': withPayloadUs,
    '  rest (stats, jitter buffer, event), µs': Math.max(0, pipelineUs - parseUs - decodeResampleUs),
    'streams per core at 100 % (50 pkt/s), no socket': Math.floor(1e6 / (50 * Math.min(cpuUs, pipelineUs))),
    'all frames emitted': framesOk ? 'yes' : 'NO',
  };
}

const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { ports, payloads, durationMs } = workerData;
const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
sock.bind(0, '127.0.0.1', () => {
  const n = ports.length, totalRounds = durationMs / 20;
  let round = 0, sent = 0, errors = 0, maxBehind = 0;
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.min(totalRounds, Math.floor((performance.now() - t0) / 20) + 1);
    while (round < due) {
      for (let i = 0; i < n; i++) {
        const b = Buffer.allocUnsafe(172);
        b[0] = 0x80; b[1] = 0; b.writeUInt16BE(round & 0xffff, 2); b.writeUInt32BE((round * 160) >>> 0, 4); b.writeUInt32BE(i + 1, 8);
        b.set(payloads[round % payloads.length], 12);
        sock.send(b, ports[i], '127.0.0.1', (err) => { if (err) errors++; });
        sent++;
      }
      round++;
    }
    maxBehind = Math.max(maxBehind, Math.floor((performance.now() - t0) / 20) + 1 - round);
    if (round >= totalRounds) {
      clearInterval(timer);
      parentPort.postMessage({ sent, rounds: round, errors, maxBehind, elapsedMs: performance.now() - t0 });
      setTimeout(() => sock.close(), 100);
    }
  }, 4);
});`;

/** CPU time of the main thread in ms (Linux /proc, 10 ms ticks); undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return undefined;
  }
}

interface Step { streams: number; sent: number; accounted: number; drops: number; lagMs: number; elu: number; p99Ms: number; usPerPacket: number; cpuUsPerPacket: number | undefined; senderBehind: number }

/** Part 2: one step of N concurrent streams over loopback UDP. */
async function udpStep(n: number, payloads: Uint8Array[], durationMs: number): Promise<Step> {
  const pipelines = await openPipelines(n);
  let frames = 0;
  for (const p of pipelines) p.on('frame', () => void frames++);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const worker = new Worker(SENDER, { eval: true, workerData: { ports: pipelines.map((p) => p.port), payloads, durationMs } });
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = mainThreadCpuMs();
  delay.enable();
  const t0 = performance.now();
  const report = await new Promise<{ sent: number; rounds: number; errors: number; maxBehind: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const framesAtEnd = frames;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu1 = mainThreadCpuMs();
  const wallMs = performance.now() - t0;
  delay.disable();
  await new Promise((r) => setTimeout(r, 300)); // let socket queues drain before counting drops
  await worker.terminate();
  let accounted = 0;
  for (const p of pipelines) {
    const s = p.stats();
    accounted += s.received + s.late + s.duplicate + s.malformed + s.wrongSource;
  }
  await Promise.all(pipelines.map((p) => p.close('shutdown')));
  return {
    streams: n,
    sent: report.sent,
    accounted,
    drops: report.sent - accounted,
    lagMs: Math.max(0, (report.rounds - framesAtEnd / n) * 20),
    elu: elu.utilization,
    p99Ms: delay.percentile(99) / 1e6,
    usPerPacket: (elu.utilization * wallMs * 1000) / Math.max(1, accounted),
    cpuUsPerPacket: cpu0 !== undefined && cpu1 !== undefined ? ((cpu1 - cpu0) * 1000) / Math.max(1, accounted) : undefined,
    senderBehind: report.maxBehind,
  };
}

async function capacity(payloads: Uint8Array[]): Promise<{ figures: Figures; details: string[] }> {
  const steps = [250, 500, 750, 1000, 1500, 2000, 2500, 3000];
  const durationMs = 3000;
  // "sender behind" = most 20 ms rounds the sending thread was late by (it catches up with bursts).
  const details = ['streams   sent pkts  drops  frame lag ms  main ELU  loop p99 ms  µs/pkt (ELU)  CPU µs/pkt  sender behind'];
  let sustained = 0;
  let limit = 'not reached';
  let costAtSustained = 0;
  for (const n of steps) {
    const s = await udpStep(n, payloads, durationMs);
    details.push(`${String(n).padStart(7)}  ${String(s.sent).padStart(9)}  ${String(s.drops).padStart(5)}  ${s.lagMs.toFixed(0).padStart(12)}  ${(s.elu * 100).toFixed(0).padStart(7)}%  ${s.p99Ms.toFixed(1).padStart(11)}  ${s.usPerPacket.toFixed(2).padStart(12)}  ${(s.cpuUsPerPacket?.toFixed(2) ?? 'n/a').padStart(10)}  ${String(s.senderBehind).padStart(13)}`);
    if (s.drops > 0 || s.lagMs > 100) {
      limit = `${n} streams (${s.drops} drops, frames ${s.lagMs.toFixed(0)} ms behind)`;
      break;
    }
    sustained = n;
    costAtSustained = s.cpuUsPerPacket ?? s.usPerPacket;
  }
  return {
    figures: {
      'UDP streams sustained, one core, no drops': sustained,
      'first failing step': limit,
      'main-thread CPU µs per packet incl. dgram receive': costAtSustained,
      'streams per core at 70 % from that cost': costAtSustained > 0 ? Math.floor((0.7 * 1e6) / (50 * costAtSustained)) : 0,
    },
    details,
  };
}

export async function runRtpIngestBench(): Promise<{ figures: Figures; details: string[] }> {
  await loadResamplerModule();
  const payloads = speechPayloads();
  const load = loadavg()[0].toFixed(2);
  const a = await perPacket(payloads);
  const b = await capacity(payloads);
  const ratio = Number(b.figures['main-thread CPU µs per packet incl. dgram receive']) / Number(a['ingest per packet, CPU µs (robust to other load)']);
  return {
    figures: { 'machine load average at start (1 min)': load, ...a, ...b.figures, 'ratio: cost with UDP receive / pipeline alone': Number.isFinite(ratio) ? ratio : 'n/a' },
    details: b.details,
  };
}

registerBench({ name: 'rtp-ingest', run: runRtpIngestBench });
