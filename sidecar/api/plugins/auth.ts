/**
 * Access control for every API route and socket. Register after @fastify/rate-limit: both attach a
 * per-route `onRequest` hook in `onRoute`, so the rate limit counts a request before auth rejects it
 * (failed guesses are limited too) and a WebSocket upgrade is refused before the socket is accepted.
 *
 * Credentials: `Authorization: Bearer <token>` (static token or OIDC JWT) or the session cookie set by
 * `POST /api/session`. Failures answer `401 {"error":"unauthorized"}` or `403 {"error":"forbidden"}`,
 * nothing more. Route options: `config: { public: true }` skips auth; `config: { roles: [...] }` limits roles.
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ApiRole, Principal, TokenVerifier } from '../auth/principal.js';
import { SESSION_COOKIE, SessionStore } from '../auth/session-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the auth hook on every protected route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No credential needed (login, UI shell). */
    public?: boolean;
    /** Roles allowed on this route; default: agent and supervisor. */
    roles?: ApiRole[];
  }
  interface FastifyInstance {
    /** Verifies a bearer token against every configured verifier. */
    verifyToken(token: string): Promise<Principal | undefined>;
    sessions: SessionStore;
  }
}

export interface AuthPluginOptions {
  verifiers: TokenVerifier[];
  sessionTtlMs: number;
  /** Paths (prefixes) that need a credential; everything else (the UI's static files) is public. */
  protectedPrefixes: string[];
  /** Paths that need a credential unless opened (the probes). */
  openPaths?: string[];
}

export function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
}

export function forbidden(reply: FastifyReply): FastifyReply {
  return reply.code(403).send({ error: 'forbidden' });
}

/** The bearer token of a request, from the Authorization header. */
function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

/** True when the request has no Origin header or its host is the one the request was sent to. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null);
  app.decorate('sessions', new SessionStore(options.sessionTtlMs));
  app.decorate('verifyToken', async (token: string) => {
    if (!token || token.length > 8192) return undefined;
    for (const v of options.verifiers) {
      const p = await v.verify(token);
      if (p) return p;
    }
    return undefined;
  });

  const open = new Set(options.openPaths ?? []);
  const authenticate: onRequestHookHandler = async (request, reply) => {
    const token = bearer(request);
    let principal: Principal | undefined;
    if (token !== undefined) {
      principal = await app.verifyToken(token);
    } else {
      const sid = request.cookies[SESSION_COOKIE];
      if (sid) principal = app.sessions.get(sid);
      // A cookie rides along with any request the browser makes: refuse pages of other origins
      // (cross-site WebSocket hijacking, CSRF), on top of SameSite=Strict.
      if (principal && !sameOrigin(request)) return forbidden(reply);
    }
    if (!principal || (principal.expiresAtMs !== undefined && principal.expiresAtMs <= Date.now())) {
      return unauthorized(reply);
    }
    request.principal = principal;
    const roles = request.routeOptions.config.roles ?? ['agent', 'supervisor'];
    if (!roles.includes(principal.role)) return forbidden(reply);
  };

  app.addHook('onRoute', (route) => {
    const config = route.config as { public?: boolean } | undefined;
    if (config?.public) return;
    const url = route.url ?? route.path;
    if (open.has(url)) return;
    if (!options.protectedPrefixes.some((p) => url === p || url.startsWith(p.endsWith('/') ? p : `${p}/`))) return;
    const hooks = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...hooks, authenticate];
  });
}

export default fp(authPlugin, { name: 'modsvar-auth', fastify: '5.x' });
