import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../sidecar/core/logger.js';
import { agentTakesPart, normaliseAor } from '../../../../sidecar/api/auth/principal.js';
import { staticTokenVerifier } from '../../../../sidecar/api/auth/static-tokens.js';
import { auth, buildFixture, seedCalls, TOKENS, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

const protectedRoutes: [string, string][] = [
  ['GET', '/api/calls'], ['GET', '/api/calls/call-anna'], ['POST', '/api/calls/call-anna/cards/card-1/feedback'],
  ['GET', '/api/knowledge/search?q=pris'], ['GET', '/api/stats/today'], ['GET', '/api/session'], ['DELETE', '/api/session'],
  ['GET', '/api/schema/call-events'], ['GET', '/healthz'], ['GET', '/readyz'], ['GET', '/metrics'],
];

describe('API access control', () => {
  it('answers 401 with no detail on every route without a credential, with a wrong one, or a malformed header', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    for (const [method, url] of protectedRoutes) {
      for (const headers of [{}, auth('wrong-token-0123456789abc'), { authorization: 'Basic abc' }, { authorization: 'Bearer' }]) {
        const res = await fx.app.inject({ method: method as 'GET', url, headers, ...(method === 'POST' && { payload: { kind: 'used' } }) });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json()).toEqual({ error: 'unauthorized' });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    }
  });

  it('refuses both WebSocket upgrades without a credential with 401', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    for (const path of ['/api/calls/call-anna/ws', '/api/wall/ws']) {
      await expect(fx.app.injectWS(path, {})).rejects.toThrow('Unexpected server response: 401');
      await expect(fx.app.injectWS(path, { headers: auth('wrong-token-0123456789abc') })).rejects.toThrow('Unexpected server response: 401');
    }
  });

  it('answers 403 to a role the route does not allow', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const cases: [string, string, string][] = [
      ['GET', '/metrics', TOKENS.anna], ['GET', '/api/calls', TOKENS.mon], ['GET', '/api/stats/today', TOKENS.anna],
      ['POST', '/api/calls/call-anna/cards/card-1/feedback', TOKENS.sup], ['GET', '/api/session', TOKENS.mon],
      ['GET', '/api/knowledge/search?q=pris', TOKENS.mon], ['GET', '/api/calls/call-anna', TOKENS.mon],
      ['GET', '/api/schema/call-events', TOKENS.mon], ['DELETE', '/api/session', TOKENS.mon],
    ];
    for (const [method, url, token] of cases) {
      const res = await fx.app.inject({ method: method as 'GET', url, headers: auth(token), ...(method === 'POST' && { payload: { kind: 'used' } }) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden' });
    }
  });

  it('logs in with a token, then authenticates by the HttpOnly session cookie until logout', async () => {
    fx = await buildFixture();
    const login = await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token: TOKENS.anna } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ name: 'Anna Holm', role: 'agent', aors: ['1001'] });
    const cookie = login.cookies.find((c) => c.name === 'modsvar_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.value).not.toContain(TOKENS.anna);
    const me = await fx.app.inject({ url: '/api/session', cookies: { modsvar_session: cookie.value } });
    expect(me.json()).toEqual({ name: 'Anna Holm', role: 'agent', aors: ['1001'] });
    const out = await fx.app.inject({ method: 'DELETE', url: '/api/session', cookies: { modsvar_session: cookie.value } });
    expect(out.statusCode).toBe(204);
    const after = await fx.app.inject({ url: '/api/session', cookies: { modsvar_session: cookie.value } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong login and a monitor token at login with 401', async () => {
    fx = await buildFixture();
    for (const token of ['not-a-valid-token-at-all', TOKENS.mon]) {
      const res = await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized' });
      expect(res.cookies).toHaveLength(0);
    }
  });

  it('rate-limits login attempts per client address with 429', async () => {
    fx = await buildFixture({}, { rateLimit: { loginPerMinute: 3 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token: `guess-number-${i}-xxxxxxxx` } })).statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  it('counts rejected bearer guesses against the general limit', async () => {
    fx = await buildFixture({}, { rateLimit: { perMinute: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await fx.app.inject({ url: '/api/calls', headers: auth(`guess-${i}-xxxxxxxxxxxxxxx`) })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
  });
});

describe('static tokens', () => {
  it('skips an unset or short token variable with a warning that names the variable, never a value', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) });
    const v = staticTokenVerifier([
      { tokenEnv: 'T_SET', role: 'supervisor', aors: [] },
      { tokenEnv: 'T_SHORT', role: 'agent', aors: ['1'] },
      { tokenEnv: 'T_UNSET', role: 'agent', aors: ['2'] },
    ], { T_SET: 'x'.repeat(24), T_SHORT: 'short-secret' }, logger);
    expect(v.size).toBe(1);
    expect(await v.verify('x'.repeat(24))).toMatchObject({ role: 'supervisor', subject: 'token:T_SET', aors: [] });
    expect(await v.verify('short-secret')).toBeUndefined();
    const text = lines.join('');
    expect(text).toContain('T_SHORT');
    expect(text).toContain('T_UNSET');
    expect(text).not.toContain('short-secret');
    expect(text).not.toContain('x'.repeat(24));
  });

  it('matches agents to calls by full AoR or by extension', () => {
    expect(normaliseAor('"Anna" <sip:1001@PBX.example.com;transport=tcp>')).toBe('1001@pbx.example.com');
    expect(normaliseAor('tel:+4520123456')).toBe('+4520123456');
    const parts = [{ id: 'a', aor: 'sip:1001@pbx.example.com', role: 'agent' as const }];
    expect(agentTakesPart(['1001'], parts)).toBe(true);
    expect(agentTakesPart(['sip:1001@pbx.example.com'], parts)).toBe(true);
    expect(agentTakesPart(['1001@other.example.com'], parts)).toBe(false);
    expect(agentTakesPart(['100'], parts)).toBe(false);
    expect(agentTakesPart([], parts)).toBe(false);
  });
});

