import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for the Ollama HTTP API (https://github.com/ollama/ollama/blob/main/docs/api.md;
 * notes in protocols/ollama-api.md), started on port 0 per test. It records every request.
 *
 * - `POST /api/embed` `{"model","input": string | string[]}` → `{"model","embeddings":[[…]],…}`:
 *   deterministic vectors (hashed bag of words, L2-normalised) of `embedDimension`, one per input, in
 *   input order. Unknown model → 404 `{"error":"model \"x\" not found, try pulling it first"}`.
 * - `POST /api/chat`: handled by the pluggable `chat` hook (see {@link OllamaChatHandler}, and
 *   {@link scriptedChat} for scripted replies with delays, errors and truncation); without one,
 *   404 for every model. Helpers {@link streamChat} and {@link chatReply} write the documented NDJSON
 *   stream or the single JSON reply.
 * - `GET /api/tags`, `GET /api/version`.
 * - Faults: `fault: { status, body }` answers every `/api/*` request with that status (e.g. 500, 503),
 *   `delayMs` delays every answer (timeouts), `close()` ends it, refusing later connections.
 */

/** What the chat hook receives. */
export interface OllamaChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  /** Server semantics: a missing `stream` means true. */
  stream: boolean;
  options?: Record<string, unknown>;
  format?: unknown;
  keep_alive?: unknown;
  [key: string]: unknown;
}

/** Answers one chat request: write to `res` (use {@link streamChat} / {@link chatReply}). */
export type OllamaChatHandler = (req: OllamaChatRequest, res: ServerResponse, httpReq: IncomingMessage) => void | Promise<void>;

export interface OllamaServerOptions {
  /** Models that exist (matched with and without `:latest`). Default `['nomic-embed-text', 'llama3.2:3b']`. */
  models?: string[];
  /** Embedding dimension. Default 64. */
  embedDimension?: number;
  /** The `/api/chat` handler; replace per test with `server.chat = …`. */
  chat?: OllamaChatHandler;
}

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface OllamaServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaceable chat hook. */
  chat?: OllamaChatHandler;
  /** When set, every `/api/*` request gets this status and JSON body `{"error": body}`. */
  fault?: { status: number; body: string };
  /** Delay before answering, in ms (0 = none). */
  delayMs: number;
  close(): Promise<void>;
}

