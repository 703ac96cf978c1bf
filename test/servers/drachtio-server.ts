/**
 * A stand-in for drachtio-server that speaks its TCP wire protocol exactly as drachtio-srf 5.0.x expects
 * (authenticate with secret check, route, sip, response echoes, dialog ids `<Call-ID>;from-tag=<tag>`),
 * and plays the server's SIP stack for two kinds of network peer:
 *
 * - **injected** messages: a raw SIP request from a fixture file, delivered as if it came from the network
 *   from a given source address ({@link FakeDrachtioServer.inject}); what the server would have sent back
 *   to the peer is recorded in `toNetwork`, and the virtual peer ACKs 2xx and answers our BYE by itself;
 * - a real **UDP** SIP peer (sipp): datagrams on `sipPort` become `sip|network|…` frames; srf's responses
 *   are completed (Via, To-tag, Contact, Content-Type) and sent back over UDP; retransmitted requests are
 *   answered from the transaction, 2xx to INVITE are retransmitted until the ACK (RFC 3261 §13.3.1.4);
 *   in-dialog requests from srf (BYE from `dialog.destroy()`) are built from the dialog and sent to the peer.
 *
 * It records everything (`frames` from srf, `toNetwork`, `fromNetwork`, `routes`, `authAttempts`), starts on
 * port 0, can drop srf's connection and stay away for a while (reconnect tests), and `close()`s cleanly.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { encodeFrame, decodePayload, FrameReader, newId, stackTime, type WireFrame } from './drachtio-frames.js';
import { SipStack, type NetworkPeer } from './drachtio-sip-stack.js';
import { parseSip, serializeSip, type SipMessage } from './sip-message.js';

export type { WireFrame } from './drachtio-frames.js';
export type { NetworkPeer } from './drachtio-sip-stack.js';

/** Options of {@link FakeDrachtioServer.start}. */
export interface FakeDrachtioServerOptions {
  /** Shared secret srf must present. Default `cymru`. */
  secret?: string;
  /** Also bind a UDP SIP port on 127.0.0.1 (port 0) for a real SIP peer. Default false. */
  udp?: boolean;
  /** Status the virtual (injected) peer answers srf's in-dialog requests with; null = never answer. Default 200. */
  peerAnswerStatus?: number | null;
  /** TCP port to listen on (default 0 = any). */
  port?: number;
}

/** What the server did with one injected request. */
export interface InjectedRequest {
  txnId: string;
  request: SipMessage;
  /** Resolves with the first final (≥200) response the server sent to the peer. */
  final(timeoutMs?: number): Promise<SipMessage>;
  /** Every response sent to the peer for this request, in order (provisional and final). */
  responses: SipMessage[];
}

interface Connection {
  socket: Socket;
  reader: FrameReader;
  authenticated: boolean;
  routes: Set<string>;
}

/** A fake drachtio-server for tests. See the file comment for what it does. */
export class FakeDrachtioServer extends EventEmitter {
  readonly secret: string;
  /** Every frame received from srf, in order. */
  readonly frames: WireFrame[] = [];
  /** `route|<verb>` requests, in order (duplicates kept: srf re-sends all routes on reconnect). */
  readonly routes: string[] = [];
  /** Each authenticate attempt: the secret presented and whether it was accepted. */
  readonly authAttempts: Array<{ secret: string; ok: boolean }> = [];
  /** Number of TCP connections accepted so far. */
  connectionCount = 0;
  readonly stack: SipStack;
  #server: Server;
  #tcpPort = 0;
  #connections = new Set<Connection>();
  #down = false;
  #mute?: (frame: WireFrame) => boolean;

  private constructor(options: FakeDrachtioServerOptions) {
    super();
    this.setMaxListeners(Infinity); // one listener per pending waitFor()
    this.secret = options.secret ?? 'cymru';
    this.#server = createServer((socket) => this.#accept(socket));
    this.stack = new SipStack({
      toSrf: (payload) => this.#sendToSrf(payload),
      peerAnswerStatus: options.peerAnswerStatus === undefined ? 200 : options.peerAnswerStatus,
      emit: (event) => this.emit('change', event),
    });
  }

