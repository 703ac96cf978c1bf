import Srf from 'drachtio-srf';
import type { Logger } from 'pino';
import type { ModsvarConfig } from '../config/schema.js';
import { EnhancedEmitter } from '../core/enhanced-emitter.js';
import { ModsvarError, SiprecError } from '../core/errors.js';
import { withDeadline } from './deadline.js';
import { DrachtioConnection } from './drachtio-connection.js';
import type { RecordingServer } from './recording-server.js';
import type { SiprecResponse } from './siprec-types.js';
import {
  adaptDialog, sendResponse, toError, toSipRequestLike,
  type SrfDialogLike, type SrfRequestLike, type SrfResponseLike,
} from './srf-adapters.js';
import type { SignallingDialog } from './recording-session-types.js';

/** The slice of drachtio-srf 5.0.x we use (its bundled typings lack `options`, `bye`, 4-argument `use`). */
interface SrfLike {
  connect(opts: Record<string, unknown>): unknown;
  disconnect(): void;
  invite(handler: (req: SrfRequestLike, res: SrfResponseLike, next: (err?: unknown) => void) => void): void;
  options(handler: (req: SrfRequestLike, res: SrfResponseLike, next: (err?: unknown) => void) => void): void;
  bye(handler: (req: SrfRequestLike, res: SrfResponseLike, next: (err?: unknown) => void) => void): void;
  update(handler: (req: SrfRequestLike, res: SrfResponseLike, next: (err?: unknown) => void) => void): void;
  use(handler: (err: unknown, req: SrfRequestLike, res: SrfResponseLike, next: () => void) => void): void;
  createUAS(req: SrfRequestLike, res: SrfResponseLike, opts: { localSdp?: string; headers?: Record<string, string> },
    callback: (err: unknown, dialog: SrfDialogLike) => void): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** Options of {@link SrfApp}. */
export interface SrfAppOptions {
  drachtio: ModsvarConfig['drachtio'];
  recordings: RecordingServer;
  /** Host named in our own Warning headers (RFC 3261 §20.43 warn-agent); default `modsvar` (main passes `sip.mediaAddress`). */
  warnAgent?: string;
  logger: Logger;
}

/** Connection events of the app. */
export type SrfAppEvents = {
  /** Authenticated to drachtio-server and routes sent; `reconnected` after an outage. */
  connected: [{ hostport: string; reconnected: boolean; downMs?: number }];
  /** The control connection dropped; calls in progress go on, srf re-dials with backoff. */
  disconnected: [];
  /** drachtio-server rejected the shared secret. */
  'auth-failed': [];
};

/**
 * The SIPREC recording server on drachtio (the only module that imports drachtio-srf): connects to
 * drachtio-server, routes new INVITEs through `interpretInitialInvite` into a {@link RecordingSession},
 * answers OPTIONS, and hands in-dialog requests to the session through its dialog. Every INVITE path
 * ends in a final response with one log line: refusals carry the decision's Warning; unexpected errors go
 * through one 4-argument error middleware (500 + Warning). Each srf transaction runs under
 * `drachtio.transactionTimeoutMs`, since srf has no timeouts of its own.
 *
 * Reconnection is srf's own (drachtio-srf lib/wire-protocol.js): after a drop it re-dials after ≈255 ms,
 * ×1.7 per attempt, capped here at `drachtio.reconnectMaxMs`, re-authenticates and re-sends every route;
 * dialogs and recording sessions survive the outage. The log says once when the server goes away and
 * once when it is back (with the outage length), and names a rejected secret without printing it.
 */
export class SrfApp extends EnhancedEmitter<SrfAppEvents> {
  #opts: SrfAppOptions;
  #log: Logger;
  #srf: SrfLike;
  #connection: DrachtioConnection;
  #stopping = false;
  #started = false;

