/**
 * Reads a call recording (WAV) into per-party PCM at the ingress rate: PCM16 mono 16 kHz per channel.
 * The WAV container and its sample formats are read with `wavefile` (RIFF/RIFX/RF64; PCM 8/16/24/32-bit,
 * IEEE float 32/64, G.711 A-law and µ-law); any sample rate is converted to 16 kHz with the speex
 * resampler the media pipeline uses (quality 5, see media/codecs/resampler.ts).
 * Format reference: Microsoft WAVE (RIFF) `fmt ` chunk, https://learn.microsoft.com/windows/win32/multimedia/waveformatex
 */
import { readFile } from 'node:fs/promises';
import wavefilePkg from 'wavefile';
import { ModsvarError } from '../core/errors.js';
import { loadResamplerModule, MAX_INPUT_SAMPLES, Resampler } from '../../media/codecs/resampler.js';
import { INGRESS_SAMPLE_RATE_HZ } from '../api/ingress-protocol.js';

const { WaveFile } = wavefilePkg;

/** One channel of a recording, converted. */
export interface WavChannel {
  /** PCM16 mono at {@link INGRESS_SAMPLE_RATE_HZ}. */
  samples: Int16Array;
}

/** A decoded recording. */
export interface WavRecording {
  path: string;
  /** The file's own rate, Hz (before conversion). */
  sourceRateHz: number;
  /** The file's sample format, e.g. `16-bit PCM`, `µ-law`, `32-bit float`. */
  sourceFormat: string;
  /** Channels in file order (0 = left), each PCM16 at 16 kHz. */
  channels: WavChannel[];
  /** Length, ms (of the audio present). */
  durationMs: number;
  /**
   * Set when the file is shorter than its header says (a recording cut off by a crash or a partial copy):
   * the audio present is still decoded and replayed. Bytes of the whole file: present and as declared
   * (header + the `data` chunk's declared size). Streaming writers' "size unknown" (0 or 0xFFFFFFFF) is not
   * counted as truncation.
   */
  truncated?: { presentBytes: number; declaredBytes: number };
}

/** Thrown for a file that is missing, not a WAV, or in a format we cannot read; `code` `REPLAY_BAD_WAV`. */
export class ReplayInputError extends ModsvarError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REPLAY_BAD_WAV', message, options);
  }
}

const FORMAT_NAMES: Record<number, string> = { 1: 'PCM', 3: 'float', 6: 'A-law', 7: 'µ-law', 65534: 'extensible' };

/**
 * Reads a WAV file and converts every channel to PCM16 mono 16 kHz.
 * @throws ReplayInputError when the file cannot be read or decoded (the message names the file and why)
 */
export async function readWavRecording(path: string): Promise<WavRecording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ReplayInputError(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (err) {
    throw new ReplayInputError(`${path}: not a WAV file we can read (${(err as Error).message})`, { cause: err });
  }
  // Copied: the conversions below rebuild the header object.
  const fmt = { ...(wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number }) };
  const sourceFormat = fmt.audioFormat === 1 || fmt.audioFormat === 65534 ? `${fmt.bitsPerSample}-bit PCM` : FORMAT_NAMES[fmt.audioFormat] ?? `format ${fmt.audioFormat}`;
  if (fmt.numChannels < 1 || fmt.sampleRate < 4000 || fmt.sampleRate > 192_000) {
    throw new ReplayInputError(`${path}: ${fmt.numChannels} channels at ${fmt.sampleRate} Hz is not a call recording`);
  }
  try {
    if (fmt.audioFormat === 7) wav.fromMuLaw();
    else if (fmt.audioFormat === 6) wav.fromALaw();
    else if (wav.bitDepth !== '16') wav.toBitDepth('16');
  } catch (err) {
    throw new ReplayInputError(`${path}: cannot decode ${sourceFormat} (${(err as Error).message})`, { cause: err });
  }
  const truncated = truncation(wav as unknown as { data: { chunkSize: number; samples: Uint8Array } }, bytes.length);
  const raw = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const channels = fmt.numChannels === 1 ? [raw as Int16Array] : (raw as Int16Array[]);
  await loadResamplerModule();
  const converted = channels.map((c) => ({ samples: resampleTo16k(c, fmt.sampleRate) }));
  const durationMs = Math.round((channels[0].length / fmt.sampleRate) * 1000);
  return { path, sourceRateHz: fmt.sampleRate, sourceFormat, channels: converted, durationMs, ...(truncated && { truncated }) };
}

/** Whole-file bytes present and declared when the `data` chunk holds fewer bytes than its header says. */
function truncation(wav: { data: { chunkSize: number; samples: Uint8Array } }, fileBytes: number): WavRecording['truncated'] {
  const declared = wav.data.chunkSize;
  const present = wav.data.samples.length;
  if (declared === 0 || declared >= 0xffff_fff0 || present >= declared) return undefined;
  return { presentBytes: fileBytes, declaredBytes: fileBytes - present + declared };
}

/**
 * Converts one channel to 16 kHz (a copy when it already is). The output is aligned with the input:
 * the filter's fixed delay is dropped from the start and flushed with zeros at the end.
 * Requires {@link loadResamplerModule} to have resolved.
 */
export function resampleTo16k(input: Int16Array, inRateHz: number): Int16Array {
  if (inRateHz === INGRESS_SAMPLE_RATE_HZ) return Int16Array.from(input);
  const resampler = Resampler.create(inRateHz, INGRESS_SAMPLE_RATE_HZ, 5);
  try {
    const expected = Math.round((input.length * INGRESS_SAMPLE_RATE_HZ) / inRateHz);
    const delay = Math.round((resampler.delayMs * INGRESS_SAMPLE_RATE_HZ) / 1000);
    const out = new Int16Array(expected + delay + MAX_INPUT_SAMPLES * 6 + 64);
    let written = 0;
    const flush = new Int16Array(Math.min(MAX_INPUT_SAMPLES, resampler.memorySamples + Math.ceil((delay * inRateHz) / INGRESS_SAMPLE_RATE_HZ) + 1));
    for (let i = 0; i < input.length; i += MAX_INPUT_SAMPLES) {
      const chunk = input.subarray(i, Math.min(i + MAX_INPUT_SAMPLES, input.length));
      written += resampler.process(chunk, chunk.length, out, written);
    }
    written += resampler.process(flush, flush.length, out, written);
    return out.slice(delay, delay + expected);
  } finally {
    resampler.destroy();
  }
}
