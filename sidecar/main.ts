/**
 * The composition root: reads the configuration, builds the logger, the RTP port pool, the debug recorder,
 * the registry of recording sessions and the drachtio-srf app, and shuts them down in order on SIGINT /
 * SIGTERM. Adapters are chosen here from config and nowhere else.
 */
import type { Logger } from 'pino';
import { loadConfig, type LoadedConfig } from './config/load-config.js';
import type { ModsvarConfig } from './config/schema.js';
import { createLogger } from './core/logger.js';
import { RecordingServer } from './sip/recording-server.js';
import { SrfApp } from './sip/srf-app.js';
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
  /**
   * Graceful stop (idempotent): refuse new INVITEs (503), drain and close every recording session with
   * `shutdown` (BYE to the SRC) within `deadlineMs`, then close the drachtio connection.
   */
  stop(deadlineMs?: number): Promise<void>;
}

/** Options of {@link startSidecar}. */
export interface StartSidecarOptions {
  config: ModsvarConfig;
  logger: Logger;
}

/** Builds and starts every component; resolves once the drachtio connection is being attempted. */
export async function startSidecar({ config, logger }: StartSidecarOptions): Promise<Sidecar> {
  const ports = new PortPool({ minPort: config.sip.rtpPortMin, maxPort: config.sip.rtpPortMax, bindAddress: config.sip.rtpBindAddress });
  const recorder = new DebugRecorder({ ...config.media.debugRecording, logger: logger.child({ component: 'debug-recording' }) });
  await recorder.start();
  const recordings = new RecordingServer({
    sip: config.sip,
    media: config.media,
    ports,
    openPipeline: (options) => StreamPipeline.open(options),
    debugWavPathFor: (callId, label) => recorder.pathFor(callId, label),
    transactionTimeoutMs: config.drachtio.transactionTimeoutMs,
    logger,
  });
  const sip = new SrfApp({ drachtio: config.drachtio, recordings, warnAgent: config.sip.mediaAddress, logger });
  sip.start();
  let stopping: Promise<void> | undefined;
  return {
    config, logger, ports, recordings, sip,
    stop(deadlineMs = SHUTDOWN_DEADLINE_MS) {
      stopping ??= (async () => {
        try {
          await recordings.shutdown(deadlineMs);
        } catch (err) {
          logger.error({ err }, 'closing recording sessions failed');
        }
        try {
          await sip.stop();
        } catch (err) {
          logger.error({ err }, 'closing the drachtio connection failed');
        }
        try {
          recorder.stop();
        } catch (err) {
          logger.error({ err }, 'stopping the debug recorder failed');
        }
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
  const sidecar = await startSidecar({ config, logger });
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
