/**
 * `make demo` (config/demo/run-demo.sh) checks its variables before it builds or starts anything, and
 * stops with one clear line and exit 2 for a bad one.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../sidecar/config/load-config.js';

const SCRIPT = join(packageRoot(), 'config', 'demo', 'run-demo.sh');

function demo(vars: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run-demo.sh variables', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ DEMO_SPEED: 'abc' }, "demo: DEMO_SPEED must be a number above 0 (at most 100) or max, not 'abc' (e.g. make demo DEMO_SPEED=1 for real time)"],
    [{ DEMO_SPEED: '0' }, "demo: DEMO_SPEED must be a number above 0 (at most 100) or max, not '0' (e.g. make demo DEMO_SPEED=1 for real time)"],
    [{ DEMO_SPEED: '250' }, "demo: DEMO_SPEED must be a number above 0 (at most 100) or max, not '250' (e.g. make demo DEMO_SPEED=1 for real time)"],
    [{ DEMO_SPEED: '2x' }, "demo: DEMO_SPEED must be a number above 0 (at most 100) or max, not '2x' (e.g. make demo DEMO_SPEED=1 for real time)"],
    [{ DEMO_PORT: 'eighty' }, "demo: DEMO_PORT must be a TCP port number (1-65535), not 'eighty' (e.g. make demo DEMO_PORT=8090)"],
    [{ DEMO_PORT: '70000' }, "demo: DEMO_PORT must be a TCP port number (1-65535), not '70000' (e.g. make demo DEMO_PORT=8090)"],
    [{ DEMO_CALL: '../../etc/passwd' }, "demo: no demo call '../../etc/passwd'; choose one of: call-01-en-hotel-group call-04-da-facility-services "],
    [{ DEMO_CALL: 'call-99' }, "demo: no demo call 'call-99'; choose one of: call-01-en-hotel-group call-04-da-facility-services "],
  ];
  for (const [vars, message] of cases) {
    it(`stops before building or starting anything for ${JSON.stringify(vars)}`, () => {
      const r = demo(vars);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.stdout).toBe('');
    });
  }
});
