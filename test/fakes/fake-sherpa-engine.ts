import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Scripted stand-ins for sherpa-onnx-node's OnlineRecognizer and OfflineRecognizer (below), loaded
 * inside the provider's worker threads (`engineModule`), so the threading, batching, endpoint and finish logic are tested without a
 * model download. Recognition follows the audio content like the other ASR fakes: a run of samples of
 * amplitude `k × 1000` (PCM16 scale) is the k-th entry of the model's tokens.txt; 0 is silence.
 * Results use sherpa-onnx's JSON shape: `tokens` with `▁` word starts, `timestamps` in seconds from
 * the segment start and `start_time` for the segment.
 */
interface Config {
  modelConfig: { tokens: string };
  rule1MinTrailingSilence: number;
  rule2MinTrailingSilence: number;
}

const RATE = 16_000;

class FakeStream {
  buf: Float32Array[] = [];
  total = 0;
  pos = 0;
  finished = false;
  segStart = 0;
  words: Array<{ k: number; start: number; end: number }> = [];
  cur: { k: number; start: number } | undefined;
  silenceSince = 0;

  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void {
    if (w.sampleRate !== RATE) throw new Error('fake engine: 16 kHz only');
    this.buf.push(w.samples.slice());
    this.total += w.samples.length;
  }

  inputFinished(): void {
    this.finished = true;
  }
}

export class OnlineRecognizer {
  readonly #vocab: string[];
  readonly #rule1: number;
  readonly #rule2: number;

  constructor(config: Config) {
    this.#vocab = readFileSync(config.modelConfig.tokens, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    this.#rule1 = config.rule1MinTrailingSilence;
    this.#rule2 = config.rule2MinTrailingSilence;
  }

  createStream(): FakeStream {
    return new FakeStream();
  }

  isReady(s: FakeStream): boolean {
    return s.buf.length > 0;
  }

  decode(s: FakeStream): void {
    const chunk = s.buf.shift();
    if (!chunk) return;
    for (const v of chunk) {
      const k = Math.round(Math.abs(v * 32768) / 1000);
      if (s.cur && k !== s.cur.k) {
        s.words.push({ ...s.cur, end: s.pos });
        s.cur = undefined;
        s.silenceSince = s.pos;
      }
      if (k > 0 && !s.cur) s.cur = { k, start: s.pos };
      s.pos++;
    }
    if (s.finished && s.buf.length === 0 && s.cur) {
      s.words.push({ ...s.cur, end: s.pos });
      s.cur = undefined;
    }
  }

  isEndpoint(s: FakeStream): boolean {
    if (s.cur) return false;
    const silentSec = (s.pos - Math.max(s.silenceSince, s.segStart)) / RATE;
    return s.words.length > 0 ? silentSec >= this.#rule2 : silentSec >= this.#rule1;
  }

  reset(s: FakeStream): void {
    s.words = [];
    s.segStart = s.pos;
    s.silenceSince = s.pos;
  }

  getResult(s: FakeStream) {
    const words = [...s.words, ...(s.cur ? [{ ...s.cur, end: s.pos }] : [])];
    return {
      text: words.map((w) => this.#vocab[w.k - 1] ?? `w${w.k}`).join(' '),
      tokens: words.map((w) => `▁${this.#vocab[w.k - 1] ?? `w${w.k}`}`),
      timestamps: words.map((w) => (w.start - s.segStart) / RATE),
      ys_probs: words.map(() => Math.log(0.9)),
      start_time: s.segStart / RATE,
      is_final: false,
    };
  }
}

/**
 * Behaviour of the scripted OfflineRecognizer, read from `fake-engine.json` beside tokens.txt:
 * `mode` `words` (amplitude runs → vocabulary words, as above) or `describe` (for real speech: the
 * text is `s<samples> h<hash>`, naming exactly which audio was decoded, see {@link fakeClipHash});
 * `msPerAudioSecond`: the decode blocks the worker thread this long per second of audio (a sleep,
 * not a CPU loop), so pool saturation can be produced without burning CPU.
 */
export interface FakeOfflineBehaviour {
  mode: 'words' | 'describe';
  msPerAudioSecond?: number;
  /**
   * The worker thread exits during its n-th decode (1-based), as a native crash would end it; once per
   * model folder (a `crashed` marker is left there), so the pool's replacement worker decodes normally.
   */
  exitOnDecode?: number;
}

/** FNV-1a over PCM16 samples, 8 hex digits: what `describe` mode reports for a clip. */
export function fakeClipHash(pcm: Int16Array): string {
  let h = 0x811c9dc5;
  for (const v of pcm) {
    h ^= v & 0xffff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

class FakeOfflineStream {
  samples = new Float32Array(0);
  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void {
    if (w.sampleRate !== RATE) throw new Error('fake engine: 16 kHz only');
    const all = new Float32Array(this.samples.length + w.samples.length);
    all.set(this.samples);
    all.set(w.samples, this.samples.length);
    this.samples = all;
  }
}

export class OfflineRecognizer {
  readonly #vocab: string[];
  readonly #b: FakeOfflineBehaviour;
  readonly #results = new WeakMap<FakeOfflineStream, object>();
  readonly #dir: string;

  constructor(config: { modelConfig: { tokens: string } }) {
    this.#vocab = readFileSync(config.modelConfig.tokens, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    const dir = config.modelConfig.tokens.replace(/[^/]+$/, '');
    let b: FakeOfflineBehaviour = { mode: 'words' };
    try {
      b = JSON.parse(readFileSync(`${dir}fake-engine.json`, 'utf8')) as FakeOfflineBehaviour;
    } catch { /* default */ }
    this.#b = b;
    this.#dir = dir;
  }

  createStream(): FakeOfflineStream {
    return new FakeOfflineStream();
  }

  #decodes = 0;

  decode(s: FakeOfflineStream): void {
    if (++this.#decodes === this.#b.exitOnDecode && !existsSync(`${this.#dir}crashed`)) {
      writeFileSync(`${this.#dir}crashed`, '');
      process.exit(3);
    }
    const n = s.samples.length;
    const sleepMs = ((this.#b.msPerAudioSecond ?? 0) * n) / RATE;
    if (sleepMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMs);
    if (this.#b.mode === 'describe') {
      const pcm = Int16Array.from(s.samples, (v) => Math.round(v * 32768));
      const words = [`s${n}`, `h${fakeClipHash(pcm)}`];
      this.#results.set(s, { text: words.join(' '), tokens: words.map((w) => `▁${w}`), timestamps: [0, n / 2 / RATE], lang: '' });
      return;
    }
    const words: Array<{ k: number; start: number }> = [];
    let cur = 0;
    s.samples.forEach((v, i) => {
      const k = Math.round(Math.abs(v * 32768) / 1000);
      if (k !== cur && k > 0) words.push({ k, start: i });
      cur = k;
    });
    const texts = words.map((w) => this.#vocab[w.k - 1] ?? `w${w.k}`);
    this.#results.set(s, { text: texts.join(' '), tokens: texts.map((t) => `▁${t}`), timestamps: words.map((w) => w.start / RATE), lang: '' });
  }

  getResult(s: FakeOfflineStream): object {
    return this.#results.get(s) ?? { text: '', tokens: [], timestamps: [] };
  }
}

export default { OnlineRecognizer, OfflineRecognizer };
