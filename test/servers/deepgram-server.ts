import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import alawmulaw from 'alawmulaw';
import { WebSocketServer, type WebSocket } from 'ws';

const { mulaw, alaw } = alawmulaw;

/**
 * A local stand-in for Deepgram's live transcription endpoint (`GET /v1/listen`, WebSocket), following
 * the documented protocol (https://developers.deepgram.com/reference/speech-to-text/listen-streaming,
 * /work notes protocols/deepgram-live.md): token auth and query parameters at the upgrade, HTTP 4xx
 * with `dg-error` on rejection, binary audio frames, `KeepAlive`/`Finalize`/`CloseStream` text frames
 * in; `Results` (interim and final), `SpeechStarted`, `UtteranceEnd` and `Metadata` out; close 1011
 * NET-0001 after a silence timeout, 1000 after CloseStream.
 *
 * Recognition is scripted by the audio content, so resent audio yields the same words again: a run of
 * samples of amplitude `k × 1000` (k = 1…n, at least one 20 ms frame) is the word `vocabulary[k-1]`;
 * a negative amplitude means the same word by speaker 1 (diarization); 0 is silence. Times come from
 * the audio received on the connection (seconds from that connection's first byte), never wall time.
 */

/** Test hook: close a connection once it has received this much audio. */
export interface DeepgramFault {
  /** 0-based index of the connection (in upgrade order). */
  connection: number;
  /** Audio received on that connection, in ms, before the server closes it. */
  afterAudioMs: number;
  /** Close code (1011 = server error / NET-0001). */
  code: number;
  reason?: string;
}

export interface DeepgramServerOptions {
  /** Accepted key: `Authorization: Token <apiKey>`. */
  apiKey: string;
  /** Word per amplitude step (see above). */
  vocabulary: string[];
  /** Languages the model accepts; any other → HTTP 400. Default da, de, en, en-US, multi. */
  languages?: string[];
  /** Answer every upgrade with this HTTP status (e.g. 402 quota, 429 rate limit). */
  rejectStatus?: number;
  /** Close after this many ms without audio or text (NET-0001). Default 10000. */
  idleTimeoutMs?: number;
  faults?: DeepgramFault[];
  /**
   * Runs shorter than this are not words (the ramps a resampler or codec leaves between levels), ms.
   * Default 10.
   */
  minWordMs?: number;
}

/** What one connection received, for assertions. */
export interface DeepgramConnectionRecord {
  query: URLSearchParams;
  authorization?: string;
  audioBytes: number;
  /** Parsed client text frames in order (`{type:'KeepAlive'}` …). */
  controls: Array<{ type: string }>;
  /** Server messages sent, in order. */
  sent: Array<Record<string, unknown>>;
  closeCode?: number;
}

export interface DeepgramTestServer {
  /** `ws://127.0.0.1:<port>`: pass as the SDK's `baseUrl`. */
  url: string;
  connections: DeepgramConnectionRecord[];
  /** Upgrade attempts, including rejected ones. */
  upgrades: number;
  close(): Promise<void>;
}

interface Word { word: string; start: number; end: number; speaker: number }

