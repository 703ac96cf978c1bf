/**
 * Runs sipp (Debian `sip-tester`, 3.6) as a SIP user agent client against a local UDP SIP port.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A UDP port free right now on 127.0.0.1 (bound and released; fine for a test). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface SippRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** sipp's error log (unexpected messages), when it wrote one. */
  errorFile: string;
}

export interface SippOptions {
  /** Scenario XML path. */
  scenario: string;
  /** `host:port` of the SIP peer. */
  remote: string;
  /** Working directory (rtp_stream file names are relative to it). */
  cwd: string;
  /** `-key name value` pairs for the scenario. */
  keys?: Record<string, string>;
  /** Local RTP port (`-mp`). */
  mediaPort: number;
  /** Global timeout in s; default 25. */
  timeoutS?: number;
}

/** Runs one call of the scenario; resolves with sipp's exit code (0 = the call passed) and output. */
export async function runSipp(options: SippOptions): Promise<SippRun> {
  const sipPort = await freeUdpPort();
  const errorFile = join(mkdtempSync(join(tmpdir(), 'modsvar-sipp-')), 'errors.log');
  const args = [
    options.remote, '-sf', options.scenario, '-m', '1', '-l', '1', '-nostdin',
    '-i', '127.0.0.1', '-p', String(sipPort), '-mi', '127.0.0.1', '-mp', String(options.mediaPort),
    '-timeout', `${options.timeoutS ?? 25}s`, '-timeout_error', '-trace_err', '-error_file', errorFile,
    ...Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
  ];
  const child = spawn('sipp', args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      stderr += String(err);
      resolve(null);
    });
    child.on('close', (c) => resolve(c));
  });
  return { code, stdout, stderr, errorFile };
}
