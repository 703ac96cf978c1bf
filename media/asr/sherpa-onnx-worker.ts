/**
 * Worker thread of the sherpa-onnx provider: holds one OnlineRecognizer per model and one OnlineStream
 * per session, and does all feature extraction and decoding, so the main event loop (RTP, web server)
 * never waits for the model. Messages: {@link ToWorker} in, {@link FromWorker} out. Times in events are
 * ms on the session's audio timeline (samples received × 1000 / 16000).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AsrEvent, AsrWord } from './asr-provider.js';
import { confidenceOf, tokensToWords } from './sherpa-words.js';

export type ToWorker =
  | { op: 'open'; id: number; model: string; language: string }
  | { op: 'audio'; id: number; pcm: Int16Array }
  | { op: 'finalize'; id: number }
  | { op: 'finish'; id: number }
  | { op: 'close'; id: number }
  /** Finish the queued messages, then exit (terminating a busy worker aborts inside the native addon). */
  | { op: 'shutdown' };

export type FromWorker =
  | { op: 'ready'; models: string[] }
  | { op: 'event'; id: number; event: AsrEvent }
  | { op: 'ended'; id: number }
  | { op: 'failed'; id?: number; message: string };

export interface WorkerInit {
  /** model key → OnlineRecognizer config. */
  models: Record<string, object>;
  /** Module providing OnlineRecognizer (default `sherpa-onnx-node`; tests pass a scripted engine). */
  engineModule?: string;
  /** Zero padding appended at finish() so the model's right context sees the last word, ms. */
  tailPaddingMs?: number;
}

interface Result { text: string; tokens?: string[]; timestamps?: number[]; ys_probs?: number[]; start_time?: number }
interface Stream { acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void; inputFinished(): void }
interface Recognizer {
  createStream(): Stream;
  isReady(s: Stream): boolean;
  decode(s: Stream): void;
  isEndpoint(s: Stream): boolean;
  reset(s: Stream): void;
  getResult(s: Stream): Result;
}

interface Session { stream: Stream; rec: Recognizer; language: string; samples: number; segStart: number; lastText: string }

const RATE = 16_000;
const init = workerData as WorkerInit;
const port = parentPort!;
const sessions = new Map<number, Session>();
const dirty = new Set<number>();
let tick: NodeJS.Immediate | undefined;

const engine = await import(init.engineModule ?? 'sherpa-onnx-node');
const OnlineRecognizer = (engine.default ?? engine).OnlineRecognizer as new (c: object) => Recognizer;
const recognizers = new Map<string, Recognizer>();
try {
  for (const [key, config] of Object.entries(init.models)) recognizers.set(key, new OnlineRecognizer(config));
  post({ op: 'ready', models: [...recognizers.keys()] });
} catch (err) {
  post({ op: 'failed', message: `cannot create recognizer: ${(err as Error).message}` });
}

function post(m: FromWorker): void {
  port.postMessage(m);
}

port.on('message', (m: ToWorker) => {
  try {
    handle(m);
  } catch (err) {
    const id = 'id' in m ? m.id : undefined;
    post({ op: 'failed', id, message: (err as Error).message });
    if (id !== undefined) sessions.delete(id);
  }
});