  constructor(options: SrfAppOptions) {
    super(options.logger);
    this.#opts = options;
    this.#log = options.logger.child({ component: 'sip' });
    this.#srf = new (Srf as unknown as new () => SrfLike)();
    this.#connection = new DrachtioConnection({
      drachtio: options.drachtio, logger: this.#log, liveSessions: () => options.recordings.size,
      onConnected: (e) => this.safeEmit('connected', e),
      onDisconnected: () => this.safeEmit('disconnected'),
      onAuthFailed: () => this.safeEmit('auth-failed'),
    });
  }

  /** True while authenticated to drachtio-server. */
  get connected(): boolean {
    return this.#connection.connected;
  }

  /** Registers the routes and connects (returns at once; see the `connected` event). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const srf = this.#srf;
    const { host, port, secret, reconnectMaxMs } = this.#opts.drachtio;
    const connection = this.#connection;
    srf.on('connect', ((err: Error | null, hostport: string) => connection.onConnect(err, hostport)) as never);
    srf.on('close', (() => connection.onClose()) as never);
    srf.on('reconnecting', ((info: { delay: number; attempt: number }) => connection.onReconnecting(info)) as never);
    srf.on('error', ((err: NodeJS.ErrnoException) => connection.onSocketError(err)) as never);
    srf.invite((req, res, next) => {
      this.#onInvite(req, res).catch((err) => {
        // after the final response srf would only print the error to stderr: log it here instead
        if (res.finalResponseSent) this.#log.error({ err: toError(err), sipCallId: req.get('Call-ID') }, 'INVITE handling failed after the final response');
        else next(err);
      });
    });
    // OPTIONS (200 with Allow/Accept), and BYE/UPDATE for dialogs srf does not know (481; srf's dialog
    // middleware consumes the known ones first): answered by the same decision function as INVITEs
    const outOfDialog = (req: SrfRequestLike, res: SrfResponseLike, next: (err?: unknown) => void) => {
      this.#onOutOfDialog(req, res).catch(next);
    };
    srf.options(outOfDialog);
    srf.bye(outOfDialog);
    srf.update(outOfDialog);
    srf.use((err, req, res, _next) => this.#onError(err, req, res));
    this.#log.info({ host, port }, 'connecting to drachtio-server');
    srf.connect({ host, port, secret, reconnect: { retryMaxDelay: reconnectMaxMs } });
  }

  /** Closes the control connection and stops reconnecting. Sessions are closed by the RecordingServer first. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#connection.stopping();
    try {
      this.#srf.disconnect();
    } catch {
      // srf cannot disconnect while it has no socket (mid-reconnect): stop its retry timer instead
      const wp = (this.#srf as unknown as { app?: { client?: { wp?: { closing: boolean; reconnectVars?: { retryTimer?: NodeJS.Timeout } } } } }).app?.client?.wp;
      if (wp) {
        wp.closing = true;
        if (wp.reconnectVars?.retryTimer) clearTimeout(wp.reconnectVars.retryTimer);
      }
    }
  }

  async #onInvite(req: SrfRequestLike, res: SrfResponseLike): Promise<void> {
    const startMs = Date.now();
    const timeoutMs = this.#opts.drachtio.transactionTimeoutMs;
    // The recording session binds callId and sipCallId itself: it gets the logger without sipCallId so
    // that no log line carries the key twice.
    const sourceLog = this.#log.child({ source: `${req.source_address}:${req.source_port}` });
    const log = sourceLog.child({ sipCallId: req.get('Call-ID') });
    const recordings = this.#opts.recordings;
    let cancelled = false;
    req.on('cancel', () => {
      cancelled = true; // drachtio-server already answered 200 to the CANCEL and 487 to the INVITE
    });
    if (/;\s*tag=/i.test(req.get('To') ?? '')) {
      await this.#refuse(res, log, { status: 481, reason: 'Call/Transaction Does Not Exist', headers: {} }, 'SIP_UNKNOWN_DIALOG', ['re-INVITE for an unknown dialog']);
      return;
    }
    if (!recordings.accepting) {
      await this.#refuse(res, log, { status: 503, reason: 'Service Unavailable', headers: { 'Retry-After': '30', Warning: this.#warning('shutting down') } }, 'SIP_SHUTTING_DOWN', []);
      return;
    }
    const decision = await recordings.decideInitial(toSipRequestLike(req));
    const { response } = decision;
    if (response.status < 200 || response.status >= 300 || !decision.session) {
      recordings.releasePorts(decision.leasedPorts);
      await this.#refuse(res, log, response, decision.errorCode, decision.warnings);
      return;
    }
    res.send(100, 'Trying', {});
    let session;
    try {
      session = recordings.create(decision.session, decision.leasedPorts, sourceLog);
      await session.start();
    } catch (err) {
      if (!session) recordings.releasePorts(decision.leasedPorts);
      else await session.close('error');
      throw err;
    }
    if (cancelled) {
      log.info({ callId: session.callId }, 'SIPREC INVITE cancelled by the SRC before the session started');
      await session.close('cancel');
      return;
    }
    // The callback form: srf calls it while handling the 200's echo, before it reads the next frame, so
    // the dialog's listeners are in place for a re-INVITE or BYE that follows in the same TCP chunk.
    const uas = new Promise<SignallingDialog>((resolve, reject) => {
      this.#srf.createUAS(req, res, { localSdp: response.sdp, headers: response.headers }, (err, dialog) =>
        err ? reject(err) : resolve(adaptDialog(dialog, timeoutMs, log, (d) => this.#onCurrentConnection(d))));
    });
    let dialog: SignallingDialog;
    try {
      dialog = await withDeadline(uas, timeoutMs, 'sending the 200 OK');
    } catch (err) {
      const reason = cancelled || (err as { status?: number }).status === 487 ? 'cancel' : 'error';
      if (reason === 'error') {
        uas.then((late) => late.end()).catch(() => undefined); // a late dialog is ended at once
        log.error({ err: toError(err), status: 200 }, 'SIPREC INVITE: the 200 OK was not confirmed; session abandoned');
      } else log.info({ callId: session.callId }, 'SIPREC INVITE cancelled by the SRC before the session started');
      await session.close(reason);
      return;
    }
    if (session.closed) {
      // closed (shutdown) while the 200 OK was on its way: the dialog exists now, so end it
      log.info({ callId: session.callId }, 'recording session closed while the 200 OK was being sent; sending BYE');
      await dialog.end().catch((err) => log.warn({ err }, 'sending BYE failed; the SRC will time the dialog out'));
      return;
    }
    session.attachDialog(dialog);
    const s = session.session;
    log.info({
      status: 200, callId: s.callId, callIdSource: s.callIdSource, streams: session.streamLabels,
      participants: s.participants.map((p) => ({ aor: p.aor, role: p.role })), warnings: decision.warnings,
      ms: Date.now() - startMs,
    }, 'SIPREC INVITE accepted: recording session started');
  }

  /**
   * srf sends a dialog's requests on the socket its INVITE came in on (Dialog#socket = req.socket), which is
   * destroyed after a reconnect; the BYE would then fail with ESOCKETDESTROYED although drachtio-server still
   * holds the dialog. Move the dialog onto the current connection first. (drachtio-srf 5.0.x internals:
   * `app.client._getDefaultSocket()`; guarded, since it asserts when no connection is up.)
   */
  #onCurrentConnection(dialog: SrfDialogLike): void {
    const req = (dialog as unknown as { req?: { socket?: { destroyed?: boolean } } }).req;
    if (!req?.socket?.destroyed) return;
    try {
      const client = (this.#srf as unknown as { app?: { client?: { _getDefaultSocket(): { destroyed?: boolean } | undefined } } }).app?.client;
      const socket = client?._getDefaultSocket();
      if (socket && !socket.destroyed) req.socket = socket;
    } catch {
      // no drachtio connection right now: the request fails and is logged by the caller
    }
  }

  async #onOutOfDialog(req: SrfRequestLike, res: SrfResponseLike): Promise<void> {
    const decision = await this.#opts.recordings.decideInitial(toSipRequestLike(req));
    this.#opts.recordings.releasePorts(decision.leasedPorts);
    const { status } = decision.response;
    if (status >= 300) {
      this.#log.warn({ method: req.method, sipCallId: req.get('Call-ID'), source: `${req.source_address}:${req.source_port}`, status,
        code: decision.errorCode }, `${req.method} outside a recording session refused`);
    }
    await sendResponse(res, decision.response, this.#opts.drachtio.transactionTimeoutMs);
  }

  async #refuse(res: SrfResponseLike, log: Logger, response: SiprecResponse, code: string | undefined, warnings: string[]): Promise<void> {
    const line = { status: response.status, reason: response.reason, code, warnings, warning: response.headers.Warning };
    if (response.status >= 500) log.error(line, 'SIPREC INVITE refused');
    else log.warn(line, 'SIPREC INVITE refused');
    try {
      await sendResponse(res, response, this.#opts.drachtio.transactionTimeoutMs);
    } catch (err) {
      log.error({ err }, 'the refusal could not be sent');
    }
  }

  /** The one error path: any exception in a handler becomes a final response with a Warning and one log line. */
  #onError(err: unknown, req: SrfRequestLike, res: SrfResponseLike): void {
    const e = toError(err);
    const status = e instanceof SiprecError ? e.sipStatus : 500;
    const reason = e instanceof SiprecError ? e.sipReason : 'Server Internal Error';
    const text = e instanceof ModsvarError ? `${e.code}: ${e.message}` : 'internal error';
    this.#log.error({ err: e, method: req.method, sipCallId: req.get('Call-ID'), status }, `${req.method} failed`);
    if (res.finalResponseSent) return;
    try {
      res.send(status, reason, { headers: { Warning: this.#warning(text) } });
    } catch (sendErr) {
      this.#log.error({ err: sendErr }, 'the error response could not be sent');
    }
  }

  /** A Warning header value (RFC 3261 §20.43): `399 <agent> "<text>"`, quotes and control characters removed. */
  #warning(text: string): string {
    const clean = text.replace(/["\\\r\n]/g, "'").slice(0, 200);
    return `399 ${this.#opts.warnAgent ?? 'modsvar'} "${clean}"`;
  }
}
