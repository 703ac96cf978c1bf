/**
 * The composition root: reads the configuration and builds, in order, the logger, the assist side
 * (playbooks, knowledge index, cards, optional language model, CRM), the ASR providers, the call registry
 * and API server, the call hub every media ingress feeds, the RTP port pool, the debug recorder, the
 * registry of recording sessions and the drachtio-srf app. Every recording session becomes a call in the
 * hub. Shuts them down in order on SIGINT / SIGTERM. Adapters are chosen here (and in the `create-*`
 * factories it calls) and nowhere else.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAssist, type AssistStack } from './assist/create-assist.js';
import { callRegistryOptions, startApiServer } from './api/server.js';
import { CallHub } from './calls/call-hub.js';
import { CallRegistry } from './calls/call-registry.js';
import { MediaHealth } from './calls/media-health.js';
import { attachRecordingSession } from './calls/siprec-ingress.js';
import { loadConfig, type LoadedConfig } from './config/load-config.js';
import type { ModsvarConfig } from './config/schema.js';
import { createLogger } from './core/logger.js';
import { configWarnings } from './config/config-warnings.js';
import { RecordingServer } from './sip/recording-server.js';
import { SrfApp } from './sip/srf-app.js';
import { createAsr, type AsrService } from '../media/asr/create-asr.js';
import { DebugRecorder } from '../media/debug-recorder.js';
import { PortPool } from '../media/rtp/port-pool.js';
import { StreamPipeline } from '../media/stream-pipeline.js';

/** How long shutdown waits for recording sessions to drain (ASR finals) and send BYE, in ms. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/** The running sidecar. */
export interface Sidecar {
  config: ModsvarConfig;
  logger: Logger;
  ports: PortPool;
  recordings: RecordingServer;
  sip: SrfApp;
  /** Every live call, whatever its ingress (SIPREC, replay). */
  hub: CallHub;
  registry: CallRegistry;
  asr: AsrService;
  assist: AssistStack;
  /** The API server and its base URL, when `api.enabled`. */
  api?: { app: FastifyInstance; url: string };
  /**
   * Graceful stop (idempotent): refuse new INVITEs (503), drain and close every recording session with
   * `shutdown` (BYE to the SRC) within `deadlineMs`, end the other calls, then close the drachtio
   * connection, the API server and the providers.
   */
  stop(deadlineMs?: number): Promise<void>;
}