describe('session cookies and logs', () => {
  it('refuses a session cookie sent from another origin (cross-site WebSocket or form), accepts the same origin', async () => {
    fx = await buildFixture();
    seedCalls(fx.registry);
    const login = await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token: TOKENS.anna } });
    const cookie = `modsvar_session=${login.cookies[0].value}`;
    const evil = await fx.app.inject({ url: '/api/calls', headers: { cookie, origin: 'https://evil.example', host: 'modsvar.local' } });
    expect(evil.statusCode).toBe(403);
    await expect(fx.app.injectWS('/api/calls/call-anna/ws', { headers: { cookie, origin: 'https://evil.example', host: 'modsvar.local' } }))
      .rejects.toThrow('Unexpected server response: 403');
    const same = await fx.app.inject({ url: '/api/calls', headers: { cookie, origin: 'http://modsvar.local', host: 'modsvar.local' } });
    expect(same.statusCode).toBe(200);
    const ws = await fx.app.injectWS('/api/calls/call-anna/ws', { headers: { cookie, origin: 'http://modsvar.local', host: 'modsvar.local' } });
    ws.terminate();
  });

  it('never writes a token or session id to the log, whatever the outcome', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) });
    fx = await buildFixture({ logger });
    seedCalls(fx.registry);
    const login = await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token: TOKENS.anna } });
    const sid = login.cookies[0].value;
    await fx.app.inject({ method: 'POST', url: '/api/session', payload: { token: 'wrong-guess-0123456789abcdef' } });
    await fx.app.inject({ url: '/api/calls', headers: auth(TOKENS.sup) });
    await fx.app.inject({ url: '/api/calls', headers: auth('wrong-guess-0123456789abcdef') });
    await fx.app.inject({ url: '/api/calls', cookies: { modsvar_session: sid } });
    await fx.app.inject({ method: 'POST', url: '/api/calls/call-anna/cards/none/feedback', headers: auth(TOKENS.anna), payload: { kind: 'used' } });
    const text = lines.join('');
    expect(text).toContain('login');
    for (const secret of [TOKENS.anna, TOKENS.sup, sid, 'wrong-guess-0123456789abcdef']) expect(text).not.toContain(secret);
  });
});
