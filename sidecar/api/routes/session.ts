/**
 * Login for the web UI: `POST /api/session {token}` verifies a static token or JWT and sets an
 * HttpOnly session cookie; `DELETE /api/session` ends it; `GET /api/session` tells the UI who it is.
 * Login is rate-limited per client address (api.rateLimit.loginPerMinute).
 */
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/rate-limit';
import { SESSION_COOKIE } from '../auth/session-store.js';
import { unauthorized } from '../plugins/auth.js';
import { loginSchema, meSchema } from '../schemas.js';

export interface SessionRoutesOptions {
  loginPerMinute: number;
  secureCookie: boolean;
}

export default async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  app.post<{ Body: { token: string } }>('/api/session', {
    schema: loginSchema,
    config: { public: true, rateLimit: { max: options.loginPerMinute, timeWindow: 60_000 } },
  }, async (request, reply) => {
    const principal = await app.verifyToken(request.body.token);
    if (!principal || principal.role === 'monitor') {
      request.log.info({ ip: request.ip }, 'login refused');
      return unauthorized(reply);
    }
    const { id, expiresAtMs } = app.sessions.create(principal);
    request.log.info({ subject: principal.subject, role: principal.role }, 'login');
    reply.setCookie(SESSION_COOKIE, id, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: options.secureCookie, expires: new Date(expiresAtMs),
    });
    return { name: principal.name, role: principal.role, aors: principal.aors };
  });

  app.delete('/api/session', { config: { roles: ['agent', 'supervisor'] } }, async (request, reply) => {
    const sid = request.cookies[SESSION_COOKIE];
    if (sid) app.sessions.delete(sid);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/session', { schema: meSchema }, async (request) => {
    const p = request.principal!;
    return { name: p.name, role: p.role, aors: p.aors };
  });
}