/** Starts the server on 127.0.0.1, port 0. */
export async function startDeepgramServer(options: DeepgramServerOptions): Promise<DeepgramTestServer> {
  const languages = options.languages ?? ['da', 'de', 'en', 'en-US', 'multi'];
  const http: Server = createServer((_req, res) => { res.statusCode = 404; res.end(); });
  const wss = new WebSocketServer({ noServer: true });
  const state: DeepgramTestServer = { url: '', connections: [], upgrades: 0, close: async () => {} };

  const reject = (socket: Socket, status: number, code: string, msg: string) => {
    const body = JSON.stringify({ err_code: code, err_msg: msg, request_id: randomUUID() });
    socket.end(`HTTP/1.1 ${status} Error\r\ndg-error: ${msg}\r\ndg-request-id: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    state.upgrades++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/v1/listen') return reject(socket, 404, 'NOT_FOUND', 'not found');
    if (req.headers.authorization !== `Token ${options.apiKey}`) {
      return reject(socket, 401, 'INVALID_AUTH', 'Invalid credentials.');
    }
    if (options.rejectStatus) return reject(socket, options.rejectStatus, 'REJECTED', `rejected with ${options.rejectStatus}`);
    const q = url.searchParams;
    if (!q.get('model')) return reject(socket, 400, 'INVALID_QUERY_PARAMETER', 'model is required');
    if (q.getAll('keywords').length && (q.get('model') ?? '').startsWith('nova-3')) {
      return reject(socket, 400, 'INVALID_QUERY_PARAMETER', 'keywords is not supported by nova-3; use keyterm');
    }
    const lang = q.get('language') ?? 'en';
    if (!languages.includes(lang)) {
      return reject(socket, 400, 'INVALID_QUERY_PARAMETER', `No such model/language combination: ${lang}`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, {
      query: q, authorization: req.headers.authorization, audioBytes: 0, controls: [], sent: [],
    }));
  });

  function serve(ws: WebSocket, rec: DeepgramConnectionRecord): void {
    const index = state.connections.push(rec) - 1;
    const q = rec.query;
    const encoding = q.get('encoding') ?? 'linear16';
    const rate = Number(q.get('sample_rate') ?? 16000);
    const interim = q.get('interim_results') === 'true';
    const endpointingMs = q.get('endpointing') === 'false' ? Infinity : Number(q.get('endpointing') ?? 10);
    const utteranceEndMs = interim && q.get('utterance_end_ms') ? Number(q.get('utterance_end_ms')) : undefined;
    const vadEvents = q.get('vad_events') === 'true';
    const diarize = q.get('diarize') === 'true';
    const requestId = randomUUID();
    let samples = 0; // audio position on this connection
    let segStart = 0; // seconds: start of the current (not yet final) segment
    let pending: Word[] = []; // words recognised but not final
    let cur: { k: number; speaker: number; start: number } | undefined; // word being spoken
    let silenceSince = 0; // sample index where the current silence began
    let lastFinalWordEnd: number | undefined;
    let utteranceEndSent = true;
    let speechStartedSent = false;
    let closed = false;
    const fault = options.faults?.find((f) => f.connection === index);
    const sec = (s: number) => Math.round((s / rate) * 1e6) / 1e6;

    const send = (m: Record<string, unknown>) => {
      if (closed) return;
      rec.sent.push(m);
      ws.send(JSON.stringify(m));
    };
    const results = (words: Word[], isFinal: boolean, speechFinal: boolean, fromFinalize: boolean, end: number) => {
      const transcript = words.map((w) => w.word).join(' ');
      send({
        type: 'Results', channel_index: [0, 1], duration: Math.round((end - segStart) * 1e6) / 1e6, start: segStart,
        is_final: isFinal, speech_final: speechFinal, from_finalize: fromFinalize,
        channel: { alternatives: [{ transcript, confidence: words.length ? 0.93 : 0, words: words.map((w) => ({
          word: w.word.toLowerCase(), start: w.start, end: w.end, confidence: 0.93, punctuated_word: w.word,
          ...(diarize ? { speaker: w.speaker } : {}),
        })) }] },
        metadata: { request_id: requestId, model_info: { name: 'general-nova-3', version: 'test', arch: 'nova-3' }, model_uuid: 'test' },
      });
    };
    const minWordSamples = ((options.minWordMs ?? 10) * rate) / 1000;
    const closeWord = (at: number) => {
      if (!cur) return;
      if (at - cur.start < minWordSamples) {
        cur = undefined; // a transient, not a word
        return;
      }
      pending.push({ word: options.vocabulary[cur.k - 1] ?? `w${cur.k}`, start: sec(cur.start), end: sec(at), speaker: cur.speaker });
      cur = undefined;
      silenceSince = at;
      if (interim) results(pending, false, false, false, sec(at));
    };
    const finalize = (speechFinal: boolean, fromFinalize: boolean) => {
      closeWord(samples);
      const end = sec(samples);
      if (pending.length === 0) return; // nothing buffered: Deepgram sends no final
      results(pending, true, speechFinal, fromFinalize, end);
      if (pending.length) {
        lastFinalWordEnd = pending[pending.length - 1].end;
        utteranceEndSent = false;
      }
      pending = [];
      segStart = end;
    };
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        ws.close(1011, 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001');
      }, options.idleTimeoutMs ?? 10_000);
    };
    touch();

    const onSample = (v: number) => {
      const k = Math.round(Math.abs(v) / 1000);
      const speaker = v < 0 ? 1 : 0;
      if (cur && (k !== cur.k || speaker !== cur.speaker)) closeWord(samples);
      if (k > 0 && !cur) {
        if (vadEvents && !speechStartedSent) {
          send({ type: 'SpeechStarted', channel: [0, 1], timestamp: sec(samples) });
          speechStartedSent = true;
        }
        cur = { k, speaker, start: samples };
      }
      samples++;
      if (!cur) {
        const silentMs = ((samples - silenceSince) * 1000) / rate;
        if (pending.length && silentMs >= endpointingMs) {
          finalize(true, false);
          speechStartedSent = false;
        }
        if (!utteranceEndSent && utteranceEndMs !== undefined && lastFinalWordEnd !== undefined &&
            (samples / rate - lastFinalWordEnd) * 1000 >= utteranceEndMs) {
          send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastFinalWordEnd });
          utteranceEndSent = true;
        }
      }
    };

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (closed) return; // closing handshake in progress: nothing more is processed
      touch();
      if (isBinary) {
        rec.audioBytes += data.length;
        if (encoding === 'linear16') {
          for (let i = 0; i + 1 < data.length; i += 2) onSample(data.readInt16LE(i));
        } else {
          const dec = encoding === 'mulaw' ? mulaw.decodeSample : alaw.decodeSample;
          for (const b of data) onSample(dec(b));
        }
        if (fault && !closed && (samples * 1000) / rate >= fault.afterAudioMs) {
          closed = true;
          ws.close(fault.code, fault.reason ?? 'fault injected');
        }
        return;
      }
      const msg = JSON.parse(data.toString('utf8')) as { type: string };
      rec.controls.push(msg);
      if (msg.type === 'Finalize') finalize(false, true);
      else if (msg.type === 'CloseStream') {
        finalize(true, true);
        send({ type: 'Metadata', transaction_key: 'deprecated', request_id: requestId, sha256: '0', created: new Date().toISOString(),
          duration: samples / rate, channels: 1 });
        closed = true;
        ws.close(1000);
      }
    });
    ws.on('close', (code) => {
      rec.closeCode = code;
      closed = true;
      clearTimeout(idle);
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  state.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  state.close = async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return state;
}

/**
 * Builds linear16 test audio for the server above: each item is a word index k (1-based; negative =
 * speaker 1) held for `wordMs`, or 0 for silence of `silenceMs`. Returns PCM16 at `rateHz`.
 */
export function scriptedSpeech(items: Array<{ k: number; ms: number }>, rateHz = 16_000): Int16Array {
  const total = items.reduce((n, it) => n + Math.round((it.ms * rateHz) / 1000), 0);
  const out = new Int16Array(total);
  let at = 0;
  for (const it of items) {
    const n = Math.round((it.ms * rateHz) / 1000);
    out.fill(it.k * 1000, at, at + n);
    at += n;
  }
  return out;
}
