/**
 * Serves the built agent UI (agent-ui/dist, `npm run build:ui`) with @fastify/static. The page shell
 * and assets hold no call data and are public; every API call they make needs a session. The UI's own
 * paths (`/`, `/call/<callId>`, `/wall`) all answer with index.html (client-side routing).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export default async function uiPlugin(app: FastifyInstance, options: { dir: string }): Promise<void> {
  if (!existsSync(join(options.dir, 'index.html'))) {
    app.log.warn({ dir: options.dir }, 'agent UI not built (npm run build:ui); the API works without it');
    app.get('/', { config: { public: true } }, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send('The agent UI is not built. Run: npm run build:ui\n'));
    return;
  }
  await app.register(fastifyStatic, {
    root: options.dir,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    cacheControl: true,
    maxAge: '1h',
    immutable: false,
    setHeaders(res, path) {
      // Hashed assets never change; the shell must be revalidated so a new build takes effect.
      if (path.includes('/assets/')) res.header('cache-control', 'public, max-age=31536000, immutable');
      else res.header('cache-control', 'no-cache');
    },
  });
  for (const path of ['/call/:callId', '/wall']) {
    app.get(path, { config: { public: true } }, async (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
}
