/**
 * The supervisor wall's event stream: `wall.call` (a live call's row changed) and `wall.removed` (the
 * call ended), numbered in one sequence and kept in a ring for resume. Row updates of one call can be
 * coalesced to at most one per `updateMs` (a trailing update carries the latest row); start and end
 * are sent at once.
 */
import type { CallSummary, WallEvent } from './call-events.js';
import { EventRing } from './event-ring.js';

export class WallFeed {
  readonly #ring = new EventRing<WallEvent>(5000);
  readonly #dirty = new Set<string>();
  #timer?: NodeJS.Timeout;

  /**
   * @param updateMs coalescing interval in ms (0: every change at once)
   * @param rowOf the current row of a live call, undefined once it ended or left
   * @param emit receives every wall event, in sequence
   */
  constructor(
    private readonly updateMs: number,
    private readonly rowOf: (callId: string) => CallSummary | undefined,
    private readonly emit: (event: WallEvent) => void,
  ) {}

  get lastSeq(): number {
    return this.#ring.lastSeq;
  }

  since(seq: number): WallEvent[] | undefined {
    return this.#ring.since(seq);
  }

  /** A call started: its row goes out at once. */
  started(summary: CallSummary): void {
    this.#push({ type: 'wall.call', summary });
  }

  /** A live call's row changed. */
  changed(callId: string): void {
    if (this.updateMs <= 0) {
      const row = this.rowOf(callId);
      if (row) this.#push({ type: 'wall.call', summary: row });
      return;
    }
    this.#dirty.add(callId);
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.updateMs);
      this.#timer.unref();
    }
  }

  /** A call ended: any pending row update is dropped and `wall.removed` goes out at once. */
  removed(callId: string): void {
    this.#dirty.delete(callId);
    this.#push({ type: 'wall.removed', callId });
  }

  /** Sends the pending row updates now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    for (const id of ids) {
      const row = this.rowOf(id);
      if (row) this.#push({ type: 'wall.call', summary: row });
    }
  }

  #push(init: { type: 'wall.call'; summary: CallSummary } | { type: 'wall.removed'; callId: string }): void {
    const event = { ...init, atMs: Date.now(), seq: this.#ring.nextSeq() } as WallEvent;
    this.#ring.push(event);
    this.emit(event);
  }
}
