import type { AsrCapabilities, AsrEvent, AsrProvider, AsrSession, AsrSessionOptions } from '../../media/asr/asr-provider.js';
import { EventQueue } from '../../media/asr/event-queue.js';
import { InvalidStateError } from '../../sidecar/core/errors.js';

/**
 * An AsrProvider whose sessions yield exactly the events a test pushes (`session.push(ev)`), for
 * stage contract tests of what consumes ASR events. It records what it was asked: options, audio
 * written (ms), finalize() calls, finish/close.
 */
export class ManualAsrProvider implements AsrProvider {
  readonly name = 'manual';
  readonly sessions: ManualAsrSession[] = [];
  constructor(readonly capabilities: AsrCapabilities = {
    interim: true, wordTimings: true, diarization: true, languages: 'any', encodings: ['linear16'], finalize: true,
  }) {}

  open(options: AsrSessionOptions): AsrSession {
    const s = new ManualAsrSession(options);
    this.sessions.push(s);
    return s;
  }
}

export class ManualAsrSession implements AsrSession {
  readonly queue = new EventQueue<AsrEvent>();
  writtenMs = 0;
  finalizeCalls = 0;
  finished = false;
  closedWith: string | undefined;
  readonly ready = Promise.resolve(true);
  #finishing: Promise<void> | undefined;
  constructor(readonly options: AsrSessionOptions) {}
  [Symbol.asyncIterator]() {
    return this.queue[Symbol.asyncIterator]();
  }
  push(...events: AsrEvent[]): void {
    for (const e of events) this.queue.push(e);
  }
  write(audio: Int16Array | Uint8Array): void {
    if (this.finished || this.closedWith) throw new InvalidStateError('manual: write after finish/close');
    this.writtenMs += audio.length / 16;
  }
  finalize(): void {
    this.finalizeCalls++;
  }
  finish(): Promise<void> {
    this.finished = true;
    this.#finishing ??= Promise.resolve().then(() => this.queue.end());
    return this.#finishing;
  }
  close(reason = 'closed'): void {
    this.closedWith ??= reason;
    this.queue.end();
  }
}
