/**
 * Llm adapter for Ollama's streaming chat, `POST /api/chat` with `"stream": true`
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion; notes in
 * protocols/ollama-api.md), through the `ollama` npm client. It yields each chunk's `message.content`
 * delta and nothing else: no retries, no timeouts of its own beyond `requestTimeoutMs` (the draft
 * composer owns the first-token and total deadlines through the AbortSignal).
 *
 * Vendor quirks handled here:
 * - the client sends `"stream": false` unless told, so `stream: true` is always set;
 * - the client takes no AbortSignal: a per-request `fetch` joins the caller's signal to the request, so an
 *   abort also cancels a request whose response headers have not arrived yet;
 * - failures arrive as `ResponseError` (non-2xx; `status_code`), `TypeError: fetch failed` (server down),
 *   a plain `Error` from an `{"error"}` line mid-stream or a stream without `done`, and `AbortError`.
 */
import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama';
import { ProviderError } from '../../core/errors.js';
import type { Llm, LlmMessage } from '../ports.js';

/** Options for {@link OllamaLlm} (config `llm.ollama`). */
export interface OllamaLlmOptions {
  /** Server URL, e.g. `http://127.0.0.1:11434`. */
  host: string;
  /** Chat model (`name:tag`), e.g. `llama3.2:3b`. */
  model: string;
  /** Maximum tokens to generate (`options.num_predict`). Default 200. */
  numPredict?: number;
  /** Context window in tokens (`options.num_ctx`). Default 4096. */
  numCtx?: number;
  /** How long the server keeps the model loaded after a request (`keep_alive`), e.g. `30m`. Default `30m`. */
  keepAlive?: string;
  /** Hard deadline for one request in ms, as a backstop under the caller's signal. Default 30000. */
  requestTimeoutMs?: number;
  /** Extra headers (e.g. for a proxy in front of Ollama); never logged. */
  headers?: Record<string, string>;
}

const PROVIDER = 'ollama';

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * Maps what the client throws to a ProviderError: ResponseError → by HTTP status (404 model missing →
 * invalid_request, 5xx → server, 429 → rate_limit …), `fetch failed` → connectivity, the request deadline →
 * timeout, an `{"error"}` line or a truncated stream → server.
 */
export function toLlmProviderError(err: unknown, model: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { name?: string; status_code?: number; error?: string; message?: string };
  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    return ProviderError.fromHttpStatus(PROVIDER, e.status_code, `Ollama chat (${model}): ${e.error ?? e.message}`, err);
  }
  if (e?.name === 'TimeoutError') return new ProviderError(PROVIDER, 'timeout', `Ollama chat (${model}) timed out`, { cause: err });
  if (err instanceof TypeError) return new ProviderError(PROVIDER, 'connectivity', `Ollama unreachable: ${e.message}`, { cause: err });
  return new ProviderError(PROVIDER, 'server', `Ollama chat (${model}) failed: ${e?.message ?? String(err)}`, { cause: err });
}

/** A streaming chat model served by Ollama. */
export class OllamaLlm implements Llm {
  readonly name: string;
  readonly streaming = true;
  readonly #o: Required<Omit<OllamaLlmOptions, 'headers'>> & { headers?: Record<string, string> };

  constructor(options: OllamaLlmOptions) {
    if (!options.host) throw new TypeError('OllamaLlm: host is required');
    if (!options.model) throw new TypeError('OllamaLlm: model is required');
    this.#o = { numPredict: 200, numCtx: 4096, keepAlive: '30m', requestTimeoutMs: 30_000, ...options };
    this.name = `ollama:${options.model}`;
  }

  /**
   * Streams the reply's text deltas.
   * @throws ProviderError when the server is down, the model is missing, or the stream fails.
   * @throws AbortError (name `AbortError`) when `signal` aborts; the HTTP request is cancelled too.
   */
  async *chat(messages: LlmMessage[], options: { signal?: AbortSignal; temperature?: number } = {}): AsyncIterable<string> {
    const { signal } = options;
    if (signal?.aborted) throw abortError();
    const deadline = AbortSignal.timeout(this.#o.requestTimeoutMs);
    const joined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const client = new Ollama({
      host: this.#o.host,
      ...(this.#o.headers ? { headers: this.#o.headers } : {}),
      fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, joined]) : joined }),
    });
    let stream: AbortableAsyncIterator<ChatResponse> | undefined;
    const onAbort = (): void => stream?.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const started = await client.chat({
        model: this.#o.model,
        messages,
        stream: true,
        keep_alive: this.#o.keepAlive,
        options: {
          temperature: options.temperature ?? 0.2,
          num_predict: this.#o.numPredict,
          num_ctx: this.#o.numCtx,
        },
      });
      stream = started;
      if (signal?.aborted) throw abortError();
      for await (const part of started) {
        const delta = part.message?.content ?? '';
        if (delta) yield delta;
        if (part.done) break;
      }
    } catch (err) {
      if (signal?.aborted) throw abortError();
      if (deadline.aborted) throw new ProviderError(PROVIDER, 'timeout', `Ollama chat (${this.#o.model}) exceeded ${this.#o.requestTimeoutMs} ms`, { cause: err });
      throw toLlmProviderError(err, this.#o.model);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Leaving the loop early (consumer stopped) must not leave the HTTP stream open.
      stream?.abort();
    }
  }
}
