import { z } from 'zod';

/**
 * Speech recognition (media/asr). The Deepgram API key comes only from the environment
 * (`MODSVAR_ASR__DEEPGRAM__API_KEY`, or Deepgram's own `DEEPGRAM_API_KEY`) and is never logged.
 */
const asrDeepgramLanguageSchema = z.object({
  /** Model for this language (default: `asr.deepgram.model`). */
  model: z.string().min(1).optional(),
  /** `endpointing` for this language in ms, or false. */
  endpointingMs: z.union([z.number().int().min(10).max(5000), z.literal(false)]).optional(),
  /** `utterance_end_ms` for this language. */
  utteranceEndMs: z.number().int().min(1000).max(5000).optional(),
  /** Keyterm prompting (nova-3): product and company names that must come out right. */
  keyterms: z.array(z.string().min(1)).optional(),
}).strict();

export const asrDeepgramSchema = z.object({
  /** Set it with MODSVAR_ASR__DEEPGRAM__API_KEY (or DEEPGRAM_API_KEY), never in the file. */
  apiKey: z.string().min(1).optional(),
  /** Endpoint base; default Deepgram's `wss://api.deepgram.com`. A self-hosted Deepgram goes here. */
  baseUrl: z.string().min(1).optional(),
  /** Model (https://developers.deepgram.com/docs/models-languages-overview). */
  model: z.string().min(1).default('nova-3'),
  /** Interim hypotheses (`interim_results`): needed for the card to start before the final. */
  interimResults: z.boolean().default(true),
  /**
   * Silence in ms that ends an utterance (`endpointing`). Deepgram's default of 10 ms splits
   * conversational speech mid-sentence; 300 ms keeps a turn together and still lands before the
   * ~470 ms Danish turn gap.
   */
  endpointingMs: z.union([z.number().int().min(10).max(5000), z.literal(false)]).default(300),
  /** `utterance_end_ms`: an UtteranceEnd after this gap past the last final word (Deepgram: ≥ 1000). */
  utteranceEndMs: z.number().int().min(1000).max(5000).default(1000),
  smartFormat: z.boolean().default(true),
  punctuate: z.boolean().default(true),
  /** `vad_events`: SpeechStarted messages. */
  vadEvents: z.boolean().default(true),
  /** KeepAlive interval while a stream is silent or on hold, ms (Deepgram closes after 10 s without data). */
  keepAliveIntervalMs: z.number().int().min(500).max(9000).default(4000),
  /** WebSocket upgrade deadline, ms. */
  connectTimeoutMs: z.number().int().min(500).default(10_000),
  /**
   * SIPREC streams in PCMU/PCMA go to Deepgram as they came (`encoding=mulaw|alaw`, `sample_rate=8000`)
   * instead of decoded 16 kHz linear16: 64 instead of 256 kbit/s uplink per stream (4× less), and no
   * quality loss since the audio is G.711 already. The local VAD still gets the 16 kHz PCM; audio replays
   * stay linear16; with a fallback provider that cannot take G.711 (sherpa-onnx) sessions stay linear16.
   */
  sendG711: z.boolean().default(true),
  /** Per-language overrides, keyed by BCP-47 code (`da`, `de`, `en`). Danish turn gaps are longer (~470 ms). */
  languages: z.record(z.string(), asrDeepgramLanguageSchema).default({ da: { endpointingMs: 400 } }),
}).strict().prefault({});
