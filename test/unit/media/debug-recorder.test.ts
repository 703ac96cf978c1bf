import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../sidecar/core/logger.js';
import { DebugRecorder, SWEEP_INTERVAL_MS } from '../../../media/debug-recorder.js';

const logger = silentLogger();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'modsvar-rec-'));
  dirs.push(d);
  return d;
}

describe('DebugRecorder', () => {
  it('gives no path and writes nothing when disabled (the default)', async () => {
    const dir = join(tempDir(), 'recordings');
    const rec = new DebugRecorder({ enabled: false, dir, retentionHours: 24, logger });
    await rec.start();
    expect(rec.pathFor('call-1', 'customer')).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });

  it('names files by call ID, label and UTC time, and keeps them inside its folder', () => {
    const dir = tempDir();
    const rec = new DebugRecorder({ enabled: true, dir, retentionHours: 24, logger });
    const at = new Date('2026-11-30T18:05:09.123Z');
    expect(rec.pathFor('a84b4c76e66710@pbx.example.com', 'customer', at)).toBe(join(dir, 'a84b4c76e66710_pbx.example.com_customer_20261130T180509Z.wav'));
    expect(rec.pathFor('../../etc/passwd', '1/2', at)).toBe(join(dir, '__.._etc_passwd_1_2_20261130T180509Z.wav'));
  });

  it('deletes WAV files older than the retention at start, and leaves newer and other files alone', async () => {
    const dir = tempDir();
    const now = Date.now();
    const old = join(dir, 'old_customer.wav');
    const fresh = join(dir, 'fresh_agent.wav');
    const other = join(dir, 'notes.txt');
    for (const f of [old, fresh, other]) writeFileSync(f, 'x');
    const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
    utimesSync(old, hoursAgo(3), hoursAgo(3));
    utimesSync(fresh, hoursAgo(1), hoursAgo(1));
    utimesSync(other, hoursAgo(30), hoursAgo(30));
    const rec = new DebugRecorder({ enabled: true, dir, retentionHours: 2, logger });
    await rec.start();
    rec.stop();
    expect(readdirSync(dir).sort()).toEqual(['fresh_agent.wav', 'notes.txt']);
    expect(await rec.sweep(now + 2 * 3_600_000)).toBe(1);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('creates its folder and treats a missing folder as empty', async () => {
    const dir = join(tempDir(), 'a', 'b');
    const rec = new DebugRecorder({ enabled: true, dir, retentionHours: 1, logger });
    expect(await rec.sweep()).toBe(0);
    await rec.start();
    rec.stop();
    rec.stop();
    expect(existsSync(dir)).toBe(true);
  });

  it('refuses a non-positive retention', () => {
    expect(() => new DebugRecorder({ enabled: true, dir: '/tmp', retentionHours: 0, logger })).toThrow(TypeError);
  });

  it('sweeps again every hour after start', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const rec = new DebugRecorder({ enabled: true, dir: tempDir(), retentionHours: 1, logger });
      let sweeps = 0;
      rec.sweep = async () => {
        sweeps++;
        return 0;
      };
      await rec.start();
      expect(sweeps).toBe(1);
      vi.advanceTimersByTime(SWEEP_INTERVAL_MS * 2);
      expect(sweeps).toBe(3);
      rec.stop();
      vi.advanceTimersByTime(SWEEP_INTERVAL_MS);
      expect(sweeps).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
