/**
 * Embedder adapter for Ollama's `POST /api/embed` (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings),
 * through the `ollama` npm client: `{"model","input":[…]}` → `{"embeddings":[[…],…]}` in input order.
 * Vectors are L2-normalised here even though current models already return them normalised. The
 * dimension is the model's; {@link OllamaEmbedder.connect} learns it with one probe request.
 */
import { Ollama } from 'ollama';
import { ProviderError } from '../../core/errors.js';
import type { Embedder } from '../ports.js';

/** Options for {@link OllamaEmbedder}. */
export interface OllamaEmbedderOptions {
  /** Server URL, e.g. `http://127.0.0.1:11434`. */
  host: string;
  /** Embedding model, e.g. `nomic-embed-text`. */
  model: string;
  /** Deadline per request in ms. Default 10000. */
  timeoutMs?: number;
  /** Texts per request. Default 32. */
  batchSize?: number;
}

const PROVIDER = 'ollama';

/** Maps what the `ollama` client throws to a ProviderError (see protocols: ResponseError, fetch failed, abort). */
function toProviderError(err: unknown, model: string): ProviderError {
  const e = err as { name?: string; status_code?: number; error?: string; message?: string; cause?: unknown };
  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    return ProviderError.fromHttpStatus(PROVIDER, e.status_code, `Ollama embed (${model}): ${e.error ?? e.message}`, err);
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new ProviderError(PROVIDER, 'timeout', `Ollama embed (${model}) timed out`, { cause: err });
  if (err instanceof TypeError) return new ProviderError(PROVIDER, 'connectivity', `Ollama unreachable: ${e.message}`, { cause: err });
  return new ProviderError(PROVIDER, 'unknown', `Ollama embed (${model}): ${e?.message ?? String(err)}`, { cause: err });
}

export class OllamaEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: number;
  private readonly client: Ollama;
  private readonly options: Required<OllamaEmbedderOptions>;

  /** Use {@link OllamaEmbedder.connect} unless the dimension is known. */
  constructor(options: OllamaEmbedderOptions, dimension: number) {
    this.options = { timeoutMs: 10_000, batchSize: 32, ...options };
    this.dimension = dimension;
    this.name = `ollama:${options.model}`;
    const timeoutMs = this.options.timeoutMs;
    this.client = new Ollama({
      host: options.host,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    });
  }

  /**
   * Creates the embedder and learns the model's dimension with one request.
   * @throws ProviderError when the server is down (`connectivity`), the model is missing (404 →
   *   `invalid_request`), or the request times out.
   */
  static async connect(options: OllamaEmbedderOptions): Promise<OllamaEmbedder> {
    const probe = new OllamaEmbedder(options, 0);
    const [v] = await probe.request(['dimension probe']);
    return new OllamaEmbedder(options, v.length);
  }

  /** Embeds texts in batches of `batchSize`. Throws ProviderError; never returns a partial result. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.options.batchSize) out.push(...(await this.request(texts.slice(i, i + this.options.batchSize))));
    return out;
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    let res: { embeddings?: unknown };
    try {
      res = await this.client.embed({ model: this.options.model, input });
    } catch (err) {
      throw toProviderError(err, this.options.model);
    }
    const rows = res.embeddings;
    if (!Array.isArray(rows) || rows.length !== input.length) {
      throw new ProviderError(PROVIDER, 'server', `Ollama embed returned ${Array.isArray(rows) ? rows.length : 'no'} vectors for ${input.length} inputs`);
    }
    return rows.map((row) => {
      if (!Array.isArray(row) || row.some((x) => typeof x !== 'number')) throw new ProviderError(PROVIDER, 'server', 'Ollama embed returned a malformed vector');
      if (this.dimension && row.length !== this.dimension) {
        throw new ProviderError(PROVIDER, 'server', `Ollama model ${this.options.model} returned ${row.length} dimensions, expected ${this.dimension}`, { retryable: false });
      }
      const v = Float32Array.from(row as number[]);
      let n = 0;
      for (const x of v) n += x * x;
      n = Math.sqrt(n);
      if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
      return v;
    });
  }
}
