/**
 * Worker thread of the {@link ../vad-pool.ts VadPool}: one Silero {@link SpeechEndDetector} per stream,
 * so the ~0.2 ms of model time per 20 ms frame stays off the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SpeechEndDetector, type VadEvent, type VadOptions } from './vad.js';

export type ToVadWorker =
  | { op: 'open'; id: number }
  | { op: 'audio'; id: number; pcm: Int16Array }
  | { op: 'close'; id: number }
  /** Finish the queued messages, then exit (terminating a busy worker aborts inside the native addon). */
  | { op: 'shutdown' };

export type FromVadWorker =
  | { op: 'ready' }
  | { op: 'failed'; message: string; code?: string; file?: string }
  | { op: 'event'; id: number; event: VadEvent };

const options = workerData as VadOptions;
const port = parentPort!;
const detectors = new Map<number, SpeechEndDetector>();

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
  } else if (m.op === 'open') detectors.set(m.id, new SpeechEndDetector(options));
  else if (m.op === 'close') detectors.delete(m.id);
  else {
    const d = detectors.get(m.id);
    if (!d) return;
    for (const event of d.push(m.pcm)) port.postMessage({ op: 'event', id: m.id, event } satisfies FromVadWorker);
  }
});
