/**
 * Worker thread of the {@link ../vad-pool.ts VadPool}: one Silero {@link SpeechEndDetector} per stream,
 * so the ~0.2 ms of model time per 20 ms frame stays off the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpeechEndDetector, type VadEvent, type VadOptions } from './vad.js';

export type ToVadWorker =
  /** `progress`: after each audio batch, report how far the detector has read (segmented recognition paces interims by it). */
  | { op: 'open'; id: number; progress?: boolean; minSilenceMs?: number }
  | { op: 'audio'; id: number; pcm: Int16Array }
  /** End the audio: close an open segment at the current position, then answer `flushed`. */
  | { op: 'flush'; id: number }
  | { op: 'close'; id: number }
  /** Finish the queued messages, then exit (terminating a busy worker aborts inside the native addon). */
  | { op: 'shutdown' };

export type FromVadWorker =
  | { op: 'ready' }
  | { op: 'failed'; message: string; code?: string; file?: string }
  /** `fromFlush`: the event was produced by `flush` (speech cut at the end of the audio). */
  | { op: 'event'; id: number; event: VadEvent; fromFlush?: boolean }
  /** The detector has read `atMs` of the stream (sent after that batch's events). */
  | { op: 'progress'; id: number; atMs: number }
  | { op: 'flushed'; id: number };

const options = workerData as VadOptions;
const port = parentPort!;
const detectors = new Map<number, SpeechEndDetector>();
const withProgress = new Set<number>();

try {
  detectors.set(0, new SpeechEndDetector(options)); // loads the model once up front: a bad file fails here
  detectors.delete(0);
  port.postMessage({ op: 'ready' } satisfies FromVadWorker);
} catch (err) {
  const e = err as { message: string; code?: string; file?: string };
  port.postMessage({ op: 'failed', message: e.message, code: e.code, file: e.file } satisfies FromVadWorker);
}

port.on('message', (m: ToVadWorker) => {
  if (m.op === 'shutdown') {
    detectors.clear();
    port.close();
  } else if (m.op === 'open') {
    detectors.set(m.id, new SpeechEndDetector(m.minSilenceMs ? { ...options, minSilenceMs: m.minSilenceMs } : options));
    if (m.progress) withProgress.add(m.id);
  } else if (m.op === 'close') {
    detectors.delete(m.id);
    withProgress.delete(m.id);
  } else if (m.op === 'flush') {
    const d = detectors.get(m.id);
    if (d) for (const event of d.flush()) port.postMessage({ op: 'event', id: m.id, event, fromFlush: true } satisfies FromVadWorker);
    port.postMessage({ op: 'flushed', id: m.id } satisfies FromVadWorker);
  } else {
    const d = detectors.get(m.id);
    if (!d) return;
    for (const event of d.push(m.pcm)) port.postMessage({ op: 'event', id: m.id, event } satisfies FromVadWorker);
    if (withProgress.has(m.id)) port.postMessage({ op: 'progress', id: m.id, atMs: d.positionMs } satisfies FromVadWorker);
  }
});
