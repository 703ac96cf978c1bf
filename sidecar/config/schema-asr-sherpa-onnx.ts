import { z } from 'zod';

const asrSherpaModelSchema = z.object({
  /** Model folder: a name under `modelsDir` (as `modsvar models` installs it) or a path. */
  dir: z.string().min(1),
  /**
   * `streaming`: sherpa-onnx OnlineRecognizer (a streaming model). `segmented`: Silero VAD cuts the stream
   * into utterances, each decoded by an OfflineRecognizer as it ends, interims from the audio so far
   * (`asr.sherpaOnnx.segmented`); for languages without a streaming model, e.g. Danish.
   */
  mode: z.enum(['streaming', 'segmented']).default('streaming'),
  /**
   * Model family; default: detected from the files. Streaming: transducer | paraformer | zipformer2-ctc.
   * Segmented: nemo-transducer (NVIDIA Parakeet TDT) | transducer | whisper.
   */
  modelType: z.enum(['transducer', 'paraformer', 'zipformer2-ctc', 'nemo-transducer', 'whisper']).optional(),
  /**
   * Segmented mode: silence that ends an utterance for this language, ms (default `asr.vad.minSilenceMs`).
   * Longer keeps a sentence with its pauses in one decode; shorter gives the final sooner.
   */
  minSilenceMs: z.number().int().min(50).max(2000).optional(),
}).strict().superRefine((m, ctx) => {
  const offlineOnly = m.modelType === 'nemo-transducer' || m.modelType === 'whisper';
  const streamingOnly = m.modelType === 'paraformer' || m.modelType === 'zipformer2-ctc';
  if ((m.mode === 'streaming' && offlineOnly) || (m.mode === 'segmented' && streamingOnly)) {
    ctx.addIssue({ code: 'custom', path: ['modelType'], message: `modelType ${m.modelType} cannot run in ${m.mode} mode` });
  }
  if (m.mode === 'streaming' && m.minSilenceMs !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['minSilenceMs'], message: 'minSilenceMs is for segmented models; streaming ones use asr.sherpaOnnx.endpoint' });
  }
});

/** Segmented mode (VAD + offline decoding): workers, interim interval and CPU budget, saturation. */
export const asrSherpaSegmentedSchema = z.object({
  /** Offline decoding worker threads; each loads every segmented model (Parakeet TDT 0.6B int8: ≈1 GB RAM). */
  workers: z.number().int().min(1).max(16).default(1),
  /** onnxruntime threads per decoding worker. */
  numThreads: z.number().int().min(1).max(16).default(1),
  /** An interim (decode of the utterance so far) every this many ms of speech. */
  interimIntervalMs: z.number().int().min(100).max(5000).default(500),
  /**
   * CPU budget: share of one decoding thread one speaking stream's interims may use (0.05–1): after an
   * interim that took d ms, the next waits at least d / share ms of audio. Finals are not limited.
   */
  interimCpuShare: z.number().min(0.05).max(1).default(0.25),
  /** Longest interim interval when the pool is saturated (the interval doubles up to this), ms. */
  maxInterimIntervalMs: z.number().int().min(200).max(30_000).default(4000),
  /** A decode job that waited this long for a worker marks the pool saturated (logged, in metrics), ms. */
  saturationWaitMs: z.number().int().min(20).max(10_000).default(300),
  /** Audio kept before the VAD's speech start, ms. */
  padMs: z.number().int().min(0).max(1000).default(200),
  /** Longest utterance: the VAD cuts speech this long, bounding one decode, ms. */
  maxUtteranceMs: z.number().int().min(2000).max(60_000).default(15_000),
}).strict().refine((s) => s.maxInterimIntervalMs >= s.interimIntervalMs, {
  message: 'maxInterimIntervalMs must be >= interimIntervalMs', path: ['maxInterimIntervalMs'],
}).prefault({});

export const asrSherpaOnnxSchema = z.object({
  /** Folder the `modsvar models` command downloads to. */
  modelsDir: z.string().min(1).default('models'),
  /**
   * Model and mode per language (BCP-47 base code). Danish has no published streaming model: it runs
   * segmented on the multilingual Parakeet TDT 0.6B v3 (which also covers German and 23 more languages).
   */
  models: z.record(z.string(), asrSherpaModelSchema).default({
    en: { dir: 'sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06', mode: 'streaming' },
    de: { dir: 'sherpa-onnx-streaming-zipformer-de-kroko-2025-08-06', mode: 'streaming' },
    da: { dir: 'sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8', mode: 'segmented', minSilenceMs: 400 },
  }),
  segmented: asrSherpaSegmentedSchema,
  /** Worker threads that decode (each holds its own copy of the models). */
  workers: z.number().int().min(1).max(64).default(1),
  /** onnxruntime threads per worker. */
  numThreads: z.number().int().min(1).max(16).default(1),
  decodingMethod: z.enum(['greedy_search', 'modified_beam_search']).default('greedy_search'),
  /**
   * Endpoint rules (sherpa-onnx defaults 2.4 s / 1.2 s / 20 s are too slow for assist):
   * rule 1 = trailing silence with nothing decoded, rule 2 = trailing silence after text, rule 3 =
   * longest utterance. In ms.
   */
  endpoint: z.object({
    rule1MinTrailingSilenceMs: z.number().int().min(100).default(1500),
    rule2MinTrailingSilenceMs: z.number().int().min(100).default(600),
    rule3MinUtteranceLengthMs: z.number().int().min(1000).default(20_000),
  }).strict().prefault({}),
  /** Audio gathered before it is handed to a worker, ms (fewer messages; adds at most this delay). */
  batchMs: z.number().int().min(20).max(200).default(60),
  /** Load each model once in a child process at start-up, so a corrupt file is a clear error, not a crash. */
  probeModels: z.boolean().default(true),
}).strict().prefault({});
