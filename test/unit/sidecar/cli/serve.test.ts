import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../../../sidecar/cli/serve.js';
import { main } from '../../../../sidecar/main.js';
import { FakeDrachtioServer } from '../../../servers/drachtio-server.js';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'modsvar-serve-'));
  const file = join(dir, 'modsvar.yaml');
  writeFileSync(file, text);
  return file;
}

describe('modsvar serve', () => {
  it('prints the offending key and exits 78 on an invalid configuration', async () => {
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    try {
      expect(await run(['--config', configFile('sip:\n  maxCalls: -3\n')])).toBe(78);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toContain('sip.maxCalls');
  });

  it('exits 2 on an unknown argument', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['--bogus'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('connects to drachtio-server, routes INVITE and OPTIONS, and stops cleanly', async () => {
    const server = await FakeDrachtioServer.start({ secret: 'serve-test-secret' });
    let stop!: (signal: string) => void;
    const untilStopped = new Promise<string>((resolve) => (stop = resolve));
    const env = { MODSVAR_DRACHTIO__PORT: String(server.port), MODSVAR_DRACHTIO__SECRET: 'serve-test-secret', MODSVAR_LOG__LEVEL: 'silent', MODSVAR_API__PORT: '0' };
    const exit = main({ configFile: configFile('sip:\n  rtpPortMin: 47000\n  rtpPortMax: 47020\n'), env, untilStopped });
    await server.waitForRoute('invite');
    await server.waitForRoute('options');
    expect(server.authAttempts).toEqual([{ secret: 'serve-test-secret', ok: true }]);
    stop('SIGTERM');
    expect(await exit).toBe(0);
    await server.waitFor(() => !server.connected, 2000, 'disconnect');
    await server.close();
  });
});
