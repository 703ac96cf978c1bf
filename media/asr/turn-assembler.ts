import type { AsrFinalEvent, AsrWord } from './asr-provider.js';

/** One utterance as the assembler hands it on; times are the ASR session's, ms. */
export interface AssembledTurn {
  words: AsrWord[];
  text: string;
  startMs: number;
  endMs: number;
  /** 0–1: mean over the final pieces for a closed turn, the hypothesis's own for an interim. */
  confidence: number;
  language: string;
  /** Diarization speaker of a mixed stream; undefined otherwise. */
  speaker?: number;
}

/** Where a {@link TurnAssembler} sends the open utterance (`interim`) and each closed one (`final`). */
export interface TurnSink {
  interim(turn: AssembledTurn): void;
  final(turn: AssembledTurn): void;
}

interface Run {
  speaker?: number;
  words: AsrWord[];
  texts: string[];
  startMs: number;
  endMs: number;
  confidence: number;
  pieces: number;
  language: string;
}

/**
 * Joins a provider's final pieces into one utterance until the end of the turn (Deepgram `speech_final`,
 * `UtteranceEnd`, a forced finalize) and, on a mixed stream, splits them at each diarization speaker
 * change. Interims show the finalized pieces so far plus the hypothesis. Pure: no I/O, no timers; the
 * caller maps times and roles.
 */
export class TurnAssembler {
  readonly #sink: TurnSink;
  readonly #mixed: () => boolean;
  #run: Run | undefined;

  /** `mixed` is read at each piece: a stream's role may change mid-call (a transfer's re-INVITE). */
  constructor(sink: TurnSink, mixed: () => boolean) {
    this.#sink = sink;
    this.#mixed = mixed;
  }

  /** Adds a final piece; closes the utterance at a speaker change and at the end of the turn. */
  final(ev: AsrFinalEvent): void {
    const byWords = ev.words.length > 0;
    if (byWords) {
      for (const w of ev.words) {
        const speaker = this.#mixed() ? w.speaker : undefined;
        if (this.#run && this.#run.speaker !== speaker) this.close();
        const run = (this.#run ??= newRun(speaker, w.startMs, ev.language));
        run.words.push(w);
        run.endMs = w.endMs;
        run.confidence += w.confidence;
        run.pieces++;
      }
    } else if (ev.text.trim()) {
      const run = (this.#run ??= newRun(undefined, ev.startMs, ev.language));
      run.texts.push(ev.text.trim());
      run.endMs = ev.endMs;
      run.confidence += ev.confidence;
      run.pieces++;
    }
    if (ev.endOfUtterance || ev.fromFinalize) this.close();
    else if (this.#run) this.interim([], '', this.#run.endMs, this.#run.endMs, 1, ev.language);
  }

  /** Closes the open utterance, if any, and hands it to the sink as a final. */
  close(): void {
    const run = this.#run;
    if (!run) return;
    this.#run = undefined;
    this.#sink.final({ words: run.words, text: runText(run), startMs: run.startMs, endMs: run.endMs, confidence: run.confidence / Math.max(1, run.pieces), language: run.language, speaker: run.speaker });
  }

  /** Shows the open utterance: finalized pieces so far plus the interim hypothesis. */
  interim(words: AsrWord[], text: string, startMs: number, endMs: number, confidence: number, language: string): void {
    const run = this.#run;
    const speaker = this.#mixed() ? (words.at(-1)?.speaker ?? run?.speaker) : undefined;
    if (run && run.speaker !== speaker) this.close();
    const base = this.#run;
    const all = base ? [...base.words, ...words] : words;
    const fullText = [base ? runText(base) : '', text].filter(Boolean).join(' ');
    if (!fullText) return;
    this.#sink.interim({ words: all, text: fullText, startMs: base?.startMs ?? startMs, endMs: Math.max(endMs, base?.endMs ?? 0), confidence, language, speaker });
  }
}

function newRun(speaker: number | undefined, startMs: number, language: string): Run {
  return { speaker, words: [], texts: [], startMs, endMs: startMs, confidence: 0, pieces: 0, language };
}

function runText(run: Run): string {
  return run.words.length ? run.words.map((w) => w.text).join(' ') : run.texts.join(' ');
}
