/**
 * Sending side of the API's WebSockets: serialises events through the event schema, guards against
 * slow consumers (a client more than `maxBufferedBytes` behind is closed with 1013 "try again later"
 * and resumes with `since`), and pings every `heartbeatMs` to drop dead connections.
 */
import type { WebSocket } from 'ws';
import { serializeEvent } from '../calls/call-event-schema.js';
import type { CallEvent, WallEvent } from '../calls/call-events.js';

export interface SocketChannelOptions {
  /** Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Default 30 000 ms. */
  heartbeatMs?: number;
  /** Called once when the socket closes, for any reason. */
  onClose: () => void;
}

export class SocketChannel {
  readonly #socket: WebSocket;
  readonly #maxBuffered: number;
  #alive = true;
  #closed = false;
  readonly #timer: NodeJS.Timeout;

  constructor(socket: WebSocket, options: SocketChannelOptions) {
    this.#socket = socket;
    this.#maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    socket.on('pong', () => { this.#alive = true; });
    this.#timer = setInterval(() => {
      if (!this.#alive) {
        socket.terminate();
        return;
      }
      this.#alive = false;
      try { socket.ping(); } catch { /* closed meanwhile */ }
    }, options.heartbeatMs ?? 30_000);
    this.#timer.unref();
    const done = () => {
      if (this.#closed) return;
      this.#closed = true;
      clearInterval(this.#timer);
      options.onClose();
    };
    socket.on('close', done);
    socket.on('error', done);
    // Clients only listen; a text "ping" gets "pong" for application-level liveness checks.
    socket.on('message', (data) => {
      if (data.toString() === 'ping') socket.send('pong');
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one event; closes the socket (1013) when the client has fallen too far behind. */
  send(event: CallEvent | WallEvent): void {
    if (this.#closed || this.#socket.readyState !== 1) return;
    if (this.#socket.bufferedAmount > this.#maxBuffered) {
      this.close(1013, 'slow consumer: reconnect with since');
      return;
    }
    this.#socket.send(serializeEvent(event));
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === 0 || this.#socket.readyState === 1) this.#socket.close(code, reason);
  }
}

/** Counts open sockets per principal subject. */
export class SocketQuota {
  readonly #open = new Map<string, number>();
  constructor(readonly max: number) {}
  /** Takes a slot; false when the subject already holds `max`. */
  take(subject: string): boolean {
    const n = this.#open.get(subject) ?? 0;
    if (n >= this.max) return false;
    this.#open.set(subject, n + 1);
    return true;
  }
  release(subject: string): void {
    const n = (this.#open.get(subject) ?? 1) - 1;
    if (n <= 0) this.#open.delete(subject);
    else this.#open.set(subject, n);
  }
  count(subject: string): number {
    return this.#open.get(subject) ?? 0;
  }
}
