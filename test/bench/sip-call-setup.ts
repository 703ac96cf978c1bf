/**
 * SIPREC call setup and teardown through the whole signalling path: the fake drachtio-server's wire
 * protocol → drachtio-srf → SrfApp → interpretInitialInvite → RecordingSession (two real StreamPipelines,
 * UDP sockets bound) → 200 OK echoed → ACK; then BYE → close cascade → ports back. Prints INVITE→200 latency
 * (sequential, p50/p95), setup rate with many calls in flight, and memory per live two-stream session.
 * Asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { configSchema } from '../../sidecar/config/schema.js';
import { RecordingServer } from '../../sidecar/sip/recording-server.js';
import { SrfApp } from '../../sidecar/sip/srf-app.js';
import { PortPool } from '../../media/rtp/port-pool.js';
import { StreamPipeline } from '../../media/stream-pipeline.js';
import { FakeDrachtioServer } from '../servers/drachtio-server.js';
import { getHeader, type SipMessage } from '../servers/sip-message.js';
import { registerBench } from './bench-registry.js';

const INVITE = readFileSync(new URL('../fixtures/siprec/18-audiocodes-mediant-siprec.sip', import.meta.url), 'utf8');
const BYE = readFileSync(new URL('../fixtures/siprec/10-avaya-sbce-bye.sip', import.meta.url), 'utf8');

function call(n: number): string {
  return INVITE.replace(/^(Call-ID:\s*)(.*)$/m, `$1bench-${n}-$2`).replace(/^(From:.*;tag=)(\S+)$/m, `$1$2-${n}`);
}

function byeFor(invite: SipMessage, ok: SipMessage): string {
  return BYE.replace(/^Call-ID:.*$/m, `Call-ID: ${getHeader(invite, 'call-id')}`)
    .replace(/^From:.*$/m, `From: ${getHeader(invite, 'from')}`)
    .replace(/^To:.*$/m, `To: ${getHeader(ok, 'to')}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

registerBench({
  name: 'sip-call-setup',
  async run() {
    const server = await FakeDrachtioServer.start();
    const config = configSchema.parse({
      drachtio: { port: server.port }, sip: { allowedSources: ['0.0.0.0/0'], rtpPortMin: 44000, rtpPortMax: 44999, maxCalls: 1000 },
    });
    const logger = pino({ level: 'silent' });
    const pool = new PortPool({ minPort: 44000, maxPort: 44999, bindAddress: '127.0.0.1' });
    const recordings = new RecordingServer({
      sip: { ...config.sip, rtpBindAddress: '127.0.0.1' }, media: config.media, ports: pool,
      openPipeline: (o) => StreamPipeline.open(o), logger,
    });
    const app = new SrfApp({ drachtio: config.drachtio, recordings, logger });
    app.start();
    await server.waitForRoute('invite');

    const setupMs: number[] = [];
    const teardownMs: number[] = [];
    let n = 0;
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const inv = server.inject(call(n++));
      const ok = await inv.final();
      setupMs.push(performance.now() - t0);
      await server.waitFor(() => recordings.size === 1 && recordings.list()[0].streamLabels.length === 2, 5000);
      const t1 = performance.now();
      await server.inject(byeFor(inv.request, ok)).final();
      await server.waitFor(() => recordings.size === 0 && pool.leased === 0, 5000);
      teardownMs.push(performance.now() - t1);
    }
    setupMs.sort((a, b) => a - b);
    teardownMs.sort((a, b) => a - b);

    const concurrent = 100;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const t2 = performance.now();
    const calls = Array.from({ length: concurrent }, () => server.inject(call(n++)));
    const oks = await Promise.all(calls.map((c) => c.final(20_000)));
    await server.waitFor(() => recordings.size === concurrent, 20_000);
    const burstMs = performance.now() - t2;
    global.gc?.();
    const heapPerSessionKb = (process.memoryUsage().heapUsed - heapBefore) / concurrent / 1024;
    const t3 = performance.now();
    await Promise.all(calls.map((c, i) => server.inject(byeFor(c.request, oks[i])).final(20_000)));
    await server.waitFor(() => recordings.size === 0 && pool.leased === 0, 20_000);
    const byeBurstMs = performance.now() - t3;

    await recordings.shutdown(2000);
    await app.stop();
    await server.close();
    return {
      figures: {
        inviteTo200P50Ms: percentile(setupMs, 50),
        inviteTo200P95Ms: percentile(setupMs, 95),
        byeToPortsFreedP50Ms: percentile(teardownMs, 50),
        byeToPortsFreedP95Ms: percentile(teardownMs, 95),
        [`burst${concurrent}CallsSetupMs`]: burstMs,
        burstCallsPerSecond: Math.round((concurrent * 1000) / burstMs),
        [`burst${concurrent}ByesMs`]: byeBurstMs,
        heapPerLiveSessionKb: global.gc ? heapPerSessionKb : 'run node with --expose-gc',
        allOk: oks.every((o) => o.status === 200) ? 'yes' : 'no',
      },
      details: ['two-stream SIPREC INVITE (AudioCodes fixture), PCMU, real UDP sockets; wire protocol over loopback TCP'],
    };
  },
});
