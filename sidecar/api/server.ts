/**
 * The API server: fastify with one plugin per concern, each in its own encapsulated context —
 * rate limit → auth (both hook every protected route, in that order) → session, calls, sockets,
 * knowledge, health, metrics and the static UI. It only reads the {@link CallRegistry}; the
 * composition root feeds the registry.
 *
 * Routes (all under a token or session unless noted):
 * - `POST /api/session` (public, rate-limited), `GET|DELETE /api/session`
 * - `GET /api/calls?state=live|recent|all`, `GET /api/calls/:callId`,
 *   `POST /api/calls/:callId/cards/:cardId/feedback` (agents), `GET /api/stats/today` (supervisors)
 * - `GET /api/knowledge/search?q=`, `GET /api/schema/call-events` (the WebSocket protocol's JSON schema)
 * - WebSocket `GET /api/calls/:callId/ws?since=`, `GET /api/wall/ws?since=`
 * - WebSocket `GET /api/ingress/ws` (role `ingest`, with a `hub`): feeds a recorded call in (`modsvar replay`)
 * - `GET /healthz`, `GET /readyz`, `GET /metrics` (monitor/supervisor)
 * - the agent UI: `/`, `/call/:callId`, `/wall`, `/assets/*` (public shell, no data)
 *
 * @example
 * const app = await buildApiServer({ config: config.api, registry, retriever, readiness: { drachtio: () => srf.connected } });
 * await app.listen({ host: config.api.host, port: config.api.port });
 */
import { join } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Retriever } from '../assist/ports.js';
import type { CallHubLike } from '../calls/call-hub-types.js';
import type { CallRegistry, CallRegistryOptions } from '../calls/call-registry.js';
import { callEventSchema } from '../calls/call-event-schema.js';
import type { ApiConfig } from '../config/schema.js';
import { packageRoot } from '../config/load-config.js';
import { silentLogger } from '../core/logger.js';
import { oidcVerifier } from './auth/oidc.js';
import type { TokenVerifier } from './auth/principal.js';
import { staticTokenVerifier } from './auth/static-tokens.js';
import authPlugin from './plugins/auth.js';
import healthPlugin, { type ReadinessCheck } from './plugins/health.js';
import metricsPlugin, { createApiMetrics, type MetricsSources } from './plugins/metrics.js';
import uiPlugin from './plugins/ui.js';
import callRoutes from './routes/calls.js';
import ingressRoutes from './routes/ingress.js';
import knowledgeRoutes from './routes/knowledge.js';
import sessionRoutes from './routes/session.js';
import socketRoutes from './routes/sockets.js';

export interface ApiServerOptions {
  /** The `api` config section. */
  config: ApiConfig;
  /** The registry of live and recent calls (read only here). */
  registry: CallRegistry;
  /** Where `/api/ingress/ws` starts calls (replayed recordings and transcripts); without it that route does not exist. */
  hub?: CallHubLike;
  /** For `/api/knowledge/search`; without it the route answers 503. */
  retriever?: Retriever;
  /** Readiness checks by name (`drachtio`, `asr`, `index`); `/readyz` is 200 only when all pass. */
  readiness?: Record<string, ReadinessCheck>;
  logger?: Logger;
  /** Where token environment variables are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Built UI folder; default `<package>/agent-ui/dist`; null serves no UI. */
  uiDir?: string | null;
  /** Replaces the verifiers built from config (tests). */
  verifiers?: TokenVerifier[];
  /** WebSocket ping interval in ms. Default 30 000. */
  heartbeatMs?: number;
  /** Node process metrics in /metrics. Default true. */
  processMetrics?: boolean;
  /** Figures of other components that /metrics reads at scrape time (e.g. the ASR decode pool). */
  metricsSources?: MetricsSources;
}

/**
 * Builds the server (not listening yet). With no token and no OIDC configured it still starts, logs a
 * warning and refuses every protected request (401): the UI shell stays reachable to say so.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const { config, registry } = options;
  const logger = options.logger ?? silentLogger();
  const verifiers = options.verifiers ?? buildVerifiers(options, logger);
  if (verifiers.length === 0) {
    logger.warn('api: no tokens and no OIDC configured; every request will be refused (see config api.tokens)');
  }

  const app = Fastify({
    loggerInstance: bindOnce(logger, { component: 'api' }) as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // Request lines would log every poll and socket; auth, feedback and failures are logged where handled.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) return reply.code(400).send({ error: 'bad_request', message: err.message });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send({ error: ERROR_CODES[status] ?? 'bad_request' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));

  // Security headers (helmet): the UI loads only its own scripts and styles, talks only to this
  // origin (ws/wss included), and may not be framed.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: config.secureCookie ? undefined : false,
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip ?? 'unknown',
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: 'rate_limited', message: `retry in ${ctx.after}` }),
  });
  await app.register(authPlugin, {
    verifiers,
    sessionTtlMs: config.sessionTtlMinutes * 60_000,
    protectedPrefixes: ['/api', '/healthz', '/readyz', '/metrics'],
    openPaths: config.probesRequireToken ? [] : ['/healthz', '/readyz'],
  });
  await app.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES }, errorHandler: socketErrorHandler });

  const metrics = createApiMetrics(registry, options.processMetrics ?? true, options.metricsSources);
  await app.register(sessionRoutes, { loginPerMinute: config.rateLimit.loginPerMinute, secureCookie: config.secureCookie });
  await app.register(callRoutes, { registry });
  await app.register(socketRoutes, {
    registry,
    socketsPerMinute: config.rateLimit.socketsPerMinute,
    socketsPerPrincipal: config.rateLimit.socketsPerPrincipal,
    heartbeatMs: options.heartbeatMs,
    onCount: (n) => metrics.wsClients.set(n),
  });
  if (options.hub) {
    await app.register(ingressRoutes, { hub: options.hub, registry, socketsPerMinute: config.rateLimit.socketsPerMinute });
  }
  await app.register(knowledgeRoutes, { retriever: options.retriever });
  await app.register(healthPlugin, { checks: options.readiness ?? {}, roles: ['agent', 'supervisor', 'monitor'], detailRoles: ['supervisor', 'monitor'] });
  await app.register(metricsPlugin, { metrics });
  app.get('/api/schema/call-events', async () => callEventSchema);
  const uiDir = options.uiDir === undefined ? join(packageRoot(), 'agent-ui', 'dist') : options.uiDir;
  if (uiDir) await app.register(uiPlugin, { dir: uiDir });
  return app;
}

/** Stable `error` codes of 4xx/5xx answers by HTTP status; any other 4xx is `bad_request`. */
const ERROR_CODES: Record<number, string> = {
  401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large',
  415: 'unsupported_media_type', 429: 'rate_limited', 500: 'internal',
};

