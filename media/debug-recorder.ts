import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Options of {@link DebugRecorder} (config `media.debugRecording`). */
export interface DebugRecorderOptions {
  /** Off by default: nothing is written unless this is true. */
  enabled: boolean;
  /** Folder for the WAV files; created when missing. */
  dir: string;
  /** Files older than this are deleted, in hours (at start and hourly). */
  retentionHours: number;
  logger: Logger;
}

/** Sweep period of the retention sweeper, in ms (hourly). */
export const SWEEP_INTERVAL_MS = 3_600_000;

/**
 * Debug recording of the decoded audio, for diagnosing media problems: each stream's 16 kHz PCM as a WAV
 * file in `dir`, named `<callId>_<label>_<UTC timestamp>.wav`.
 *
 * **This is the only place where call audio reaches disk**, and only when `enabled` is set. The retention
 * sweeper deletes `.wav` files in `dir` older than `retentionHours` when {@link start} runs and every hour
 * after (timer `unref()`ed). The pipeline writes the file (StreamPipelineOptions.debugWavPath); this class
 * names files and enforces retention.
 *
 * @example
 * const recorder = new DebugRecorder({ ...config.media.debugRecording, logger });
 * await recorder.start();
 * const debugWavPath = recorder.pathFor(callId, label); // undefined when disabled
 */
export class DebugRecorder {
  readonly enabled: boolean;
  readonly dir: string;
  readonly retentionMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;

  /** @throws TypeError when retentionHours is not positive */
  constructor(options: DebugRecorderOptions) {
    if (!(options.retentionHours > 0)) throw new TypeError('retentionHours must be positive');
    this.enabled = options.enabled;
    this.dir = options.dir;
    this.retentionMs = options.retentionHours * 3_600_000;
    this.#logger = options.logger;
  }

  /** Creates the folder, sweeps once and starts the hourly sweeper. No-op when disabled. */
  async start(): Promise<void> {
    if (!this.enabled || this.#timer) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.sweep();
    this.#logger.warn({ dir: this.dir, retentionHours: this.retentionMs / 3_600_000 }, 'debug recording is on: call audio is written to disk');
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.#logger.warn({ err }, 'debug recording sweep failed'));
    }, SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops the sweeper. Idempotent. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The WAV path for a stream, or undefined when debug recording is off.
   * Call ID and label are reduced to `[A-Za-z0-9._-]` so they cannot leave `dir`.
   */
  pathFor(callId: string, label: string, at: Date = new Date()): string | undefined {
    if (!this.enabled) return undefined;
    const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return join(this.dir, `${safe(callId)}_${safe(label)}_${stamp}.wav`);
  }

  /**
   * Deletes `.wav` files in `dir` last modified more than `retentionHours` before `nowMs`.
   * @returns how many files were deleted; a missing folder counts as empty
   */
  async sweep(nowMs: number = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let deleted = 0;
    for (const name of names) {
      if (!name.endsWith('.wav')) continue;
      const path = join(this.dir, name);
      try {
        const info = await stat(path);
        if (info.isFile() && nowMs - info.mtimeMs > this.retentionMs) {
          await unlink(path);
          deleted++;
        }
      } catch (err) {
        this.#logger.warn({ err, path }, 'cannot sweep debug recording');
      }
    }
    if (deleted > 0) this.#logger.info({ deleted, dir: this.dir }, 'debug recordings past retention deleted');
    return deleted;
  }
}

function safe(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return cleaned.length > 0 ? cleaned : '_';
}
