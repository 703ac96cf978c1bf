import type { Logger } from 'pino';
import { ModsvarError } from '../../sidecar/core/errors.js';
import type { AsrConfig } from '../../sidecar/config/schema.js';
import { supportsLanguage, type AsrProvider } from './asr-provider.js';
import { DeepgramProvider } from './deepgram.js';
import { FallbackAsrProvider } from './fallback.js';
import { ReconnectingAsrProvider } from './reconnecting.js';
import { SherpaOnnxProvider } from './sherpa-onnx.js';
import { resolveSherpaModel, type SherpaModelType } from './sherpa-onnx-model.js';
import { resolveOfflineModel, type OfflineModelType } from './sherpa-onnx-offline-model.js';
import type { DecodePoolStats } from './decode-pool.js';
import { VadPool } from './vad-pool.js';

/** Provider names as configured. */
export type AsrProviderName = 'deepgram' | 'sherpa-onnx';

/** Per-call choices (e.g. from CRM data or an API call): provider and language. */
export interface AsrCallOverride {
  provider?: AsrProviderName | 'none';
  language?: string;
}

/** What the composition root keeps: the providers this deployment runs, and the VAD pool. */
export interface AsrService {
  /** Providers available in this process, default first. */
  readonly available: AsrProviderName[];
  readonly vadPool?: VadPool;
  /**
   * Counters and gauges of the sherpa-onnx segmented mode's decode pool (busy workers, queue, saturation,
   * interim interval, decode time), read at scrape time by a metrics collector; undefined when no
   * language runs segmented here.
   */
  segmentedStats(): DecodePoolStats | undefined;
  /**
   * The provider and language for a call: the override where it is available and supports the
   * language, else the default; a language the chosen provider lacks (e.g. a language with no configured sherpa-onnx model)
   * moves the call to another available provider that has it. Undefined when ASR is off (`none`) or no
   * provider can take the language (logged).
   */
  forCall(override?: AsrCallOverride): { provider: AsrProvider; name: AsrProviderName; language: string } | undefined;
  close(): Promise<void>;
}

/**
 * Logged once at start when no speech recognition runs: what still works, and how to turn it on
 * (`make models` runs `modsvar models`; DEEPGRAM_API_KEY is read as the Deepgram key).
 */
export const ASR_OFF_MESSAGE = 'speech recognition is off (asr.provider: none, or auto found neither a Deepgram key nor sherpa-onnx models): '
  + 'SIPREC calls and audio replays show their participants but get no transcript and no cards; transcript replays '
  + '(modsvar replay --transcript) still get transcripts and cards. To turn it on: `make models` (or `modsvar models [--dir DIR]`) '
  + 'for local sherpa-onnx models, or set DEEPGRAM_API_KEY; with asr.provider: auto either is used at the next start';

/**
 * Builds the ASR side from config `asr` (composition root only). The Deepgram key is read from
 * `asr.deepgram.apiKey` (set by MODSVAR_ASR__DEEPGRAM__API_KEY) or Deepgram's own DEEPGRAM_API_KEY; it
 * is never logged. Sessions get the chosen adapter wrapped in the reconnecting decorator, or, with
 * `asr.fallbackProvider`, in the fallback decorator over [chosen, fallback] (e.g. Deepgram → local).
 *
 * @throws ModsvarError `ASR_NO_CREDENTIALS` when `provider: deepgram` has no key; ModelFileError naming the
 *   file when a configured sherpa-onnx model or the VAD model is missing or corrupt.
 */