function handle(m: ToWorker): void {
  if (m.op === 'shutdown') {
    if (tick) clearImmediate(tick);
    sessions.clear();
    dirty.clear();
    port.close();
    return;
  }
  if (m.op === 'open') {
    const rec = recognizers.get(m.model);
    if (!rec) throw new Error(`no model ${m.model}`);
    sessions.set(m.id, { stream: rec.createStream(), rec, language: m.language, samples: 0, segStart: 0, lastText: '' });
    return;
  }
  const s = sessions.get(m.id);
  if (!s) return;
  switch (m.op) {
    case 'audio': {
      const f = new Float32Array(m.pcm.length);
      for (let i = 0; i < f.length; i++) f[i] = m.pcm[i] / 32768;
      s.stream.acceptWaveform({ samples: f, sampleRate: RATE });
      s.samples += f.length;
      dirty.add(m.id);
      tick ??= setImmediate(decodeDirty);
      break;
    }
    case 'finalize':
      decode(m.id, s);
      emitFinal(m.id, s, false, true);
      break;
    case 'finish': {
      // Tail padding lets the model's right context see the last word; times stay within the real audio.
      const realSamples = s.samples;
      decode(m.id, s); // what was queued first, with endpoint checks
      const pad = new Float32Array(Math.round(((init.tailPaddingMs ?? 600) * RATE) / 1000));
      s.stream.acceptWaveform({ samples: pad, sampleRate: RATE });
      s.stream.inputFinished();
      while (s.rec.isReady(s.stream)) s.rec.decode(s.stream);
      emitFinal(m.id, s, true, true, realSamples);
      sessions.delete(m.id);
      dirty.delete(m.id);
      post({ op: 'ended', id: m.id });
      break;
    }
    case 'close':
      sessions.delete(m.id);
      dirty.delete(m.id);
      break;
  }
}

function decodeDirty(): void {
  tick = undefined;
  const ids = [...dirty];
  dirty.clear();
  for (const id of ids) {
    const s = sessions.get(id);
    if (s) decode(id, s);
  }
}

/**
 * Decodes what is ready, one model chunk at a time, checking the endpoint rules after each chunk (a
 * batch of audio can hold the end of one utterance and the start of the next); then emits an interim
 * when the text changed.
 */
function decode(id: number, s: Session): void {
  while (s.rec.isReady(s.stream)) {
    s.rec.decode(s.stream);
    if (s.rec.isEndpoint(s.stream)) emitFinal(id, s, true, false);
  }
  const r = s.rec.getResult(s.stream);
  const text = r.text.trim();
  if (text && text !== s.lastText) {
    s.lastText = text;
    const words = toWords(r, s, s.samples);
    const startMs = segStartMs(r, s);
    post({ op: 'event', id, event: {
      type: 'interim', text, words, confidence: confidenceOf(words), language: s.language,
      startMs, endMs: Math.max(startMs, words.at(-1)?.endMs ?? startMs),
    } });
  }
}

/** Emits the segment's text as a final (when non-empty) and starts a new segment. */
function emitFinal(id: number, s: Session, endOfUtterance: boolean, fromFinalize: boolean, limitSamples = s.samples): void {
  const r = s.rec.getResult(s.stream);
  const text = r.text.trim();
  // An endpoint in silence (rule 1) gives an empty final: it tells the resend buffer of the
  // reconnecting/fallback decorator that the audio so far is settled, so the buffer stays small.
  if (text || (endOfUtterance && !fromFinalize)) {
    const words = toWords(r, s, limitSamples);
    const startMs = segStartMs(r, s);
    post({ op: 'event', id, event: {
      type: 'final', text, words, confidence: confidenceOf(words), language: s.language,
      startMs, endMs: Math.max(startMs, words.at(-1)?.endMs ?? startMs), endOfUtterance, fromFinalize,
    } });
  }
  s.rec.reset(s.stream);
  // The engine reports the next segment's start (`start_time`); until then, assume "now".
  s.segStart = limitSamples;
  s.lastText = '';
}

/** Segment start in ms: the engine's `start_time` (seconds) when it gives one. */
function segStartMs(r: Result, s: Session): number {
  return typeof r.start_time === 'number' ? Math.round(r.start_time * 1000) : ms(s.segStart);
}

function ms(samples: number): number {
  return Math.round((samples * 1000) / RATE);
}

/** The segment's tokens as words on the session timeline (see {@link tokensToWords}). */
function toWords(r: Result, s: Session, limitSamples: number): AsrWord[] {
  return tokensToWords(r.tokens ?? [], r.timestamps ?? [], r.ys_probs, segStartMs(r, s), ms(limitSamples));
}
