import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** Size of the canonical PCM WAV header written by {@link WavFileWriter}, in bytes. */
export const WAV_HEADER_BYTES = 44;

/**
 * The canonical 44-byte RIFF/WAVE header for PCM (Microsoft "Multimedia Programming Interface and Data
 * Specifications 1.0", 1991, RIFF + `fmt ` chunk with WAVE_FORMAT_PCM = 1, then the `data` chunk).
 * All fields little-endian.
 *
 * @param dataBytes size of the sample data in bytes (the `data` chunk's payload)
 */
export function wavHeader(sampleRateHz: number, channels: number, bitsPerSample: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = (channels * bitsPerSample) / 8;
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4); // RIFF chunk size: everything after this field
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size for PCM
  h.writeUInt16LE(1, 20); // WAVE_FORMAT_PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRateHz, 24);
  h.writeUInt32LE(sampleRateHz * blockAlign, 28); // byte rate
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * Streams PCM16 mono to a WAV file (used only by debug recording, see debug-recorder.ts — the one place where
 * call audio reaches disk): the header goes first with size 0, samples are appended through a
 * buffered write stream (no await per frame), and {@link close} rewrites the two size fields.
 * A file that was never closed (crash) still plays in most tools, with a wrong length.
 */
export class WavFileWriter {
  readonly path: string;
  readonly sampleRateHz: number;
  #dataBytes = 0;
  #stream: WriteStream;
  #error: Error | undefined;
  #closing: Promise<void> | undefined;

  /** Opens (truncates) `path`. Write errors are kept and reported by {@link close}. */
  constructor(path: string, sampleRateHz: number) {
    this.path = path;
    this.sampleRateHz = sampleRateHz;
    this.#stream = createWriteStream(path, { flags: 'w', mode: 0o600 });
    this.#stream.on('error', (err) => {
      this.#error ??= err;
    });
    this.#stream.write(wavHeader(sampleRateHz, 1, 16, 0));
  }

  /** Bytes of sample data written so far. */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  /** Appends PCM16 samples (copied; the caller may reuse `samples`). Ignored after close or an error. */
  write(samples: Int16Array): void {
    if (this.#closing || this.#error) return;
    const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    // Host byte order is little-endian on every platform Node supports in production (x64, arm64).
    this.#stream.write(Buffer.from(bytes));
    this.#dataBytes += bytes.length;
  }

  /** Flushes, fixes the header sizes and closes. Idempotent. Rejects with the first write error. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await new Promise<void>((resolve) => this.#stream.end(resolve));
      if (this.#error) throw this.#error;
      const file = await open(this.path, 'r+');
      try {
        const sizes = Buffer.alloc(4);
        sizes.writeUInt32LE(36 + this.#dataBytes, 0);
        await file.write(sizes, 0, 4, 4);
        sizes.writeUInt32LE(this.#dataBytes, 0);
        await file.write(sizes, 0, 4, 40);
      } finally {
        await file.close();
      }
    })();
    return this.#closing;
  }
}