  /** Starts the server on 127.0.0.1 (TCP port 0, and UDP port 0 when `udp`). */
  static async start(options: FakeDrachtioServerOptions = {}): Promise<FakeDrachtioServer> {
    const server = new FakeDrachtioServer(options);
    await server.#listen(options.port ?? 0);
    if (options.udp) await server.stack.bindUdp();
    return server;
  }

  /** TCP port srf connects to. */
  get port(): number {
    return this.#tcpPort;
  }

  /** UDP SIP port for a real peer (0 when not bound). */
  get sipPort(): number {
    return this.stack.sipPort;
  }

  /** Messages the server sent to the network peer (responses and requests), completed. */
  get toNetwork(): SipMessage[] {
    return this.stack.toNetwork;
  }

  /** Messages received from the UDP peer. */
  get fromNetwork(): SipMessage[] {
    return this.stack.fromNetwork;
  }

  /** True while an authenticated srf connection is open. */
  get connected(): boolean {
    return [...this.#connections].some((c) => c.authenticated);
  }

  /**
   * Delivers a raw SIP request (e.g. a fixture file's text) to srf as if it had arrived from the network.
   * @param source where it came from; default 192.0.2.10:5060 udp.
   * @throws Error when no authenticated srf connection is open.
   */
  inject(raw: string, source: Partial<NetworkPeer> = {}): InjectedRequest {
    if (!this.connected) throw new Error('fake drachtio-server: no authenticated srf connection');
    const request = parseSip(raw);
    const peer: NetworkPeer = { address: source.address ?? '192.0.2.10', port: source.port ?? 5060, protocol: source.protocol ?? 'udp', udp: false };
    const txn = this.stack.receiveRequest(request, peer);
    return {
      txnId: txn.txnId,
      request,
      responses: txn.responses,
      final: (timeoutMs = 5000) => this.waitFor(() => txn.responses.find((r) => (r.status ?? 0) >= 200), timeoutMs, `final response to ${request.method}`),
    };
  }

  /**
   * From now on, `sip` frames from srf matching `predicate` are swallowed: not answered, not sent on (a
   * server that never confirms, to test srf's missing timeouts). `undefined` restores normal behaviour.
   */
  muteSip(predicate: ((frame: WireFrame) => boolean) | undefined): void {
    this.#mute = predicate;
  }

  /**
   * Ends a dialog the way drachtio-server does on its own (ACK timeout, session timer): BYE to the far end
   * and an unsolicited BYE to srf carrying `reason` (RFC 3326 Reason header). False for an unknown dialog.
   */
  serverBye(dialogId: string, reason = 'SIP ;cause=408 ;text="ACK timeout"'): boolean {
    return this.stack.serverBye(dialogId, reason);
  }

  /** Sends CANCEL for an injected INVITE (the server answers 200/487 itself and forwards the CANCEL to srf). */
  cancel(invite: InjectedRequest): void {
    this.stack.cancel(invite.txnId);
  }

  /**
   * Resolves with the first truthy value of `probe`, checked now and after every change (frame, network
   * message, connection). Rejects after `timeoutMs` with a message naming `what`.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value) {
          cleanup();
          resolve(value);
          return true;
        }
        return false;
      };
      const onChange = () => void check();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake drachtio-server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(onChange, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off('change', onChange);
      };
      this.on('change', onChange);
      check();
    });
  }

  /** Waits until an authenticated connection has sent `route|<verb>` at least `count` times in total. */
  waitForRoute(verb: string, count = 1, timeoutMs = 5000): Promise<true> {
    return this.waitFor(() => this.routes.filter((r) => r === verb).length >= count, timeoutMs, `route|${verb} ×${count}`);
  }

  /**
   * Drops every srf connection (socket destroyed, as when drachtio-server dies). With `downMs` > 0 the
   * listener also closes and reopens on the same port after that many ms, so srf's reconnects fail meanwhile.
   * Resolves when the server accepts connections again. Live dialogs are kept, like the real server's.
   */
  async dropConnections(downMs = 0): Promise<void> {
    for (const conn of this.#connections) conn.socket.destroy();
    this.#connections.clear();
    this.emit('change', 'drop');
    if (downMs <= 0) return;
    this.#down = true;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.#server = createServer((socket) => this.#accept(socket));
    await this.#listen(this.#tcpPort);
    this.#down = false;
  }

  /** Closes every connection, the listener and the UDP socket; stops retransmission timers. */
  async close(): Promise<void> {
    for (const conn of this.#connections) conn.socket.destroy();
    this.#connections.clear();
    this.stack.close();
    if (!this.#down) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        if (address && typeof address === 'object') this.#tcpPort = address.port;
        resolve();
      });
    });
  }

