/**
 * Test harness: the real SrfApp (real drachtio-srf) + RecordingServer + PortPool + StreamPipeline against
 * the fake drachtio-server, with a logger that records every line as JSON.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { configSchema, type ModsvarConfig } from '../../../../sidecar/config/schema.js';
import { RecordingServer } from '../../../../sidecar/sip/recording-server.js';
import { SrfApp } from '../../../../sidecar/sip/srf-app.js';
import { PortPool } from '../../../../media/rtp/port-pool.js';
import { StreamPipeline } from '../../../../media/stream-pipeline.js';
import { FakeDrachtioServer } from '../../../servers/drachtio-server.js';
import type { SipMessage } from '../../../servers/sip-message.js';
import { getHeader, headerParam } from '../../../servers/sip-message.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger writing JSON lines into `lines` (and the raw text into `raw`, for secret checks). */
export function captureLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, raw };
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/siprec/${name}`, import.meta.url), 'utf8');
}

/** Rewrites an in-dialog fixture to belong to the dialog the INVITE + 200 OK made (Call-ID, From, To with our tag). */
export function intoDialog(raw: string, invite: SipMessage, ok: SipMessage): string {
  const set = (text: string, name: string, value: string) =>
    text.replace(new RegExp(`^${name}\\s*:.*$`, 'im'), `${name}: ${value}`);
  let out = set(raw, 'Call-ID', getHeader(invite, 'call-id')!);
  out = set(out, 'From', getHeader(invite, 'from')!);
  out = set(out, 'To', getHeader(ok, 'to')!);
  return out;
}

/** Gives a fixture a fresh Call-ID and From tag, so one file can start several calls. */
export function freshCall(raw: string, n: number): string {
  return raw
    .replace(/^(Call-ID\s*:\s*)(.*)$/im, `$1call-${n}-$2`)
    .replace(/^(From\s*:.*;tag=)([^;\r\n]+)/im, `$1$2-${n}`);
}

export function toTag(msg: SipMessage): string | undefined {
  return headerParam(getHeader(msg, 'to'), 'tag');
}

export interface Harness {
  server: FakeDrachtioServer;
  app: SrfApp;
  recordings: RecordingServer;
  pool: PortPool;
  config: ModsvarConfig;
  lines: LogLine[];
  raw: string[];
  close(): Promise<void>;
}

/** A port range per test process, so parallel test files do not fight over RTP ports. */
function portRange(): { rtpPortMin: number; rtpPortMax: number } {
  const base = 42000 + (process.pid % 500) * 40;
  return { rtpPortMin: base, rtpPortMax: base + 38 };
}

export interface HarnessOptions {
  sip?: Record<string, unknown>;
  drachtio?: Record<string, unknown>;
  serverSecret?: string;
  udp?: boolean;
  /** Wait for the routes (default true). */
  waitReady?: boolean;
  /** Pipelines also emit each frame's G.711 payload (`asr.deepgram.sendG711` in production). */
  g711Payload?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = await FakeDrachtioServer.start({ secret: options.serverSecret ?? 'cymru', udp: options.udp });
  const { logger, lines, raw } = captureLogger();
  const config = configSchema.parse({
    drachtio: { host: '127.0.0.1', port: server.port, secret: 'cymru', transactionTimeoutMs: 3000, reconnectMaxMs: 400, ...options.drachtio },
    sip: { allowedSources: ['192.0.2.0/24', '127.0.0.0/8'], ...portRange(), ...options.sip },
    media: { jitterBufferMs: 40 },
  });
  const pool = new PortPool({ minPort: config.sip.rtpPortMin, maxPort: config.sip.rtpPortMax, bindAddress: '127.0.0.1' });
  const recordings = new RecordingServer({
    sip: { ...config.sip, rtpBindAddress: '127.0.0.1' }, media: config.media, ports: pool,
    openPipeline: (o) => StreamPipeline.open({ ...o, g711Payload: options.g711Payload }), drainTimeoutMs: 1000, transactionTimeoutMs: 3000, logger,
  });
  const app = new SrfApp({ drachtio: config.drachtio, recordings, logger });
  app.start();
  if (options.waitReady !== false) await server.waitForRoute('invite');
  return {
    server, app, recordings, pool, config, lines, raw,
    async close() {
      await recordings.shutdown(2000);
      await app.stop();
      await server.close();
    },
  };
}
