/**
 * A bounded log of sequenced events (a ring): it keeps the last `capacity` events so a reconnecting
 * client can resume from the last sequence number it saw. Sequence numbers start at 1 and grow by one.
 */
export class EventRing<E extends { seq: number }> {
  readonly capacity: number;
  readonly #items: (E | undefined)[];
  #lastSeq = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`EventRing: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<E | undefined>(capacity);
  }

  /** Sequence number of the newest event (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The sequence number the next event gets. */
  nextSeq(): number {
    return this.#lastSeq + 1;
  }

  /** Stores an event whose `seq` must be {@link nextSeq}. @throws TypeError otherwise. */
  push(event: E): void {
    if (event.seq !== this.#lastSeq + 1) throw new TypeError(`EventRing: expected seq ${this.#lastSeq + 1}, got ${event.seq}`);
    this.#items[event.seq % this.capacity] = event;
    this.#lastSeq = event.seq;
  }

  /**
   * The events after `since`, oldest first; `[]` when the client is up to date. Undefined when the
   * ring no longer holds all of them (the client needs a fresh snapshot) or `since` is in the future.
   */
  since(since: number): E[] | undefined {
    if (!Number.isInteger(since) || since < 0 || since > this.#lastSeq) return undefined;
    const oldest = Math.max(1, this.#lastSeq - this.capacity + 1);
    if (since + 1 < oldest) return undefined;
    const out: E[] = [];
    for (let s = since + 1; s <= this.#lastSeq; s++) out.push(this.#items[s % this.capacity] as E);
    return out;
  }
}
