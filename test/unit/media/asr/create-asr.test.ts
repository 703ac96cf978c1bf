import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASR_OFF_MESSAGE, createAsr, type AsrService } from '../../../../media/asr/create-asr.js';
import { StreamTranscriber } from '../../../../media/asr/stream-transcriber.js';
import { ModelFileError } from '../../../../media/asr/vad.js';
import { Transcript } from '../../../../sidecar/calls/transcript.js';
import { loadConfig } from '../../../../sidecar/config/load-config.js';
import { createLogger } from '../../../../sidecar/core/logger.js';
import { scriptedSpeech, startDeepgramServer, type DeepgramTestServer } from '../../../servers/deepgram-server.js';

const SECRET = 'dg-test-4f1c9a7e2b8d6053secret';
const noModels = () => mkdtempSync(join(tmpdir(), 'modsvar-nomodels-'));

/** A logger at trace level whose raw output is kept, to prove what never reaches a log. */
function spyLogger() {
  const raw: string[] = [];
  const destination = new Writable({ write(chunk, _e, cb) { raw.push(String(chunk)); cb(); } });
  return { logger: createLogger({ level: 'trace', destination, pretty: false }), raw };
}

function config(env: Record<string, string>) {
  return loadConfig({ file: '/dev/null', env }).config;
}

let asr: AsrService | undefined;
let server: DeepgramTestServer | undefined;
afterEach(async () => {
  await asr?.close();
  await server?.close();
  asr = server = undefined;
});

describe('createAsr (provider choice per deployment and per call)', () => {
  it('picks Deepgram when its key is in the environment, and takes the language per call', async () => {
    const { logger } = spyLogger();
    asr = await createAsr(config({ MODSVAR_ASR__SHERPA_ONNX__MODELS_DIR: noModels() }).asr, { env: { DEEPGRAM_API_KEY: SECRET }, logger });
    expect(asr.available).toEqual(['deepgram']);
    expect(asr.vadPool).toBeDefined();
    const a = asr.forCall();
    expect([a?.name, a?.provider.name, a?.language]).toEqual(['deepgram', 'deepgram', 'en']);
    expect(asr.forCall({ language: 'da' })?.language).toBe('da');
    expect(asr.forCall({ provider: 'sherpa-onnx' })?.name).toBe('deepgram'); // not running here: the default
    expect(asr.forCall({ provider: 'none' })).toBeUndefined();
  });

  it('turns recognition off, with a warning, when there is neither a key nor a model', async () => {
    const { logger, raw } = spyLogger();
    asr = await createAsr(config({ MODSVAR_ASR__SHERPA_ONNX__MODELS_DIR: noModels() }).asr, { env: {}, logger });
    expect(asr.available).toEqual([]);
    expect(asr.vadPool).toBeUndefined();
    expect(asr.forCall()).toBeUndefined();
    expect(raw.join('')).toContain('speech recognition is off');
    // Accurate about what still works (transcript replays get cards), and says how to turn it on.
    const line = raw.map((r) => JSON.parse(r) as { msg: string }).find((r) => r.msg.startsWith('speech recognition is off'))!.msg;
    expect(line).toBe(ASR_OFF_MESSAGE);
    expect(line).toContain('SIPREC calls and audio replays show their participants but get no transcript and no cards');
    expect(line).toContain('transcript replays (modsvar replay --transcript) still get transcripts and cards');
    expect(line).toContain('`make models` (or `modsvar models [--dir DIR]`)');
    expect(line).toContain('DEEPGRAM_API_KEY');
    expect(line).not.toContain('no transcripts, no cards');
  });

  it('refuses to start with provider deepgram and no key, naming the variable to set', async () => {
    const err = await createAsr(config({ MODSVAR_ASR__PROVIDER: 'deepgram' }).asr, { env: {}, logger: spyLogger().logger }).catch((e) => e);
    expect(err.code).toBe('ASR_NO_CREDENTIALS');
    expect(err.message).toContain('MODSVAR_ASR__DEEPGRAM__API_KEY');
  });

  it('refuses to start with provider sherpa-onnx and a missing model, naming the folder', async () => {
    const dir = noModels();
    const err = await createAsr(config({ MODSVAR_ASR__PROVIDER: 'sherpa-onnx', MODSVAR_ASR__SHERPA_ONNX__MODELS_DIR: dir }).asr,
      { env: {}, logger: spyLogger().logger }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.file).toBe(join(dir, 'sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06'));
  });
});

describe('the Deepgram API key never reaches a log line', () => {
  it('is absent from every log line through connect, transcripts, a reconnect, a 401 and shutdown', async () => {
    const { logger, raw } = spyLogger();
    server = await startDeepgramServer({
      apiKey: SECRET, vocabulary: ['that', 'is', 'too', 'expensive'],
      faults: [{ connection: 0, afterAudioMs: 700, code: 1011, reason: 'NET-0000' }],
    });
    const env = { MODSVAR_ASR__DEEPGRAM__API_KEY: SECRET, MODSVAR_ASR__DEEPGRAM__BASE_URL: server.url, MODSVAR_ASR__RECONNECT__INITIAL_DELAY_MS: '5' };
    const cfg = config(env);
    expect(cfg.asr.deepgram.apiKey).toBe(SECRET);
    asr = await createAsr(cfg.asr, { env, logger });
    const call = asr.forCall({ language: 'en' })!;
    const transcript = new Transcript(logger);
    const t = new StreamTranscriber({
      provider: call.provider, language: call.language, transcript, streamLabel: '1', role: 'customer', streamOffsetMs: 0,
      vadPool: asr.vadPool, logger: logger.child({ callId: 'c1', streamLabel: '1' }),
    });
    const pcm = scriptedSpeech([{ k: 0, ms: 100 }, { k: 1, ms: 200 }, { k: 0, ms: 40 }, { k: 2, ms: 200 }, { k: 0, ms: 40 }, { k: 3, ms: 200 }, { k: 0, ms: 40 }, { k: 4, ms: 300 }]);
    for (let i = 0; i < pcm.length; i += 320) t.write({ samples: pcm.slice(i, i + 320), startMs: i / 16, concealed: false });
    await t.finish();
    expect(transcript.utterances.map((u) => u.text)).toEqual(['that is too expensive']);

    // A second deployment whose key the server rejects: the 401 is logged as an error, without the key.
    const badEnv = { DEEPGRAM_API_KEY: `${SECRET}-revoked`, MODSVAR_ASR__DEEPGRAM__BASE_URL: server.url };
    const bad = await createAsr(config(badEnv).asr, { env: badEnv, logger });
    const t2 = new StreamTranscriber({
      provider: bad.forCall()!.provider, language: 'en', transcript, streamLabel: '2', role: 'agent', streamOffsetMs: 0, vad: false, logger,
    });
    t2.write({ samples: new Int16Array(320), startMs: 0, concealed: false });
    await t2.finish();
    await bad.close();

    const log = raw.join('');
    expect(log).toMatch(/reconnecting/); // the reconnect was logged …
    expect(log).toMatch(/API key rejected \(HTTP 401\)/); // … and the 401
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(SECRET.slice(0, 16));
  });
});
