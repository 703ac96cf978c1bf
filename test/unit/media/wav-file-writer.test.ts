import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WavFileWriter, wavHeader } from '../../../media/wav-file-writer.js';
import { readWavPcm16 } from '../../helpers/media.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('WAV writing', () => {
  it('writes the same 44-byte header as sox for 16 kHz PCM16 mono', () => {
    const soxFile = readFileSync(fileURLToPath(new URL('../../fixtures/audio/librivox-0880-8k-to-16k-sox.wav', import.meta.url)));
    const dataBytes = soxFile.readUInt32LE(40);
    expect(wavHeader(16000, 1, 16, dataBytes)).toEqual(soxFile.subarray(0, 44));
  });

  it('streams samples and fixes the sizes on close, so the file reads back sample for sample', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-wavw-'));
    dirs.push(dir);
    const path = join(dir, 'x.wav');
    const w = new WavFileWriter(path, 16000);
    const a = Int16Array.from({ length: 320 }, (_, i) => i * 100 - 16000);
    const b = Int16Array.from({ length: 320 }, (_, i) => -i);
    w.write(a);
    w.write(b);
    expect(w.dataBytes).toBe(1280);
    await Promise.all([w.close(), w.close()]);
    w.write(a); // ignored after close
    const back = readWavPcm16(path);
    expect(back.sampleRateHz).toBe(16000);
    expect([...back.samples]).toEqual([...a, ...b]);
    expect(readFileSync(path).readUInt32LE(4)).toBe(36 + 1280);
  });

  it('reports a write error on close instead of throwing from write', async () => {
    const w = new WavFileWriter('/nonexistent-dir/x.wav', 16000);
    w.write(new Int16Array(320));
    await expect(w.close()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
