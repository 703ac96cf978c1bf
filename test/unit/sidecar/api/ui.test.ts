import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from './api-fixture.js';

let fx: Fixture | undefined;
afterEach(async () => { await fx?.close(); fx = undefined; });

function builtUi(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modsvar-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Modsvar</title><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

describe('agent UI serving', () => {
  it('serves the page shell without a credential on every UI path, with security headers', async () => {
    fx = await buildFixture({ uiDir: builtUi() });
    for (const url of ['/', '/call/pbx-7f3a9c21', '/wall']) {
      const res = await fx.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const asset = await fx.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await fx.app.inject({ url: '/api/calls' })).statusCode).toBe(401);
    expect((await fx.app.inject({ url: '/nothing-here' })).statusCode).toBe(404);
  });

  it('says how to build the UI when it is missing, and the API keeps working', async () => {
    fx = await buildFixture({ uiDir: join(tmpdir(), 'modsvar-no-such-ui') });
    const res = await fx.app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:ui');
    expect((await fx.app.inject({ url: '/api/calls' })).statusCode).toBe(401);
  });
});
