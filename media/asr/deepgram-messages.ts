import { z } from 'zod';
import { ProviderError } from '../../sidecar/core/errors.js';

/**
 * Schemas of the server messages of Deepgram's live endpoint (`/v1/listen`), after
 * https://developers.deepgram.com/reference/speech-to-text/listen-streaming and the AsyncAPI spec
 * (deepgram/deepgram-api-specs `asyncapi.yml`). Times are in seconds from the start of the
 * connection's audio. Unknown fields pass through; required fields are checked so a partial object
 * never reaches the mapping code.
 */

const word = z.object({
  word: z.string(),
  start: z.number(),
  end: z.number(),
  confidence: z.number(),
  punctuated_word: z.string().optional(),
  speaker: z.number().int().optional(),
  language: z.string().optional(),
});

/** `Results`: one interim (`is_final:false`) or final segment. */
export const resultsSchema = z.object({
  type: z.literal('Results'),
  channel_index: z.array(z.number()),
  duration: z.number(),
  start: z.number(),
  is_final: z.boolean().optional(),
  speech_final: z.boolean().optional(),
  from_finalize: z.boolean().optional(),
  channel: z.object({
    alternatives: z.array(z.object({
      transcript: z.string(),
      confidence: z.number(),
      words: z.array(word),
      languages: z.array(z.string()).optional(),
    })).min(1),
  }),
});

export const utteranceEndSchema = z.object({
  type: z.literal('UtteranceEnd'),
  last_word_end: z.number(),
});

export const speechStartedSchema = z.object({
  type: z.literal('SpeechStarted'),
  timestamp: z.number(),
});

export const metadataSchema = z.object({
  type: z.literal('Metadata'),
  request_id: z.string().optional(),
  duration: z.number().optional(),
});

/** Any server message we act on. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  resultsSchema, utteranceEndSchema, speechStartedSchema, metadataSchema,
]);

export type DeepgramResults = z.infer<typeof resultsSchema>;
export type DeepgramServerMessage = z.infer<typeof serverMessageSchema>;

/** Seconds (Deepgram) → whole ms. */
export function secondsToMs(s: number): number {
  return Math.round(s * 1000);
}

/**
 * Maps a connect/socket failure to a ProviderError. The SDK (ws) reports a refused upgrade as
 * `Unexpected server response: <status>` (401 bad key, 400 rejected model/language/parameter,
 * 402 quota, 429 rate limit); close codes: 1011 NET-0000/NET-0001 (server timeout), 1008 DATA-0000
 * (undecodable audio).
 */
export function toProviderError(err: unknown, closeCode?: number, closeReason?: string): ProviderError {
  if (err instanceof ProviderError) return err;
  // waitForOpen() rejects with a ws ErrorEvent ({ error, message }), the 'error' event passes an Error.
  const inner = (err as { error?: unknown } | undefined)?.error ?? err;
  const message = inner instanceof Error ? inner.message
    : typeof (err as { message?: unknown })?.message === 'string' ? (err as { message: string }).message
    : closeReason ?? String(err ?? 'connection closed');
  const m = /Unexpected server response: (\d{3})/.exec(message);
  if (m) {
    const status = Number(m[1]);
    const what = status === 401 ? 'API key rejected'
      : status === 400 ? 'request rejected (model, language or parameter)'
      : status === 402 ? 'quota exhausted'
      : status === 429 ? 'rate limited' : `HTTP ${status}`;
    return ProviderError.fromHttpStatus('deepgram', status, `deepgram: ${what} (HTTP ${status})`, err);
  }
  if (message === 'TIMEOUT') {
    // the SDK's own connect deadline (connectionTimeoutInSeconds) passed without an upgrade answer
    return new ProviderError('deepgram', 'timeout', 'deepgram: no answer to the WebSocket upgrade within the connect deadline', { cause: err });
  }
  if (closeCode === 1008) {
    return new ProviderError('deepgram', 'invalid_request', `deepgram: audio could not be decoded (close 1008 ${closeReason ?? ''})`.trim(),
      { status: closeCode, cause: err });
  }
  if (closeCode === 1011) {
    return new ProviderError('deepgram', 'timeout', `deepgram: server closed the session (1011 ${closeReason ?? ''})`.trim(),
      { status: closeCode, cause: err });
  }
  return new ProviderError('deepgram', 'connectivity',
    `deepgram: connection lost${closeCode ? ` (close ${closeCode}${closeReason ? ` ${closeReason}` : ''})` : `: ${message}`}`,
    { status: closeCode, cause: err });
}
