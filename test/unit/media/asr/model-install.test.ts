import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { INSTALL_RECORD, ModelInstallError, installArchive, installModel } from '../../../../media/asr/model-install.js';
import { DEFAULT_MODELS, type ModelManifestEntry } from '../../../../media/asr/model-manifest.js';
import { asrSchema } from '../../../../sidecar/config/schema.js';

let work: string;
let server: Server | undefined;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'modsvar-models-'));
});
afterEach(async () => {
  rmSync(work, { recursive: true, force: true });
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  server = undefined;
});

/** Builds `<name>.tar.bz2` like the sherpa-onnx releases (one top-level folder) with the given files. */
function buildArchive(name: string, files: Record<string, string>, extraTarArgs: string[] = []): { path: string; entry: ModelManifestEntry } {
  const src = join(work, 'src');
  mkdirSync(join(src, name), { recursive: true });
  for (const [f, body] of Object.entries(files)) writeFileSync(join(src, name, f), body);
  const path = join(work, `${name}.tar.bz2`);
  const r = spawnSync('tar', ['-cjf', path, '-C', src, ...extraTarArgs, name]);
  expect(r.status).toBe(0);
  const bytes = readFileSync(path);
  return {
    path,
    entry: {
      name, language: 'en', url: '', sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
      requiredFiles: ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'], license: 'test', note: '',
    },
  };
}

const MODEL_FILES = { 'encoder.onnx': 'enc', 'decoder.onnx': 'dec', 'joiner.onnx': 'join', 'tokens.txt': 'a 0\n', 'README.md': 'x' };

async function serve(file: string): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/releases/download/model.tar.bz2') {
      res.writeHead(302, { location: '/objects/model.tar.bz2' });
      res.end();
    } else if (req.url === '/objects/model.tar.bz2') {
      res.end(readFileSync(file));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('model installation (verify and unpack)', () => {
  it('downloads through a redirect, verifies the checksum, unpacks and records the install', async () => {
    const { path, entry } = buildArchive('sherpa-test-en', MODEL_FILES);
    const base = await serve(path);
    const models = join(work, 'models');
    const lines: string[] = [];
    const r = await installModel({ ...entry, url: `${base}/releases/download/model.tar.bz2` }, models, (l) => lines.push(l));
    expect(r).toEqual({ name: 'sherpa-test-en', dir: join(models, 'sherpa-test-en'), status: 'installed' });
    expect(readFileSync(join(r.dir, 'encoder.onnx'), 'utf8')).toBe('enc');
    expect(readFileSync(join(r.dir, 'tokens.txt'), 'utf8')).toBe('a 0\n');
    const rec = JSON.parse(readFileSync(join(r.dir, INSTALL_RECORD), 'utf8'));
    expect(rec).toMatchObject({ name: 'sherpa-test-en', sha256: entry.sha256, sizeBytes: entry.sizeBytes });
    expect(readdirSync(models)).toEqual(['sherpa-test-en']); // no temporary files left
    expect(lines.some((l) => l.startsWith('verified sha256'))).toBe(true);
    const again = await installModel({ ...entry, url: `${base}/releases/download/model.tar.bz2` }, models);
    expect(again.status).toBe('already-installed');
  });

  it('refuses an archive whose checksum differs and leaves nothing behind', async () => {
    const { path, entry } = buildArchive('sherpa-test-en', MODEL_FILES);
    const models = join(work, 'models');
    const bad = { ...entry, sha256: '0'.repeat(64) };
    await expect(installArchive(bad, path, models)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
    const base = await serve(path);
    const err = await installModel({ ...bad, url: `${base}/releases/download/model.tar.bz2` }, models).catch((e) => e);
    expect(err).toBeInstanceOf(ModelInstallError);
    expect(err.message).toContain(`sha256 ${entry.sha256}, expected`);
    expect(existsSync(join(models, 'sherpa-test-en'))).toBe(false);
    expect(readdirSync(models)).toEqual([]);
  });

  it('names the files an archive lacks', async () => {
    const { path, entry } = buildArchive('sherpa-test-en', { 'encoder.onnx': 'e', 'tokens.txt': 't' });
    const err = await installArchive(entry, path, join(work, 'models')).catch((e) => e);
    expect(err.code).toBe('MODEL_ARCHIVE_INVALID');
    expect(err.message).toContain('archive lacks decoder.onnx, joiner.onnx');
  });

  it('refuses an archive with a path that escapes the models folder', async () => {
    const { path, entry } = buildArchive('sherpa-test-en', MODEL_FILES, ['--transform', 's,^sherpa-test-en/README.md,../evil.md,']);
    const err = await installArchive(entry, path, join(work, 'models')).catch((e) => e);
    expect(err.code).toBe('MODEL_ARCHIVE_INVALID');
    expect(err.message).toContain('unsafe path in archive: ../evil.md');
    expect(existsSync(join(work, 'evil.md'))).toBe(false);
  });

  it('reports an unreachable download as such', async () => {
    const { entry } = buildArchive('sherpa-test-en', MODEL_FILES);
    const err = await installModel({ ...entry, url: 'http://127.0.0.1:9/none.tar.bz2' }, join(work, 'models')).catch((e) => e);
    expect(err.code).toBe('MODEL_DOWNLOAD_FAILED');
  });

  it('ships default English and German streaming models and the multilingual Parakeet model for Danish, with published release URLs and full checksums', () => {
    expect(DEFAULT_MODELS.map((m) => [m.language, m.name])).toEqual([
      ['en', 'sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06'],
      ['de', 'sherpa-onnx-streaming-zipformer-de-kroko-2025-08-06'],
      ['da', 'sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8'],
    ]);
    // Every model the default config names is one `make models` installs, in the mode it suits.
    const models = asrSchema.parse({}).sherpaOnnx.models;
    expect(Object.entries(models).map(([lang, m]) => [lang, m.dir, m.mode])).toEqual(DEFAULT_MODELS.map((m) => [
      m.language, m.name, m.name.includes('streaming') ? 'streaming' : 'segmented',
    ]));
    expect(DEFAULT_MODELS[2].license).toMatch(/^CC-BY-4\.0/);
    expect(DEFAULT_MODELS[2].requiredFiles).toEqual(['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx', 'tokens.txt']);
    for (const m of DEFAULT_MODELS) {
      expect(m.url).toBe(`https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${m.name}.tar.bz2`);
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(m.sizeBytes).toBeGreaterThan(1_000_000);
    }
  });
});
