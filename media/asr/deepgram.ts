import { DeepgramClient } from '@deepgram/sdk';
import { ProviderError } from '../../sidecar/core/errors.js';
import type { AsrCapabilities, AsrProvider, AsrSession, AsrSessionOptions } from './asr-provider.js';
import { DeepgramSession, type ConnectArgs } from './deepgram-session.js';

/** Per-language Deepgram settings; unset keys fall back to the provider-wide ones. */
export interface DeepgramLanguageOptions {
  model?: string;
  endpointingMs?: number | false;
  utteranceEndMs?: number;
  /** Keyterm prompting (nova-3): product and company names. */
  keyterms?: string[];
}

/** Options of the Deepgram provider (config section `asr.deepgram`). */
export interface DeepgramOptions {
  /** API key, from the environment only. Never logged. */
  apiKey: string;
  /** Endpoint base, default `wss://api.deepgram.com`; tests pass the local server. */
  baseUrl?: string;
  /** Model, e.g. `nova-3`. */
  model: string;
  interimResults: boolean;
  /** ms of silence that ends an utterance (`endpointing`), or false. Deepgram's own default (10) fragments speech. */
  endpointingMs: number | false;
  /** `utterance_end_ms`: gap after the last final word that emits UtteranceEnd; ≥1000 per Deepgram. */
  utteranceEndMs?: number;
  smartFormat: boolean;
  punctuate: boolean;
  vadEvents: boolean;
  /** KeepAlive interval while no audio flows (stream silent or on hold), ms; Deepgram closes after 10 s. */
  keepAliveIntervalMs: number;
  /** Upgrade deadline in ms. */
  connectTimeoutMs: number;
  languages?: Record<string, DeepgramLanguageOptions>;
}

/** Deepgram live (`/v1/listen`) behind the AsrProvider port. */
export class DeepgramProvider implements AsrProvider {
  readonly name = 'deepgram';
  readonly capabilities: AsrCapabilities = {
    interim: true,
    wordTimings: true,
    diarization: true,
    // Deepgram decides: a language the model rejects comes back as an HTTP 400 → `error` event.
    languages: 'any',
    encodings: ['linear16', 'mulaw', 'alaw'],
    finalize: true,
  };
  readonly #client: DeepgramClient;
  readonly #options: DeepgramOptions;

  constructor(options: DeepgramOptions) {
    if (!options.apiKey) {
      throw new ProviderError('deepgram', 'authentication', 'deepgram: no API key (set DEEPGRAM_API_KEY or MODSVAR_ASR__DEEPGRAM__API_KEY)');
    }
    this.#options = options;
    this.#client = new DeepgramClient({ apiKey: options.apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  }

  open(opts: AsrSessionOptions): AsrSession {
    const encoding = opts.encoding ?? 'linear16';
    if (!this.capabilities.encodings.includes(encoding)) throw new TypeError(`deepgram: unsupported encoding ${encoding}`);
    if (!(opts.sampleRateHz > 0)) throw new TypeError('deepgram: sampleRateHz must be positive');
    const o = this.#options;
    const lang = o.languages?.[opts.language] ?? o.languages?.[opts.language.split('-')[0]] ?? {};
    const endpointing = lang.endpointingMs ?? o.endpointingMs;
    const utteranceEnd = lang.utteranceEndMs ?? o.utteranceEndMs;
    const keyterm = lang.keyterms?.length ? lang.keyterms : undefined;
    // Every key becomes a query parameter (deepgram-live notes §2); the SDK's own reconnect is off
    // (reconnectAttempts: 0): it would open a fresh session with times restarting at 0.
    const args = {
      model: lang.model ?? o.model,
      language: opts.language,
      encoding,
      sample_rate: opts.sampleRateHz,
      channels: 1,
      // The 5.x types take the documented query strings for booleans.
      interim_results: String(o.interimResults),
      endpointing: endpointing === false ? 'false' : endpointing,
      ...(utteranceEnd && o.interimResults ? { utterance_end_ms: utteranceEnd } : {}),
      vad_events: String(o.vadEvents),
      smart_format: String(o.smartFormat),
      punctuate: String(o.punctuate),
      ...(opts.diarize ? { diarize: 'true' } : {}),
      ...(keyterm ? { keyterm } : {}),
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: o.connectTimeoutMs / 1000,
      ...(opts.signal ? { abortSignal: opts.signal } : {}),
    };
    return new DeepgramSession(this.#client, args as unknown as ConnectArgs,
      { ...opts, encoding }, o.keepAliveIntervalMs);
  }
}
