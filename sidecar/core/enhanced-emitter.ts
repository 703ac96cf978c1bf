import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** A map from event name to the tuple of arguments its listeners receive. */
export type EventMap = Record<string, unknown[]>;

/**
 * An EventEmitter typed by an event map, e.g. `EnhancedEmitter<{ close: [CloseReason] }>`.
 *
 * `safeEmit` calls listeners like `emit`, but a listener that throws is logged and does not break the
 * emitter or the other listeners (after mediasoup's enhancedEvents). Use `safeEmit` for every event
 * that crosses an ownership boundary.
 */
export class EnhancedEmitter<E extends EventMap> extends EventEmitter {
  #logger?: Logger;

  constructor(logger?: Logger) {
    super();
    this.#logger = logger;
    this.setMaxListeners(Infinity);
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  /** Emits `event`; a throwing listener is logged (or written to stderr) and swallowed. Returns true if it had listeners. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.rawListeners(event) as Array<(...a: unknown[]) => void>;
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (err) {
        if (this.#logger) this.#logger.error({ err, event }, 'event listener threw');
        else process.stderr.write(`event listener for "${event}" threw: ${String(err)}\n`);
      }
    }
    // once() wrappers remove themselves when called through rawListeners; nothing else to do.
    return listeners.length > 0;
  }
}