export async function createAsr(config: AsrConfig, options: { env?: NodeJS.ProcessEnv; logger: Logger }): Promise<AsrService> {
  const env = options.env ?? process.env;
  const log = options.logger.child({ component: 'asr' });
  const apiKey = config.deepgram.apiKey ?? env.DEEPGRAM_API_KEY;
  /** The raw adapters; sessions get them wrapped (reconnecting, or fallback over several). */
  const providers = new Map<AsrProviderName, AsrProvider>();
  const reconnect = config.reconnect;
  const fallbackName = config.fallbackProvider === 'none' ? undefined : config.fallbackProvider;

  let choice = config.provider;
  if (choice === 'auto') {
    choice = apiKey ? 'deepgram' : sherpaModelsPresent(config) ? 'sherpa-onnx' : 'none';
    log.info({ provider: choice }, 'asr provider chosen automatically (asr.provider: auto)');
  }
  if (choice === 'deepgram' && !apiKey) {
    throw new ModsvarError('ASR_NO_CREDENTIALS',
      'asr.provider is deepgram but no API key is set: set MODSVAR_ASR__DEEPGRAM__API_KEY (or DEEPGRAM_API_KEY) in the environment');
  }
  if (fallbackName === 'deepgram' && !apiKey) {
    throw new ModsvarError('ASR_NO_CREDENTIALS', 'asr.fallbackProvider is deepgram but no API key is set: set MODSVAR_ASR__DEEPGRAM__API_KEY');
  }
  if (apiKey) {
    const d = config.deepgram;
    providers.set('deepgram', new DeepgramProvider({
      apiKey, baseUrl: d.baseUrl, model: d.model, interimResults: d.interimResults, endpointingMs: d.endpointingMs,
      utteranceEndMs: d.utteranceEndMs, smartFormat: d.smartFormat, punctuate: d.punctuate, vadEvents: d.vadEvents,
      keepAliveIntervalMs: d.keepAliveIntervalMs, connectTimeoutMs: d.connectTimeoutMs, languages: d.languages,
    }));
  }
  if (choice === 'sherpa-onnx' || fallbackName === 'sherpa-onnx') {
    const s = config.sherpaOnnx;
    providers.set('sherpa-onnx', await SherpaOnnxProvider.create({
      models: s.models, modelsDir: s.modelsDir, workers: s.workers, numThreads: s.numThreads, decodingMethod: s.decodingMethod,
      endpoint: s.endpoint, batchMs: s.batchMs, probeModels: s.probeModels, logger: log, segmented: s.segmented,
      vad: { workers: config.vad.workers, modelPath: config.vad.modelPath, threshold: config.vad.threshold, minSilenceMs: config.vad.minSilenceMs, minSpeechMs: config.vad.minSpeechMs },
    }));
  }
  const wrapped = new Map<string, AsrProvider>();
  /** The session-facing provider for a chain: reconnecting over one adapter, fallback over several. */
  const chain = (names: AsrProviderName[]): AsrProvider => {
    const key = names.join('>');
    let p = wrapped.get(key);
    if (!p) {
      const list = names.map((n) => providers.get(n)!);
      p = list.length === 1 ? new ReconnectingAsrProvider(list[0], reconnect) : new FallbackAsrProvider(list, reconnect);
      wrapped.set(key, p);
    }
    return p;
  };
  if (choice === 'none') log.warn(ASR_OFF_MESSAGE);

  const v = config.vad;
  const vadPool = v.enabled && choice !== 'none'
    ? await VadPool.create({ workers: v.workers, modelPath: v.modelPath, threshold: v.threshold, minSilenceMs: v.minSilenceMs, minSpeechMs: v.minSpeechMs })
    : undefined;

  const defaultName = choice === 'none' ? undefined : choice;
  const available = [...providers.keys()].sort((a, b) => Number(b === defaultName) - Number(a === defaultName));
  const warned = new Set<string>();
  const warnOnce = (key: string, obj: object, msg: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(obj, msg);
  };

  const sherpa = providers.get('sherpa-onnx') as SherpaOnnxProvider | undefined;
  return {
    available,
    vadPool,
    segmentedStats: () => sherpa?.segmented?.stats(),
    forCall(override = {}) {
      const language = override.language ?? config.defaultLanguage;
      if (override.provider === 'none') return undefined;
      let name = override.provider ?? defaultName;
      if (override.provider && !providers.has(override.provider)) {
        warnOnce(`unavailable:${override.provider}`, { requested: override.provider, using: defaultName }, 'asr provider requested for a call is not running here; using the default');
        name = defaultName;
      }
      const candidates = [name, ...available.filter((n) => n !== name)].filter((n): n is AsrProviderName => !!n && providers.has(n));
      const pick = candidates.find((n) => supportsLanguage(providers.get(n)!.capabilities, language));
      if (!pick) {
        if (candidates.length) warnOnce(`lang:${language}`, { language, providers: candidates }, 'no asr provider here supports this language; the call is not transcribed');
        return undefined;
      }
      if (pick !== name) warnOnce(`moved:${language}`, { language, from: name, to: pick }, 'asr provider lacks this language; using another');
      const names: AsrProviderName[] = [pick];
      if (fallbackName && fallbackName !== pick && providers.has(fallbackName)
          && supportsLanguage(providers.get(fallbackName)!.capabilities, language)) names.push(fallbackName);
      return { provider: chain(names), name: pick, language };
    },
    async close() {
      await Promise.allSettled([...providers.values()].map((p) => p.close?.()));
      await vadPool?.close();
    },
  };
}

/** True when at least one configured sherpa-onnx model folder resolves. */
function sherpaModelsPresent(config: AsrConfig): boolean {
  return Object.values(config.sherpaOnnx.models).some((m) => {
    try {
      if (m.mode === 'segmented') resolveOfflineModel(m.dir, config.sherpaOnnx.modelsDir, m.modelType as OfflineModelType | undefined);
      else resolveSherpaModel(m.dir, config.sherpaOnnx.modelsDir, m.modelType as SherpaModelType | undefined);
      return true;
    } catch {
      return false;
    }
  });
}
