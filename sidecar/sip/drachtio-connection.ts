import type { Logger } from 'pino';
import type { ModsvarConfig } from '../config/schema.js';

/** Options of {@link DrachtioConnection}. */
export interface DrachtioConnectionOptions {
  drachtio: ModsvarConfig['drachtio'];
  logger: Logger;
  /** Live recording sessions, for the log lines (they survive an outage). */
  liveSessions: () => number;
  onConnected: (event: { hostport: string; reconnected: boolean; downMs?: number }) => void;
  onDisconnected: () => void;
  onAuthFailed: () => void;
}

/**
 * The state of the control connection to drachtio-server, fed by drachtio-srf's connection events
 * (`connect`, `close`, `reconnecting`, `error`; drachtio-srf lib/wire-protocol.js and lib/drachtio-agent.js),
 * and the one place that logs it: once when the server goes away, once when it is back (with the outage
 * length and the attempts), every 10th failed attempt meanwhile, and a rejected secret by name of the setting
 * (never its value). srf re-dials by itself; this class only observes.
 */
export class DrachtioConnection {
  #opts: DrachtioConnectionOptions;
  #connected = false;
  #everConnected = false;
  #stopping = false;
  #lostAtMs?: number;
  #attempts = 0;
  #authFailures = 0;

  constructor(options: DrachtioConnectionOptions) {
    this.#opts = options;
  }

  /** True while authenticated. */
  get connected(): boolean {
    return this.#connected;
  }

  /** We are closing the connection ourselves: a close is no outage. */
  stopping(): void {
    this.#stopping = true;
    this.#connected = false;
  }

  /** srf `connect`: `err` set when the server refused the secret. */
  onConnect(err: Error | null, hostport: string): void {
    const { host, port } = this.#opts.drachtio;
    const log = this.#opts.logger;
    if (err) {
      this.#authFailures++;
      // the real server closes the socket after a bad secret, so srf keeps retrying with backoff
      if (this.#authFailures === 1 || this.#authFailures % 10 === 0) {
        log.error({ host, port, failures: this.#authFailures },
          'drachtio-server rejected our secret: set drachtio.secret (MODSVAR_DRACHTIO__SECRET) to the server\'s; retrying with backoff');
      }
      this.#opts.onAuthFailed();
      return;
    }
    this.#connected = true;
    this.#authFailures = 0;
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    if (this.#lostAtMs !== undefined) {
      const downMs = Date.now() - this.#lostAtMs;
      log.info({ host, port, hostport, downMs, attempts: this.#attempts, sessions: this.#opts.liveSessions() },
        'drachtio-server is back: connection restored, routes re-sent, recording sessions kept');
      this.#lostAtMs = undefined;
      this.#attempts = 0;
      this.#opts.onConnected({ hostport, reconnected, downMs });
      return;
    }
    log.info({ host, port, hostport }, 'connected to drachtio-server');
    this.#opts.onConnected({ hostport, reconnected });
  }

  /** srf `close`: the socket closed (srf schedules a reconnect unless we are stopping). */
  onClose(): void {
    if (this.#stopping) return;
    const wasConnected = this.#connected;
    this.#connected = false;
    if (this.#lostAtMs === undefined && wasConnected) {
      this.#lostAtMs = Date.now();
      const { host, port, reconnectMaxMs } = this.#opts.drachtio;
      this.#opts.logger.warn({ host, port, sessions: this.#opts.liveSessions(), reconnectMaxMs },
        'drachtio-server is away: control connection lost; recording sessions go on; reconnecting with backoff');
      this.#opts.onDisconnected();
    }
  }

  /** srf `reconnecting`: the next attempt's delay in ms and its number. */
  onReconnecting(info: { delay: number; attempt: number }): void {
    this.#attempts = info.attempt;
    const downMs = this.#lostAtMs === undefined ? undefined : Date.now() - this.#lostAtMs;
    if (info.attempt % 10 === 0) this.#opts.logger.warn({ attempt: info.attempt, delayMs: info.delay, downMs }, 'drachtio-server still unreachable');
    else this.#opts.logger.debug({ attempt: info.attempt, delayMs: info.delay }, 'reconnecting to drachtio-server');
  }

  /** srf `error` (socket errors such as ECONNREFUSED): srf retries by itself; the first one before any connection is logged. */
  onSocketError(err: NodeJS.ErrnoException): void {
    if (!this.#everConnected && this.#attempts <= 1) {
      this.#opts.logger.warn({ host: this.#opts.drachtio.host, port: this.#opts.drachtio.port, code: err.code },
        'drachtio-server unreachable; retrying with backoff');
    } else this.#opts.logger.debug({ code: err.code }, 'drachtio-server socket error');
  }
}
