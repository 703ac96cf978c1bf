import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ModsvarError } from '../../sidecar/core/errors.js';

/** Options of {@link PortPool}. */
export interface PortPoolOptions {
  /** Lowest port, inclusive (config `sip.rtpPortMin`). Odd values are rounded up to even. */
  minPort: number;
  /** Highest port, inclusive (config `sip.rtpPortMax`). */
  maxPort: number;
  /** Address the RTP sockets bind to; used to test each port before leasing it. */
  bindAddress: string;
  /** Test-bind each port before leasing it; default true. */
  probe?: boolean;
}

/** Thrown by {@link PortPool.lease} when too few ports are free. Code `RTP_PORTS_EXHAUSTED`. */
export class PortsExhaustedError extends ModsvarError {
  readonly requested: number;
  readonly available: number;
  constructor(requested: number, available: number) {
    super('RTP_PORTS_EXHAUSTED', `RTP port pool exhausted: ${requested} requested, ${available} free`);
    this.requested = requested;
    this.available = available;
  }
}

/**
 * The RTP ports of this process: even ports in [minPort, maxPort] (RFC 3550 §11: RTP on an even port; the
 * odd port above is left for RTCP), one per recorded stream.
 *
 * - Leases are all-or-nothing and leak-proof: a failed lease returns every port it took, `release` is
 *   idempotent, and a port can only be leased once at a time.
 * - Ports are reused least-recently-released first, so late packets of an ended call rarely reach a new one.
 * - With `probe` (default), each port is test-bound before it is handed out; a port held by another
 *   process is skipped (and retried on a later lease).
 */
export class PortPool {
  readonly minPort: number;
  readonly maxPort: number;
  readonly bindAddress: string;
  readonly #probe: boolean;
  readonly #free: number[] = [];
  readonly #leased = new Set<number>();

  /** @throws TypeError when the range holds no even port or lies outside 1024–65535 */
  constructor(options: PortPoolOptions) {
    const min = options.minPort + (options.minPort % 2);
    if (!Number.isInteger(options.minPort) || !Number.isInteger(options.maxPort)) throw new TypeError('ports must be integers');
    if (min < 1024 || options.maxPort > 65535 || min > options.maxPort) {
      throw new TypeError(`bad RTP port range ${options.minPort}-${options.maxPort}`);
    }
    this.minPort = min;
    this.maxPort = options.maxPort;
    this.bindAddress = options.bindAddress;
    this.#probe = options.probe ?? true;
    for (let p = min; p <= options.maxPort; p += 2) this.#free.push(p);
  }

  /** Ports free to lease now. */
  get available(): number {
    return this.#free.length;
  }

  /** Ports currently leased. */
  get leased(): number {
    return this.#leased.size;
  }

  isLeased(port: number): boolean {
    return this.#leased.has(port);
  }

  /**
   * Leases `count` even ports (one per stream).
   * @returns the ports, in lease order
   * @throws PortsExhaustedError (`RTP_PORTS_EXHAUSTED`) when fewer than `count` usable ports are free;
   *   nothing stays leased then. TypeError for a count below 1.
   */
  async lease(count = 1): Promise<number[]> {
    if (!Number.isInteger(count) || count < 1) throw new TypeError('count must be a positive integer');
    const taken: number[] = [];
    const busy: number[] = [];
    try {
      while (taken.length < count) {
        const port = this.#free.shift();
        if (port === undefined) throw new PortsExhaustedError(count, taken.length);
        this.#leased.add(port); // reserved while probing, so a concurrent lease cannot take it
        if (!this.#probe || (await this.#canBind(port))) {
          taken.push(port);
        } else {
          this.#leased.delete(port);
          busy.push(port);
        }
      }
      return taken;
    } catch (err) {
      for (const port of taken) this.release(port);
      throw err;
    } finally {
      // Ports in use elsewhere go to the back of the queue, to be tried again later.
      for (const port of busy) this.#free.push(port);
    }
  }

  /** Returns ports to the pool. Idempotent: ports not leased (or already released) are ignored. */
  release(ports: number | readonly number[]): void {
    for (const port of typeof ports === 'number' ? [ports] : ports) {
      if (this.#leased.delete(port)) this.#free.push(port);
    }
  }

  #canBind(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createSocket({ type: isIPv6(this.bindAddress) ? 'udp6' : 'udp4' });
      socket.once('error', () => {
        try {
          socket.close();
        } catch {
          // not bound: nothing to close
        }
        resolve(false);
      });
      socket.bind({ port, address: this.bindAddress, exclusive: true }, () => {
        socket.close(() => resolve(true));
      });
    });
  }
}
