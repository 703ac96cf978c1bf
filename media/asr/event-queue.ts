/**
 * An unbounded single-reader queue that is an `AsyncIterable<T>`: producers `push()` synchronously,
 * one `for await` loop reads in order, and `end()` lets the loop finish after the queued items.
 * Items pushed after `end()` are counted in `droppedAfterEnd` and dropped (late provider events after
 * close, STYLE §2).
 *
 * @throws TypeError when a second iterator is requested (one consumer per session).
 */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiter: ((r: IteratorResult<T>) => void) | undefined;
  #ended = false;
  #iterated = false;
  #endedResolve!: () => void;
  /** Resolves when `end()` has been called. */
  readonly ended: Promise<void> = new Promise((r) => { this.#endedResolve = r; });
  /** Items pushed after `end()`. */
  droppedAfterEnd = 0;

  get isEnded(): boolean {
    return this.#ended;
  }

  push(item: T): void {
    if (this.#ended) {
      this.droppedAfterEnd++;
      return;
    }
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the queue; the reader still gets everything queued before. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endedResolve();
    const w = this.#waiter;
    if (w && this.#items.length === 0) {
      this.#waiter = undefined;
      w({ value: undefined as never, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) throw new TypeError('EventQueue: only one reader may iterate a session');
    this.#iterated = true;
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined as never, done: true });
        return new Promise((resolve) => { this.#waiter = resolve; });
      },
      return: (): Promise<IteratorResult<T>> => {
        this.#items.length = 0;
        this.end();
        return Promise.resolve({ value: undefined as never, done: true });
      },
    };
  }
}
