import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { ModelFileError, requireModelFile } from './vad.js';

const require = createRequire(import.meta.url);

/** Streaming model families sherpa-onnx's OnlineRecognizer runs (https://k2-fsa.github.io/sherpa/onnx/pretrained_models/online-transducer/). */
export type SherpaModelType = 'transducer' | 'paraformer' | 'zipformer2-ctc';

/** Endpoint rules in ms (sherpa-onnx `rule1MinTrailingSilence` … in seconds). */
export interface SherpaEndpointRules {
  rule1MinTrailingSilenceMs: number;
  rule2MinTrailingSilenceMs: number;
  rule3MinUtteranceLengthMs: number;
}

/** A model folder resolved to files. */
export interface SherpaModelFiles {
  dir: string;
  modelType: SherpaModelType;
  tokens: string;
  encoder?: string;
  decoder?: string;
  joiner?: string;
  /** zipformer2-ctc */
  model?: string;
}

/**
 * Finds the model files in `dir`. File names differ between releases (`encoder.onnx`,
 * `encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx` …), so files are matched by role prefix; the
 * int8 variant is preferred when both exist (about 2× faster on CPU at near-equal accuracy).
 * `modelType` forces the family; otherwise encoder+decoder+joiner → transducer, encoder+decoder →
 * paraformer, ctc*.onnx / model*.onnx → zipformer2-ctc.
 *
 * @throws ModelFileError (`ASR_MODEL_MISSING`) naming the folder or the first missing file.
 */
export function resolveSherpaModel(dirOrName: string, modelsDir: string, modelType?: SherpaModelType): SherpaModelFiles {
  const dir = isAbsolute(dirOrName) || dirOrName.startsWith('.') ? resolve(dirOrName) : resolve(modelsDir, dirOrName);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelFileError('ASR_MODEL_MISSING', dir, `sherpa-onnx: model folder not found: ${dir} (run "make models" or set asr.sherpaOnnx.models)`);
  }
  const onnx = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
  const pick = (prefix: string): string | undefined => {
    const c = onnx.filter((f) => f.startsWith(prefix));
    const file = c.find((f) => f.includes('.int8.')) ?? c[0];
    return file ? join(dir, file) : undefined;
  };
  const found = { encoder: pick('encoder'), decoder: pick('decoder'), joiner: pick('joiner'), ctc: pick('ctc') ?? pick('model') };
  const type: SherpaModelType = modelType
    ?? (found.encoder && found.decoder && found.joiner ? 'transducer'
      : found.encoder && found.decoder ? 'paraformer'
      : found.ctc ? 'zipformer2-ctc' : 'transducer');
  const need = (file: string | undefined, role: string) => requireModelFile(file ?? join(dir, `${role}*.onnx`), `sherpa-onnx ${type}`);
  const tokens = requireModelFile(join(dir, 'tokens.txt'), `sherpa-onnx ${type}`);
  switch (type) {
    case 'transducer':
      return { dir, modelType: type, tokens, encoder: need(found.encoder, 'encoder'), decoder: need(found.decoder, 'decoder'), joiner: need(found.joiner, 'joiner') };
    case 'paraformer':
      return { dir, modelType: type, tokens, encoder: need(found.encoder, 'encoder'), decoder: need(found.decoder, 'decoder') };
    case 'zipformer2-ctc':
      return { dir, modelType: type, tokens, model: need(found.ctc, 'ctc') };
  }
}

/** The OnlineRecognizer config (sherpa-onnx-node `types.js` OnlineRecognizerConfig) for resolved files. */
export function recognizerConfig(m: SherpaModelFiles, o: { numThreads: number; decodingMethod: string; endpoint: SherpaEndpointRules }): object {
  const modelConfig: Record<string, unknown> = { tokens: m.tokens, numThreads: o.numThreads, provider: 'cpu', debug: 0 };
  if (m.modelType === 'transducer') modelConfig.transducer = { encoder: m.encoder, decoder: m.decoder, joiner: m.joiner };
  else if (m.modelType === 'paraformer') modelConfig.paraformer = { encoder: m.encoder, decoder: m.decoder };
  else modelConfig.zipformer2Ctc = { model: m.model };
  return {
    featConfig: { sampleRate: 16_000, featureDim: 80 },
    modelConfig,
    decodingMethod: o.decodingMethod,
    maxActivePaths: 4,
    enableEndpoint: 1,
    rule1MinTrailingSilence: o.endpoint.rule1MinTrailingSilenceMs / 1000,
    rule2MinTrailingSilence: o.endpoint.rule2MinTrailingSilenceMs / 1000,
    rule3MinUtteranceLength: o.endpoint.rule3MinUtteranceLengthMs / 1000,
  };
}

/**
 * Loads the recognizer once in a child process. onnxruntime aborts the whole process (C++
 * `Ort::Exception`, exit 134) on a corrupt .onnx file, so loading first in the main process or a worker
 * thread would crash the sidecar; the child's stderr names the file instead.
 *
 * `recognizer`: `OnlineRecognizer` (streaming) or `OfflineRecognizer` (segmented mode).
 *
 * @throws ModelFileError (`ASR_MODEL_CORRUPT`) naming the file that failed to load.
 */
export function probeSherpaModel(
  m: Pick<SherpaModelFiles, 'dir' | 'tokens' | 'encoder' | 'decoder' | 'joiner' | 'model'>, config: object, timeoutMs = 120_000,
  recognizer: 'OnlineRecognizer' | 'OfflineRecognizer' = 'OnlineRecognizer',
): void {
  const sherpaPath = require.resolve('sherpa-onnx-node');
  const script = `const s = require(${JSON.stringify(sherpaPath)}); new s.${recognizer}(JSON.parse(process.argv[1]));`;
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(config)], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status === 0) return;
  const stderr = `${r.stderr ?? ''}`;
  const named = /Load model from (\S+) failed/.exec(stderr)?.[1]
    ?? [m.encoder, m.decoder, m.joiner, m.model, m.tokens].find((f) => f && stderr.includes(f));
  const file = named ?? m.dir;
  const why = stderr.split('\n').map((l) => l.trim()).filter(Boolean).find((l) => /failed|error|what\(\)/i.test(l)) ?? `exit ${r.status ?? r.signal}`;
  throw new ModelFileError('ASR_MODEL_CORRUPT', file, `sherpa-onnx: cannot load model file ${file}: ${why}`);
}