  #accept(socket: Socket): void {
    // Without NODELAY two quick echoes (100 then 200) meet Nagle + delayed ACK and the second lags ~40 ms.
    socket.setNoDelay(true);
    const conn: Connection = { socket, reader: new FrameReader(), authenticated: false, routes: new Set() };
    this.#connections.add(conn);
    this.connectionCount++;
    socket.on('data', (chunk) => {
      let payloads: string[];
      try {
        payloads = conn.reader.push(chunk);
      } catch {
        socket.destroy(); // the real server drops a client that breaks framing
        return;
      }
      for (const payload of payloads) this.#onFrame(conn, decodePayload(payload));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#connections.delete(conn);
      this.emit('change', 'close');
    });
    this.emit('change', 'connection');
  }

  #onFrame(conn: Connection, frame: WireFrame): void {
    this.frames.push(frame);
    const reply = (fields: string, sip?: string) =>
      conn.socket.write(encodeFrame(`${newId()}|response|${frame.msgId}|${fields}${sip === undefined ? '' : `\r\n${sip}`}`));
    switch (frame.type) {
      case 'authenticate': {
        const ok = frame.tokens[2] === this.secret;
        this.authAttempts.push({ secret: frame.tokens[2] ?? '', ok });
        if (!ok) {
          reply('NO|incorrect secret');
          conn.socket.end(); // the real server closes the connection after a bad secret
          break;
        }
        conn.authenticated = true;
        const hostports = this.stack.sipPort
          ? `udp/127.0.0.1:${this.stack.sipPort}` : 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060';
        reply(`OK|${hostports}|v0.9.5|${hostports}`);
        break;
      }
      case 'route':
        if (!conn.authenticated) return void reply('NO|not authenticated');
        this.routes.push(frame.tokens[2]);
        conn.routes.add(frame.tokens[2]);
        reply('OK');
        break;
      case 'remove_route':
        conn.routes.delete(frame.tokens[2]);
        reply('OK');
        break;
      case 'ping':
        reply('OK|pong');
        break;
      case 'sip': {
        if (!conn.authenticated) return void reply('NO|not authenticated');
        if (this.#mute?.(frame)) break;
        const result = this.stack.fromSrf(frame.tokens[2] ?? '', frame.tokens[3] ?? '', frame.sip ?? '');
        reply(result.fields, result.sip);
        result.after?.();
        break;
      }
      default:
        reply(`NO|unsupported command ${frame.type}`);
    }
    this.emit('change', frame.type);
  }

  /** Writes a server-originated frame to the newest authenticated connection; false when none is open. */
  #sendToSrf(payload: string): boolean {
    const conns = [...this.#connections].filter((c) => c.authenticated);
    const conn = conns[conns.length - 1];
    if (!conn) return false;
    conn.socket.write(encodeFrame(`${newId()}|${payload}`));
    return true;
  }
}

export { parseSip, serializeSip, stackTime };