/** Largest WebSocket message a client may send, bytes (the UI's sockets only receive; clients send `ping`). */
export const WS_MAX_PAYLOAD_BYTES = 4096;

/**
 * Binds fields to a child logger, leaving out those the logger already carries with the same value:
 * pino writes each binding of each level of children, so re-binding `component` would put the key twice
 * on every JSON line (invalid for strict parsers, ambiguous for log shippers).
 */
export function bindOnce(logger: Logger, bindings: Record<string, unknown>): Logger {
  const bound = logger.bindings();
  const fresh = Object.fromEntries(Object.entries(bindings).filter(([k, v]) => bound[k] !== v));
  return Object.keys(fresh).length ? logger.child(fresh) : logger;
}

/** The close code `ws` attaches to a protocol error (RFC 6455 §7.4.1: 1009 too big, 1007 bad UTF-8, 1002 protocol). */
function closeCodeOf(err: Error): number {
  const sym = Object.getOwnPropertySymbols(err).find((k) => k.description === 'status-code');
  const code = sym ? (err as unknown as Record<symbol, unknown>)[sym] : undefined;
  if (typeof code === 'number') return code;
  const name = (err as { code?: string }).code;
  return name === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 1009 : name === 'WS_ERR_INVALID_UTF8' ? 1007 : 1002;
}

/**
 * Errors on an open WebSocket. A client breaking the protocol (a message over {@link WS_MAX_PAYLOAD_BYTES},
 * bad framing, invalid UTF-8: `ws` codes `WS_ERR_*`) is the client's fault, not ours: one warn line without a
 * stack, and the socket closes with the RFC 6455 code (1009 for too big). A dropped connection is debug.
 * Anything else is ours: logged with its stack, socket terminated.
 */
function socketErrorHandler(this: FastifyInstance, err: Error, socket: WebSocket, request: FastifyRequest): void {
  const code = (err as { code?: string }).code;
  const who = request.principal?.subject;
  if (code?.startsWith('WS_ERR_')) {
    const closeCode = closeCodeOf(err);
    request.log.warn({ code, closeCode, url: request.url, ...(who && { subject: who }) },
      closeCode === 1009 ? `websocket message over ${WS_MAX_PAYLOAD_BYTES} bytes: closed 1009` : `websocket protocol error (${err.message}): closed ${closeCode}`);
    if (socket.readyState === 0 || socket.readyState === 1) socket.close(closeCode, closeCode === 1009 ? 'message too big' : 'protocol error');
    return;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    request.log.debug({ code, url: request.url }, 'websocket connection dropped by the client');
    socket.terminate();
    return;
  }
  request.log.error({ err, url: request.url }, 'websocket failed');
  socket.terminate();
}

function buildVerifiers(options: ApiServerOptions, logger: Logger): TokenVerifier[] {
  const out: TokenVerifier[] = [];
  const tokens = staticTokenVerifier(options.config.tokens, options.env ?? process.env, logger);
  if (tokens.size > 0) out.push(tokens);
  if (options.config.oidc) out.push(oidcVerifier(options.config.oidc, logger));
  return out;
}

/** The registry limits the `api` section configures: `new CallRegistry({ ...callRegistryOptions(config.api), logger })`. */
export function callRegistryOptions(config: ApiConfig): CallRegistryOptions {
  return {
    ringSize: config.resumeEvents,
    recentCalls: config.recentCalls,
    recentRetentionMs: config.recentRetentionMinutes * 60_000,
    alertUnanswered: config.alertUnanswered,
    wallUpdateMs: config.wallUpdateMs,
  };
}

/** Builds and starts listening on `config.host:config.port`; resolves the base URL (`http://127.0.0.1:8080`). */
export async function startApiServer(options: ApiServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApiServer(options);
  const address = await app.listen({ host: options.config.host, port: options.config.port });
  return { app, url: address };
}
