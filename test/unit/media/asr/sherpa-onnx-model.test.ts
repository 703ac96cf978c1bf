import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { probeSherpaModel, recognizerConfig, resolveSherpaModel } from '../../../../media/asr/sherpa-onnx-model.js';
import { ModelFileError } from '../../../../media/asr/vad.js';
import { fakeModelDir } from '../../../helpers/fake-model-dir.js';

const rules = { rule1MinTrailingSilenceMs: 1500, rule2MinTrailingSilenceMs: 600, rule3MinUtteranceLengthMs: 20000 };

function caught(fn: () => unknown): ModelFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return e as ModelFileError;
  }
  throw new Error('expected a ModelFileError');
}

describe('sherpa-onnx model files', () => {
  it('detects a transducer and prefers the int8 files', () => {
    const dir = fakeModelDir([
      'encoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx',
      'decoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'joiner-epoch-99-avg-1-chunk-16-left-128.int8.onnx',
    ]);
    const m = resolveSherpaModel(dir, '/unused');
    expect(m).toEqual({
      dir, modelType: 'transducer', tokens: join(dir, 'tokens.txt'),
      encoder: join(dir, 'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx'),
      decoder: join(dir, 'decoder-epoch-99-avg-1-chunk-16-left-128.onnx'),
      joiner: join(dir, 'joiner-epoch-99-avg-1-chunk-16-left-128.int8.onnx'),
    });
    const c = recognizerConfig(m, { numThreads: 2, decodingMethod: 'greedy_search', endpoint: rules }) as Record<string, any>;
    expect(c.modelConfig.transducer).toEqual({ encoder: m.encoder, decoder: m.decoder, joiner: m.joiner });
    expect(c.modelConfig.numThreads).toBe(2);
    expect(c.featConfig).toEqual({ sampleRate: 16000, featureDim: 80 });
    expect([c.rule1MinTrailingSilence, c.rule2MinTrailingSilence, c.rule3MinUtteranceLength]).toEqual([1.5, 0.6, 20]);
    expect(c.enableEndpoint).toBe(1);
    rmSync(dir, { recursive: true });
  });

  it('detects paraformer and zipformer2-CTC folders', () => {
    const para = fakeModelDir(['encoder.int8.onnx', 'decoder.int8.onnx']);
    const ctc = fakeModelDir(['ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx']);
    expect(resolveSherpaModel(para, '/x').modelType).toBe('paraformer');
    const c = resolveSherpaModel(ctc, '/x');
    expect(c.modelType).toBe('zipformer2-ctc');
    expect((recognizerConfig(c, { numThreads: 1, decodingMethod: 'greedy_search', endpoint: rules }) as any).modelConfig.zipformer2Ctc)
      .toEqual({ model: join(ctc, 'ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx') });
  });

  it('names the missing folder, the missing file and the missing tokens', () => {
    const e1 = caught(() => resolveSherpaModel('no-such-model', '/tmp/models-nowhere'));
    expect(e1.code).toBe('ASR_MODEL_MISSING');
    expect(e1.file).toBe('/tmp/models-nowhere/no-such-model');
    expect(e1.message).toContain('/tmp/models-nowhere/no-such-model');

    const noJoiner = fakeModelDir(['encoder.onnx', 'decoder.onnx']);
    const e2 = caught(() => resolveSherpaModel(noJoiner, '/x', 'transducer'));
    expect(e2.file).toBe(join(noJoiner, 'joiner*.onnx'));

    const noTokens = fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx']);
    rmSync(join(noTokens, 'tokens.txt'));
    expect(caught(() => resolveSherpaModel(noTokens, '/x')).file).toBe(join(noTokens, 'tokens.txt'));
  });

  it('reports a corrupt model file by name instead of letting onnxruntime abort the process', () => {
    const dir = fakeModelDir(['encoder.onnx', 'decoder.onnx', 'joiner.onnx']);
    const m = resolveSherpaModel(dir, '/x');
    const e = caught(() => probeSherpaModel(m, recognizerConfig(m, { numThreads: 1, decodingMethod: 'greedy_search', endpoint: rules })));
    expect(e.code).toBe('ASR_MODEL_CORRUPT');
    expect([m.encoder, m.decoder, m.joiner]).toContain(e.file);
    expect(e.message).toContain(e.file);
    rmSync(dir, { recursive: true });
  });
});