/** Options of {@link startSidecar}. */
export interface StartSidecarOptions {
  config: ModsvarConfig;
  logger: Logger;
  /** Where secrets are read (Deepgram key, HubSpot token, API tokens). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds and starts every component; resolves once the API listens and the drachtio connection is being
 * attempted.
 * @throws ModsvarError `ASR_NO_CREDENTIALS` (Deepgram chosen without a key), ModelFileError (a configured
 *   model file missing or corrupt), or the API server's listen error (e.g. `EADDRINUSE`).
 */
export async function startSidecar({ config, logger, env = process.env }: StartSidecarOptions): Promise<Sidecar> {
  const assist = await createAssist(config, { logger, env });
  let asr: AsrService;
  try {
    asr = await createAsr(config.asr, { env, logger });
  } catch (err) {
    assist.close();
    throw err;
  }
  // No speech recognition: createAsr has said so (ASR_OFF_MESSAGE), with what still works and how to turn it on.
  const registry = new CallRegistry({ ...callRegistryOptions(config.api), logger: logger.child({ component: 'registry' }) });
  const hub = new CallHub({
    registry, asr, assist: assist.services, defaultLanguage: config.asr.defaultLanguage, logger,
    asrSettings: { vad: config.asr.vad.enabled ? undefined : false, finishTimeoutMs: config.asr.finishTimeoutMs, firstSpeaker: config.asr.mixedStreams.firstSpeaker },
  });
  // G.711 payload per frame only when a session can send it (asr.deepgram.sendG711)
  const g711Payload = config.asr.deepgram.sendG711 && asr.available.includes('deepgram');
  const mediaHealth = new MediaHealth();
  const ports = new PortPool({ minPort: config.sip.rtpPortMin, maxPort: config.sip.rtpPortMax, bindAddress: config.sip.rtpBindAddress });
  const recorder = new DebugRecorder({ ...config.media.debugRecording, logger: logger.child({ component: 'debug-recording' }) });
  await recorder.start();
  const recordings = new RecordingServer({
    sip: config.sip,
    media: config.media,
    ports,
    openPipeline: async (options) => {
      const pipeline = await StreamPipeline.open({ ...options, g711Payload });
      mediaHealth.track(pipeline);
      pipeline.on('close', () => mediaHealth.untrack(pipeline.port));
      return pipeline;
    },
    debugWavPathFor: (callId, label) => recorder.pathFor(callId, label),
    transactionTimeoutMs: config.drachtio.transactionTimeoutMs,
    logger,
  });
  recordings.on('session', (session) => {
    try {
      attachRecordingSession(hub, session, { mediaHealth });
    } catch (err) {
      // e.g. the same call ID recorded twice at once: the recording goes on, unassisted
      logger.error({ err, callId: session.callId }, 'recording session not attached to a call');
    }
  });
  const sip = new SrfApp({ drachtio: config.drachtio, recordings, warnAgent: config.sip.mediaAddress, logger });
  let api: Sidecar['api'];
  if (config.api.enabled) {
    try {
      api = await startApiServer({
        config: config.api, registry, hub, retriever: assist.retriever, logger: logger.child({ component: 'api' }), env,
        metricsSources: { asrDecodePool: () => asr.segmentedStats(), rtpPackets: () => mediaHealth.totals() },
        readiness: {
          drachtio: () => ({ ok: sip.connected, detail: sip.connected ? 'connected' : `not connected to ${config.drachtio.host}:${config.drachtio.port}` }),
          // ASR switched off on purpose is a ready deployment (calls show without transcripts); `auto` finding nothing is not
          asr: () => asr.available.length > 0 ? { ok: true, detail: asr.available.join(', ') }
            : { ok: config.asr.provider === 'none', detail: 'no speech recognition (asr.provider; Deepgram key or sherpa-onnx models)' },
          index: () => assist.indexReady(),
        },
      });
      logger.info({ url: api.url }, 'API and agent UI listening');
    } catch (err) {
      assist.close();
      await asr.close();
      throw err;
    }
  }
  sip.start();
  let stopping: Promise<void> | undefined;
  const step = async (what: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (err) {
      logger.error({ err }, `${what} failed`);
    }
  };
  return {
    config, logger, ports, recordings, sip, hub, registry, asr, assist, api,
    stop(deadlineMs = SHUTDOWN_DEADLINE_MS) {
      stopping ??= (async () => {
        await step('closing recording sessions', () => recordings.shutdown(deadlineMs));
        await step('ending calls', () => hub.close());
        await step('closing the drachtio connection', () => sip.stop());
        await step('closing the API server', () => api?.app.close());
        await step('closing ASR providers', () => asr.close());
        await step('stopping the assist timers', () => assist.close());
        await step('stopping the debug recorder', () => recorder.stop());
      })();
      return stopping;
    },
  };
}

/** Options of {@link main}. */
export interface MainOptions {
  /** Config file; default MODSVAR_CONFIG or config/modsvar.yaml. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the sidecar should stop; default: the first SIGINT or SIGTERM. */
  untilStopped?: Promise<string>;
}

/**
 * Runs the sidecar until SIGINT/SIGTERM, then stops gracefully; a second signal exits at once.
 * @returns the exit code (0 after a graceful stop)
 * @throws ConfigError (code CONFIG_INVALID, with the key) when the configuration is invalid
 */
export async function main(options: MainOptions = {}): Promise<number> {
  const loaded: LoadedConfig = loadConfig({ file: options.configFile, env: options.env });
  const { config } = loaded;
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  logger.info({ configFile: loaded.file ?? '(defaults)', envOverrides: loaded.envApplied }, 'modsvar starting');
  for (const warning of configWarnings(config)) logger.warn(warning);
  const sidecar = await startSidecar({ config, logger, env: options.env });
  const signal = await (options.untilStopped ?? waitForSignal(logger));
  logger.info({ signal, sessions: sidecar.recordings.size }, 'stopping: draining recording sessions');
  await sidecar.stop();
  logger.info('modsvar stopped');
  return 0;
}

function waitForSignal(logger: Logger): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
        process.exit(130);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
