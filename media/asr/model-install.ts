import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModsvarError } from '../../sidecar/core/errors.js';
import type { ModelManifestEntry } from './model-manifest.js';

/** A model could not be installed; `code`: MODEL_DOWNLOAD_FAILED, MODEL_CHECKSUM_MISMATCH, MODEL_ARCHIVE_INVALID. */
export class ModelInstallError extends ModsvarError {}

/** Written into each installed model folder: what was installed, from where, verified how. */
export const INSTALL_RECORD = '.modsvar-model.json';

export interface InstallResult {
  name: string;
  dir: string;
  status: 'installed' | 'already-installed';
}

/**
 * Installs one model into `modelsDir/<name>`: downloads the archive (following redirects) to a
 * temporary file while hashing it, refuses it unless size and SHA-256 match the manifest, unpacks it
 * with GNU tar + bzip2 (Debian `tar`, `bzip2`; `.tar.bz2` is the format of the sherpa-onnx releases)
 * into a temporary folder, checks the required files, then moves the folder into place in one rename
 * and writes {@link INSTALL_RECORD}. On any failure the temporary files are removed and nothing is
 * left half-installed. A model already installed from the same checksum is skipped.
 *
 * @throws ModelInstallError with the reason (download, checksum, archive content).
 */
export async function installModel(entry: ModelManifestEntry, modelsDir: string, log: (line: string) => void = () => {}): Promise<InstallResult> {
  const dir = join(modelsDir, entry.name);
  if (isInstalled(entry, dir)) return { name: entry.name, dir, status: 'already-installed' };
  mkdirSync(modelsDir, { recursive: true });
  const part = join(modelsDir, `.tmp-${entry.name}.tar.bz2.part`);
  try {
    log(`downloading ${entry.url} (${(entry.sizeBytes / 1e6).toFixed(1)} MB)`);
    await download(entry.url, part);
    return await installArchive(entry, part, modelsDir, log);
  } finally {
    rmSync(part, { force: true });
  }
}

/** Verifies and unpacks an archive already on disk (the second half of {@link installModel}). */
export async function installArchive(entry: ModelManifestEntry, archive: string, modelsDir: string, log: (line: string) => void = () => {}): Promise<InstallResult> {
  const dir = join(modelsDir, entry.name);
  const { sizeBytes, sha256 } = await hashFile(archive);
  if (sizeBytes !== entry.sizeBytes || sha256 !== entry.sha256) {
    throw new ModelInstallError('MODEL_CHECKSUM_MISMATCH',
      `${entry.name}: checksum mismatch: got ${sizeBytes} bytes sha256 ${sha256}, expected ${entry.sizeBytes} bytes sha256 ${entry.sha256}; the file was not installed`);
  }
  log(`verified sha256 ${sha256}`);
  const tmp = join(modelsDir, `.tmp-unpack-${entry.name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const listed = runTar(['-tjf', archive]).split('\n').filter(Boolean);
    const unsafe = listed.find((p) => p.startsWith('/') || p.split('/').includes('..'));
    if (unsafe) throw new ModelInstallError('MODEL_ARCHIVE_INVALID', `${entry.name}: unsafe path in archive: ${unsafe}`);
    runTar(['-xjf', archive, '-C', tmp, '--no-same-owner', '--no-same-permissions']);
    // The releases hold one top-level folder named like the archive; accept a flat archive too.
    const top = readdirSync(tmp);
    const root = top.length === 1 && existsSync(join(tmp, top[0], entry.requiredFiles[0] ?? '')) ? join(tmp, top[0]) : tmp;
    const missing = entry.requiredFiles.filter((f) => !existsSync(join(root, f)));
    if (missing.length) throw new ModelInstallError('MODEL_ARCHIVE_INVALID', `${entry.name}: archive lacks ${missing.join(', ')}`);
    writeFileSync(join(root, INSTALL_RECORD), JSON.stringify({
      name: entry.name, url: entry.url, sha256, sizeBytes, license: entry.license, installedAt: new Date().toISOString(),
    }, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(root, dir);
    log(`installed ${dir}`);
    return { name: entry.name, dir, status: 'installed' };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** True when `dir` holds the required files and a record of this manifest entry's checksum. */
export function isInstalled(entry: ModelManifestEntry, dir: string): boolean {
  try {
    const rec = JSON.parse(readFileSync(join(dir, INSTALL_RECORD), 'utf8')) as { sha256?: string };
    return rec.sha256 === entry.sha256 && entry.requiredFiles.every((f) => existsSync(join(dir, f)));
  } catch {
    return false;
  }
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(file)) {
    sizeBytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

async function download(url: string, to: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new ModelInstallError('MODEL_DOWNLOAD_FAILED', `cannot download ${url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) throw new ModelInstallError('MODEL_DOWNLOAD_FAILED', `cannot download ${url}: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to));
}

function runTar(args: string[]): string {
  const r = spawnSync('tar', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new ModelInstallError('MODEL_ARCHIVE_INVALID', `tar not available (Debian packages tar, bzip2): ${r.error.message}`);
  if (r.status !== 0) throw new ModelInstallError('MODEL_ARCHIVE_INVALID', `tar ${args[0]} failed: ${r.stderr.trim()}`);
  return r.stdout;
}
