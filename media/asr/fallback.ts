import { ProviderError } from '../../sidecar/core/errors.js';
import { supportsLanguage, type AsrCapabilities, type AsrEncoding, type AsrProvider, type AsrSession, type AsrSessionOptions } from './asr-provider.js';
import { ResilientSession, type ResilienceOptions } from './resilient-session.js';

/**
 * A decorator over an ordered list of providers (e.g. Deepgram, then local sherpa-onnx), after
 * livekit/agents-js `stt/fallback_adapter.ts`: a session runs on the first provider that takes its
 * language; when that provider fails in a way retrying cannot fix (bad key, quota) or keeps failing
 * for `fallbackAfterAttempts` reconnects, the session moves to the next provider, resending the audio
 * since the last final (no word lost or repeated, times continuous), with `degraded` then `recovered`
 * (naming the new provider). Retrying the last provider follows the reconnect rules.
 *
 * Capabilities are the intersection of the providers' (a caller may only rely on what every provider
 * the session can land on offers); languages are the union, since a session only uses the providers
 * that take its language.
 */
export class FallbackAsrProvider implements AsrProvider {
  readonly name: string;
  readonly capabilities: AsrCapabilities;

  constructor(readonly providers: readonly AsrProvider[], readonly options: ResilienceOptions = {}) {
    if (providers.length === 0) throw new TypeError('FallbackAsrProvider: no providers');
    this.name = providers.map((p) => p.name).join('>');
    const all = providers.map((p) => p.capabilities);
    const langs = all.some((c) => c.languages === 'any') ? 'any' as const
      : [...new Set(all.flatMap((c) => c.languages as readonly string[]))];
    this.capabilities = {
      interim: all.every((c) => c.interim),
      wordTimings: all.every((c) => c.wordTimings),
      diarization: all.every((c) => c.diarization),
      finalize: all.every((c) => c.finalize),
      encodings: all.reduce<readonly AsrEncoding[]>((acc, c) => acc.filter((e) => c.encodings.includes(e)), all[0].encodings),
      languages: langs,
    };
  }

  /** @throws ProviderError (`invalid_request`) when no provider takes the language. */
  open(opts: AsrSessionOptions): AsrSession {
    const usable = this.providers.filter((p) => supportsLanguage(p.capabilities, opts.language)
      && p.capabilities.encodings.includes(opts.encoding ?? 'linear16'));
    if (usable.length === 0) {
      throw new ProviderError(this.name, 'invalid_request', `${this.name}: no provider takes language ${opts.language}`);
    }
    return new ResilientSession(usable, opts, this.options);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.providers.map((p) => p.close?.()));
  }
}