/** The deterministic embedding the server returns for `text` (exported so tests can compare). */
export function fakeEmbedding(text: string, dimension: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash('sha1').update(word).digest();
    v[h.readUInt32BE(0) % dimension] += h[4] & 1 ? 1 : -1;
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

/** Writes a streamed chat reply as NDJSON: one chunk per token, then the `done` object with ns timings. */
export async function streamChat(res: ServerResponse, model: string, tokens: string[], options: { tokenDelayMs?: number; errorAfter?: number; noDone?: boolean } = {}): Promise<void> {
  if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  let closed = false;
  res.on('close', () => (closed = true));
  for (let i = 0; i < tokens.length; i++) {
    if (closed) return;
    if (options.errorAfter === i) {
      res.end(`${JSON.stringify({ error: 'model runner has unexpectedly stopped' })}\n`);
      return;
    }
    res.write(`${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content: tokens[i] }, done: false })}\n`);
    if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
  }
  if (closed) return;
  if (options.noDone) {
    res.end();
    return;
  }
  res.end(`${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', total_duration: 1_000_000, eval_count: tokens.length, eval_duration: 900_000 })}\n`);
}

/** Writes a non-streamed chat reply (`"stream": false`). */
export function chatReply(res: ServerResponse, model: string, content: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done: true, done_reason: 'stop', total_duration: 1_000_000 }));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startOllamaServer(options: OllamaServerOptions = {}): Promise<OllamaServer> {
  const models = options.models ?? ['nomic-embed-text', 'llama3.2:3b'];
  const dimension = options.embedDimension ?? 64;
  const known = (m: unknown) => typeof m === 'string' && models.some((k) => k === m || `${k}:latest` === m || k === `${m}:latest`);
  const sockets = new Set<Socket>();

  const state: { requests: RecordedRequest[]; chat?: OllamaChatHandler; fault?: { status: number; body: string }; delayMs: number } = {
    requests: [], chat: options.chat, delayMs: 0,
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', body: raw });
      return sendJson(res, 400, { error: 'invalid character in request body' });
    }
    const path = (req.url ?? '').split('?')[0];
    state.requests.push({ method: req.method ?? '', path, body });
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.fault && path.startsWith('/api/')) return sendJson(res, state.fault.status, { error: state.fault.body });
    const b = (body ?? {}) as Record<string, unknown>;

    if (req.method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: '0.0.0-test' });
    if (req.method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, { models: models.map((m) => ({ name: m, model: m, modified_at: '2025-01-01T00:00:00Z', size: 1, digest: 'sha256:0', details: {} })) });
    }
    if (req.method === 'POST' && (path === '/api/embed' || path === '/api/chat') && typeof b.model !== 'string') {
      return sendJson(res, 400, { error: 'model is required' });
    }
    if (req.method === 'POST' && path === '/api/embed') {
      if (!known(b.model)) return sendJson(res, 404, { error: `model "${String(b.model)}" not found, try pulling it first` });
      const input = typeof b.input === 'string' ? [b.input] : Array.isArray(b.input) ? b.input.map(String) : [];
      return sendJson(res, 200, { model: b.model, embeddings: input.map((t) => fakeEmbedding(t, dimension)), total_duration: 1_000_000, load_duration: 1000, prompt_eval_count: input.length });
    }
    if (req.method === 'POST' && path === '/api/chat') {
      if (!known(b.model) || !state.chat) return sendJson(res, 404, { error: `model "${String(b.model)}" not found, try pulling it first` });
      const chatReq = { ...b, stream: b.stream !== false } as OllamaChatRequest;
      try {
        await state.chat(chatReq, res, req);
      } catch (err) {
        if (!res.headersSent) sendJson(res, 500, { error: (err as Error).message });
        else res.end();
      }
      return;
    }
    sendJson(res, 404, { error: `unknown endpoint ${req.method} ${path}` });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  }) as OllamaServer;
}

/** One scripted chat reply (see {@link scriptedChat}). */
export interface ScriptedReply {
  /** Chosen when the last user message contains this text or matches this pattern; no `when` = fallback. */
  when?: string | RegExp;
  /** The reply text; streamed in word-sized tokens (whitespace kept with the word before it). */
  text?: string;
  /** Or the exact tokens to stream. */
  tokens?: string[];
  /** Delay before the first token, in ms (to provoke a first-token timeout). */
  firstTokenDelayMs?: number;
  /** Delay between tokens, in ms. */
  tokenDelayMs?: number;
  /** Send an `{"error"}` line instead of token N (0-based). */
  errorAfter?: number;
  /** End the body without the `done` object. */
  noDone?: boolean;
  /** HTTP error instead of a stream: status and message. */
  httpError?: { status: number; message: string };
}

/** Splits text into stream tokens the way a model emits them: words with their trailing whitespace. */
export function tokenizeReply(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/**
 * A chat hook that answers from a script, honouring `stream` (NDJSON stream or single JSON). The first
 * entry whose `when` matches the last user message wins; the server records every request, so tests can
 * read the prompt the client sent.
 */
export function scriptedChat(script: ScriptedReply[]): OllamaChatHandler {
  return async (req, res) => {
    const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const entry = script.find((s) => s.when !== undefined && (typeof s.when === 'string' ? lastUser.includes(s.when) : s.when.test(lastUser)))
      ?? script.find((s) => s.when === undefined);
    if (!entry) {
      res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'no scripted reply for this prompt' }));
      return;
    }
    if (entry.httpError) {
      res.writeHead(entry.httpError.status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: entry.httpError.message }));
      return;
    }
    const tokens = entry.tokens ?? tokenizeReply(entry.text ?? '');
    if (!req.stream) return chatReply(res, req.model, tokens.join(''));
    if (entry.firstTokenDelayMs) {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.flushHeaders();
      let closed = false;
      res.on('close', () => (closed = true));
      await new Promise((r) => setTimeout(r, entry.firstTokenDelayMs));
      if (closed) return;
    }
    await streamChat(res, req.model, tokens, { tokenDelayMs: entry.tokenDelayMs, errorAfter: entry.errorAfter, noDone: entry.noDone });
  };
}
