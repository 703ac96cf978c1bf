import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ModelFileError, requireModelFile } from './vad.js';

/**
 * Non-streaming model families the segmented mode runs with sherpa-onnx's OfflineRecognizer
 * (https://k2-fsa.github.io/sherpa/onnx/pretrained_models/offline-transducer/index.html and
 * …/whisper/index.html): `nemo-transducer` (NVIDIA Parakeet TDT, e.g. parakeet-tdt-0.6b-v3, 25
 * European languages incl. Danish and German), `transducer` (icefall zipformer), `whisper`.
 */
export type OfflineModelType = 'nemo-transducer' | 'transducer' | 'whisper';

/** An offline model folder resolved to files. */
export interface OfflineModelFiles {
  dir: string;
  modelType: OfflineModelType;
  tokens: string;
  encoder: string;
  decoder: string;
  /** Transducers only. */
  joiner?: string;
}

/**
 * Finds the model files in `dir` (a path, or a folder name under `modelsDir`). Files are matched by
 * role: `encoder*.onnx` / `*-encoder*.onnx` (Whisper names them `small-encoder.int8.onnx`), int8
 * preferred; tokens `tokens.txt` or `*-tokens.txt`. Without `modelType`: encoder+decoder+joiner →
 * `nemo-transducer` (the published Parakeet folders), encoder+decoder → `whisper`.
 *
 * @throws ModelFileError (`ASR_MODEL_MISSING`) naming the folder or the first missing file.
 */
export function resolveOfflineModel(dirOrName: string, modelsDir: string, modelType?: OfflineModelType): OfflineModelFiles {
  const dir = isAbsolute(dirOrName) || dirOrName.startsWith('.') ? resolve(dirOrName) : resolve(modelsDir, dirOrName);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelFileError('ASR_MODEL_MISSING', dir, `sherpa-onnx: model folder not found: ${dir} (run "make models" or set asr.sherpaOnnx.models)`);
  }
  const files = readdirSync(dir).sort();
  const onnx = files.filter((f) => f.endsWith('.onnx'));
  const pick = (role: string): string | undefined => {
    const c = onnx.filter((f) => f.startsWith(role) || f.includes(`-${role}`));
    const file = c.find((f) => f.includes('.int8.')) ?? c[0];
    return file ? join(dir, file) : undefined;
  };
  const found = { encoder: pick('encoder'), decoder: pick('decoder'), joiner: pick('joiner') };
  const type: OfflineModelType = modelType ?? (found.joiner ? 'nemo-transducer' : found.encoder && found.decoder ? 'whisper' : 'nemo-transducer');
  const what = `sherpa-onnx offline ${type}`;
  const need = (file: string | undefined, role: string) => requireModelFile(file ?? join(dir, `${role}*.onnx`), what);
  const tokensName = files.includes('tokens.txt') ? 'tokens.txt' : files.find((f) => f.endsWith('-tokens.txt')) ?? 'tokens.txt';
  const tokens = requireModelFile(join(dir, tokensName), what);
  const encoder = need(found.encoder, 'encoder');
  const decoder = need(found.decoder, 'decoder');
  if (type === 'whisper') return { dir, modelType: type, tokens, encoder, decoder };
  return { dir, modelType: type, tokens, encoder, decoder, joiner: need(found.joiner, 'joiner') };
}

/**
 * The OfflineRecognizer config (sherpa-onnx-node `types.js` OfflineRecognizerConfig) for resolved
 * files. Whisper is told the language (`language`, BCP-47 base code) so it does not guess it per
 * utterance; Parakeet TDT v3 needs none (it recognises the language itself).
 */
export function offlineRecognizerConfig(m: OfflineModelFiles, o: { numThreads: number; language: string }): object {
  const modelConfig: Record<string, unknown> = { tokens: m.tokens, numThreads: o.numThreads, provider: 'cpu', debug: 0 };
  if (m.modelType === 'whisper') {
    modelConfig.whisper = { encoder: m.encoder, decoder: m.decoder, language: o.language.split('-')[0].toLowerCase(), task: 'transcribe', tailPaddings: -1 };
  } else {
    modelConfig.transducer = { encoder: m.encoder, decoder: m.decoder, joiner: m.joiner };
    if (m.modelType === 'nemo-transducer') modelConfig.modelType = 'nemo_transducer';
  }
  // featureDim 80 is the default; sherpa-onnx's NeMo transducer reads the model's own (128 for Parakeet v3).
  return { featConfig: { sampleRate: 16_000, featureDim: 80 }, modelConfig, decodingMethod: 'greedy_search' };
}

export { ModelFileError };
