/**
 * What a replay saw of the call's speech recognition: ASR `health` events that were not ok (warnings
 * for the terminal) and how many final transcripts came back. An audio replay whose ASR failed and
 * produced no transcript at all has not replayed anything useful, and `modsvar replay` says so and fails.
 */
import type { CallEvent, ComponentHealth } from '../calls/call-events.js';

export class AsrWatch {
  /** Final transcript segments received. */
  finals = 0;
  /** Distinct ASR problems seen (one short line each), in order. */
  readonly problems: string[] = [];
  #wasBad = false;

  /**
   * Takes one call event.
   * @returns a line to print as a warning (ASR degraded, down, or recovered after that), else undefined
   */
  see(event: CallEvent): string | undefined {
    if (event.type === 'transcript.final') this.finals++;
    if (event.type !== 'health' || event.health.component !== 'asr') return undefined;
    const h = event.health;
    if (h.status === 'ok') {
      if (!this.#wasBad) return undefined;
      this.#wasBad = false;
      return `speech recognition recovered${h.detail ? `: ${h.detail}` : ''}`;
    }
    this.#wasBad = true;
    const line = describe(h);
    if (!this.problems.includes(line)) this.problems.push(line);
    return line;
  }

  /** True when speech recognition failed on the call and no final transcript came back. */
  get failedWithoutTranscript(): boolean {
    return this.finals === 0 && this.problems.length > 0;
  }
}

/** `speech recognition down (authentication): 401 invalid key` / `… degraded (connectivity), retrying: …`. */
function describe(h: ComponentHealth): string {
  return `speech recognition ${h.status}${h.category ? ` (${h.category})` : ''}${h.retrying ? ', retrying' : ''}${h.detail ? `: ${h.detail}` : ''}`;
}
