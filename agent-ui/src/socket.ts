/**
 * A WebSocket that resumes: it remembers the last sequence number seen and reconnects with
 * `?since=<seq>` (backoff 0.5 s → 10 s), so the server sends exactly the missed events, or a fresh
 * snapshot when they are no longer held. Events at or below the last seen seq are dropped (no
 * duplicates); for a call socket, a jump in seq (a gap) forces a reconnect that fills it.
 */
export interface Sequenced { type: string; seq: number }

export interface ResumableSocketOptions<E extends Sequenced> {
  /** Path without query, e.g. `/api/calls/abc/ws`. */
  path: string;
  onEvent(event: E): void;
  onStatus?(connected: boolean): void;
  /** Called when the server refuses the socket for good (closed before opening, repeatedly). */
  onRefused?(): void;
  /** Check seq continuity (per-call sockets: yes; the wall's filtered stream: no). */
  contiguous: boolean;
}

export class ResumableSocket<E extends Sequenced> {
  #ws?: WebSocket;
  #lastSeq: number | undefined;
  #delayMs = 500;
  #stopped = false;
  #failuresBeforeOpen = 0;
  #timer?: number;
  readonly #o: ResumableSocketOptions<E>;

  constructor(options: ResumableSocketOptions<E>) {
    this.#o = options;
    this.#connect();
  }

  #connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const since = this.#lastSeq === undefined ? '' : `?since=${this.#lastSeq}`;
    const ws = new WebSocket(`${proto}//${location.host}${this.#o.path}${since}`);
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.#delayMs = 500;
      this.#failuresBeforeOpen = 0;
      this.#o.onStatus?.(true);
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string' || msg.data === 'pong') return;
      const event = JSON.parse(msg.data) as E;
      const snapshot = event.type === 'snapshot' || event.type === 'wall.snapshot';
      if (!snapshot && this.#lastSeq !== undefined) {
        if (event.seq <= this.#lastSeq) return;
        if (this.#o.contiguous && event.seq !== this.#lastSeq + 1) {
          ws.close(4000, 'gap');
          return;
        }
      }
      this.#lastSeq = event.seq;
      this.#o.onEvent(event);
    };
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#o.onStatus?.(false);
      if (this.#stopped) return;
      if (!opened && ++this.#failuresBeforeOpen >= 3) {
        this.#o.onRefused?.();
        return;
      }
      this.#timer = window.setTimeout(() => this.#connect(), this.#delayMs);
      this.#delayMs = Math.min(this.#delayMs * 2, 10_000);
    };
  }

  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Drops the connection now and resumes (used by tests of resume, and after sleep/wake). */
  reconnect(): void {
    this.#ws?.close(4001, 'reconnect');
  }

  close(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000, 'bye');
  }
}
