/**
 * `modsvar serve` as an operator starts it: a child process with a config file, the API enabled, no
 * ASR, the test knowledge base. Probes answer at once; readiness waits for drachtio-server; SIGTERM
 * stops it cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDrachtioServer } from '../servers/drachtio-server.js';
import { ASR_OFF_MESSAGE } from '../../media/asr/create-asr.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const KB_DIR = new URL('../fixtures/kb', import.meta.url).pathname;

let child: ChildProcess | undefined;
let server: FakeDrachtioServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = server = dir = undefined;
});

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : undefined);
  return { status: res.status, body: await res.json() };
}

const MONITOR_TOKEN = 'smoke-monitor-token-0123456789';

describe('modsvar serve (child process)', () => {
  it('answers /healthz at once, reports drachtio down in /readyz until drachtio-server is up, and stops on SIGTERM', async () => {
    const drachtioPort = await freeTcpPort();
    const apiPort = await freeTcpPort();
    dir = mkdtempSync(join(tmpdir(), 'modsvar-serve-smoke-'));
    const configFile = join(dir, 'modsvar.yaml');
    writeFileSync(configFile, [
      'drachtio:', '  host: 127.0.0.1', `  port: ${drachtioPort}`, '  reconnectMaxMs: 300',
      'sip:', '  rtpPortMin: 46100', '  rtpPortMax: 46140',
      'api:', '  host: 127.0.0.1', `  port: ${apiPort}`, '  probesRequireToken: true',
      '  tokens:', '    - tokenEnv: MODSVAR_TOKEN_SMOKE_MONITOR', '      role: monitor',
      'asr:', '  provider: none',
      'kb:', `  dir: ${KB_DIR}`, `  indexDir: ${join(dir, 'index')}`,
      'crm:', '  provider: none',
      'log:', '  level: info',
      '',
    ].join('\n'));
    const out: string[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', 'sidecar/bin/modsvar.ts', 'serve', '--config', configFile], {
      cwd: ROOT, env: { ...process.env, MODSVAR_CONFIG: '', MODSVAR_DRACHTIO__SECRET: 'smoke-secret', MODSVAR_TOKEN_SMOKE_MONITOR: MONITOR_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => out.push(String(d)));
    child.stderr!.on('data', (d) => out.push(String(d)));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${apiPort}`;

    const health = await until('/healthz', async () => { const r = await getJson(`${base}/healthz`, MONITOR_TOKEN); return r.status === 200 ? r : undefined; });
    expect(health.status).toBe(200);
    expect((await getJson(`${base}/readyz`)).status).toBe(401); // probes need a token unless configured open
    const notReady = await getJson(`${base}/readyz`, MONITOR_TOKEN);
    expect(notReady.status).toBe(503);
    expect(notReady.body.ready).toBe(false);
    expect(notReady.body.checks.drachtio.ok).toBe(false);
    expect(notReady.body.checks.drachtio.detail).toContain(`127.0.0.1:${drachtioPort}`);
    expect(notReady.body.checks.index).toMatchObject({ ok: true });
    expect(notReady.body.checks.index.detail).toMatch(/^\d+ verified facts from /);
    expect(notReady.body.checks.asr).toMatchObject({ ok: true });

    server = await FakeDrachtioServer.start({ secret: 'smoke-secret', port: drachtioPort });
    await server.waitForRoute('invite', 1, 20_000);
    const ready = await until('/readyz 200', async () => { const r = await getJson(`${base}/readyz`, MONITOR_TOKEN); return r.status === 200 ? r : undefined; });
    expect(ready.body).toMatchObject({ ready: true, checks: { drachtio: { ok: true }, index: { ok: true }, asr: { ok: true } } });
    expect(server.authAttempts.at(-1)).toEqual({ secret: 'smoke-secret', ok: true });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const log = out.join('');
    expect(log).toContain(ASR_OFF_MESSAGE);
    expect(log).toContain('modsvar stopped');
    expect(log).not.toContain('smoke-secret');
    expect(log).not.toContain(MONITOR_TOKEN);
  }, 60_000);
});
