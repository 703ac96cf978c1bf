import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcVerifier, roleFromClaim } from '../../../../sidecar/api/auth/oidc.js';
import { apiOidcSchema } from '../../../../sidecar/config/schema.js';
import { auth, buildFixture, seedCalls } from './api-fixture.js';

/** A local identity provider: one RSA key, its JWKS served over HTTP, requests counted. */
let server: Server;
let issuer: string;
let privateKey: KeyObject;
let otherKey: KeyObject;
let jwksRequests = 0;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === '/realms/sales/certs') {
      jwksRequests++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/sales`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = () => apiOidcSchema.parse({ issuer, jwksUrl: `${issuer}/certs`, audience: 'modsvar', roleClaim: 'realm_access.roles' });
const sign = (payload: Record<string, unknown>, opts: { key?: KeyObject; kid?: string; expiresIn?: number; aud?: string; iss?: string } = {}) =>
  createSigner({
    key: (opts.key ?? privateKey).export({ format: 'pem', type: 'pkcs8' }) as string,
    algorithm: 'RS256', kid: opts.kid ?? 'key-1', ...('expiresIn' in opts ? {} : { expiresIn: 300_000 }),
    aud: opts.aud ?? 'modsvar', iss: opts.iss ?? issuer,
  })(payload);

describe('OIDC/JWT verification', () => {
  it('accepts a token signed by the issuer\'s JWKS key and maps role, AoRs and name from claims', async () => {
    const v = oidcVerifier(config());
    const p = await v.verify(sign({ sub: 'u-17', name: 'Anna Holm', realm_access: { roles: ['offline', 'agent'] }, modsvar_aors: ['1001', 'sip:anna@pbx.example.com'] }));
    expect(p).toMatchObject({ subject: 'oidc:u-17', name: 'Anna Holm', role: 'agent', aors: ['1001', 'sip:anna@pbx.example.com'] });
    expect(p!.expiresAtMs).toBeGreaterThan(Date.now());
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('rejects a wrong audience, a wrong issuer, an expired token, a foreign key, an unknown kid and a missing role', async () => {
    const v = oidcVerifier(config());
    const base = { sub: 'u-1', realm_access: { roles: ['supervisor'] } };
    expect(await v.verify(sign(base))).toMatchObject({ role: 'supervisor', aors: [] });
    expect(await v.verify(sign(base, { aud: 'someone-else' }))).toBeUndefined();
    expect(await v.verify(sign(base, { iss: 'https://evil.example.com' }))).toBeUndefined();
    expect(await v.verify(sign({ ...base, exp: Math.floor(Date.now() / 1000) - 3600 }, { expiresIn: undefined }))).toBeUndefined();
    expect(await v.verify(sign(base, { key: otherKey }))).toBeUndefined();
    expect(await v.verify(sign(base, { kid: 'key-404' }))).toBeUndefined();
    expect(await v.verify(sign({ sub: 'u-2', realm_access: { roles: ['offline'] } }))).toBeUndefined();
    expect(await v.verify('not.a.jwt')).toBeUndefined();
  });

  it('picks the strongest role from a role list', () => {
    expect(roleFromClaim(['agent', 'supervisor'])).toBe('supervisor');
    expect(roleFromClaim('monitor')).toBe('monitor');
    expect(roleFromClaim(['admin'])).toBeUndefined();
  });

  it('lets a JWT agent read only their own call through the API', async () => {
    const fx = await buildFixture({}, { tokens: [], oidc: { issuer, jwksUrl: `${issuer}/certs`, audience: 'modsvar' } });
    seedCalls(fx.registry);
    const token = sign({ sub: 'u-17', modsvar_role: 'agent', modsvar_aors: '1001' });
    expect((await fx.app.inject({ url: '/api/calls/call-anna', headers: auth(token) })).statusCode).toBe(200);
    expect((await fx.app.inject({ url: '/api/calls/call-bo', headers: auth(token) })).statusCode).toBe(403);
    expect((await fx.app.inject({ url: '/api/calls/call-anna', headers: auth(sign({ sub: 'u-17', modsvar_role: 'agent' }, { key: otherKey })) })).statusCode).toBe(401);
    await fx.close();
  });
});
