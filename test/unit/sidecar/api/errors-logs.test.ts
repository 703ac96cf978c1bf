import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { bindOnce } from '../../../../sidecar/api/server.js';
import { createLogger } from '../../../../sidecar/core/logger.js';
import { auth, buildFixture, openSocket, seedCalls, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

/** A JSON-lines logger whose raw lines the test reads (duplicate keys are only visible in the raw text). */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  return { lines, logger: createLogger({ destination, level: 'debug', pretty: false }) };
}

/** How often `"key":` occurs at the top level of a raw JSON line. */
function topLevelCount(line: string, key: string): number {
  let depth = 0;
  let n = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      if (depth === 1 && line.startsWith(`"${key}":`, i)) n++;
      inString = true;
    }
  }
  return n;
}

describe('API log lines', () => {
  it('bind each key once, also when the host logger already carries component=api', async () => {
    const { lines, logger } = capture();
    expect(bindOnce(logger, { component: 'api' }).bindings()).toEqual({ name: 'modsvar', component: 'api' });
    const api = logger.child({ component: 'api' });
    expect(bindOnce(api, { component: 'api' })).toBe(api);
    fx = await buildFixture({ logger: api });
    fx.app.log.info({ callId: 'c1' }, 'hello');
    const line = lines.find((l) => l.includes('"hello"'))!;
    expect(JSON.parse(line)).toMatchObject({ component: 'api', callId: 'c1', msg: 'hello' });
    expect(topLevelCount(line, 'component')).toBe(1);
    expect(topLevelCount(line, 'name')).toBe(1);
  });

  it('log an authenticated client\'s oversized WebSocket message once at warn, without a stack, and close 1009', async () => {
    const { lines, logger } = capture();
    fx = await buildFixture({ logger: logger.child({ component: 'api' }) });
    seedCalls(fx.registry);
    const { ws, next } = await openSocket(fx.app, '/api/calls/call-anna/ws', auth(TOKENS.anna));
    await next(1);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(5000));
    expect(await closed).toBe(1009);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.filter((e) => (e.level as number) >= 50)).toEqual([]);
    const warns = entries.filter((e) => e.level === 40);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ component: 'api', code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', closeCode: 1009, subject: 'token:T_ANNA' });
    expect(warns[0].msg).toContain('closed 1009');
    expect(JSON.stringify(warns[0])).not.toContain('stack');
    for (const l of lines) expect(topLevelCount(l, 'component')).toBeLessThanOrEqual(1);
  });
});

describe('error bodies and readiness details', () => {
  it('answers an oversized body 413 payload_too_large', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const res = await fx.app.inject({
      method: 'POST', url: '/api/calls/call-anna/cards/card-1/feedback',
      headers: { ...auth(TOKENS.anna), 'content-type': 'application/json' },
      payload: JSON.stringify({ kind: 'used', note: 'x'.repeat(70 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'payload_too_large' });
  });

  it('shows readiness details (paths, hosts) to supervisors and monitors only', async () => {
    const readiness = {
      index: () => ({ ok: false, detail: 'no index at /var/lib/modsvar/index/kb.hnsw' }),
      drachtio: () => ({ ok: true, detail: 'connected to 10.0.0.5:9022' }),
    };
    fx = await buildFixture({ readiness });
    for (const token of [TOKENS.sup, TOKENS.mon]) {
      const res = await fx.app.inject({ url: '/readyz', headers: auth(token) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ ready: false, checks: { index: { ok: false, detail: 'no index at /var/lib/modsvar/index/kb.hnsw' }, drachtio: { ok: true, detail: 'connected to 10.0.0.5:9022' } } });
    }
    const agent = await fx.app.inject({ url: '/readyz', headers: auth(TOKENS.anna) });
    expect(agent.statusCode).toBe(503);
    expect(agent.json()).toEqual({ ready: false, checks: { index: { ok: false }, drachtio: { ok: true } } });
    expect(agent.body).not.toContain('/var/lib');
  });

  it('shows no readiness details on an open probe path', async () => {
    fx = await buildFixture({ readiness: { index: () => ({ ok: true, detail: '/srv/kb/index: 1204 chunks' }) } }, { probesRequireToken: false });
    const res = await fx.app.inject({ url: '/readyz' });
    expect(res.json()).toEqual({ ready: true, checks: { index: { ok: true } } });
  });
});
