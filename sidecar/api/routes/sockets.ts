/**
 * WebSockets. Upgrades go through the router, so the rate limit, auth and the access check run before
 * the socket is accepted (a refused upgrade gets a plain 401/403/404/429 response).
 *
 * `GET /api/calls/:callId/ws?since=<seq>`: a `snapshot` (its `seq` is the last event it includes), then
 * every event of the call in order. With `since` and the events still held, only the events after
 * `since` are sent (no snapshot): a reconnecting client resumes without gaps or duplicates. The socket
 * closes with 1000 "call removed" when the call leaves memory.
 *
 * `GET /api/wall/ws?since=<seq>`: `wall.snapshot` of the live calls the caller may see (supervisors all,
 * agents their own), then `wall.call` (row changed) and `wall.removed` (call ended) events.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/websocket';
import type {} from '@fastify/rate-limit';
import type { CallRegistry } from '../../calls/call-registry.js';
import type { CallEvent, WallEvent } from '../../calls/call-events.js';
import { canSeeCall, type Principal } from '../auth/principal.js';
import { SocketChannel, SocketQuota } from '../socket-channel.js';
import { callIdParams, resumeQuery } from '../schemas.js';
import { visibleCall } from './calls.js';

export interface SocketRoutesOptions {
  registry: CallRegistry;
  socketsPerMinute: number;
  socketsPerPrincipal: number;
  /** Test hook; default 30 000 ms. */
  heartbeatMs?: number;
  /** Called with the number of open sockets whenever it changes (metrics). */
  onCount?: (open: number) => void;
}

export default async function socketRoutes(app: FastifyInstance, options: SocketRoutesOptions): Promise<void> {
  const { registry } = options;
  const quota = new SocketQuota(options.socketsPerPrincipal);
  let open = 0;
  const rateLimit = { max: options.socketsPerMinute, timeWindow: 60_000 };
  const checkQuota = async (request: FastifyRequest, reply: FastifyReply) => {
    if (quota.count(request.principal!.subject) >= quota.max) return reply.code(429).send({ error: 'too_many_sockets' });
  };
  const opened = (principal: Principal): (() => void) => {
    quota.take(principal.subject);
    options.onCount?.(++open);
    return () => {
      quota.release(principal.subject);
      options.onCount?.(--open);
    };
  };

  app.get<{ Params: { callId: string }; Querystring: { since?: number } }>('/api/calls/:callId/ws', {
    websocket: true,
    schema: { params: callIdParams, querystring: resumeQuery },
    config: { rateLimit },
    preHandler: async (request, reply) => {
      if (!visibleCall(registry, request.principal!, request.params.callId, reply)) return reply;
      return checkQuota(request, reply);
    },
  }, (socket, request) => {
    const { callId } = request.params;
    const release = opened(request.principal!);
    let unsubscribe = () => {};
    const channel = new SocketChannel(socket, {
      heartbeatMs: options.heartbeatMs,
      onClose: () => { unsubscribe(); offRemoved(); release(); },
    });
    const onRemoved = (id: string) => { if (id === callId) channel.close(1000, 'call removed'); };
    registry.observer.on('callremoved', onRemoved);
    const offRemoved = () => registry.observer.off('callremoved', onRemoved);
    // Replay (or snapshot) and subscribe in the same tick: no event can slip between them.
    const since = request.query.since;
    const replay = since !== undefined ? registry.eventsSince(callId, since) : undefined;
    if (replay) for (const e of replay) channel.send(e);
    else {
      const snap = registry.snapshot(callId);
      if (!snap) { channel.close(1000, 'call removed'); return; }
      channel.send(snap);
    }
    unsubscribe = registry.subscribe(callId, (e: CallEvent) => channel.send(e));
  });

  app.get<{ Querystring: { since?: number } }>('/api/wall/ws', {
    websocket: true,
    schema: { querystring: resumeQuery },
    config: { rateLimit },
    preHandler: checkQuota,
  }, (socket, request) => {
    const principal = request.principal!;
    const release = opened(principal);
    // Calls this client has been told about, so removals of other agents' calls are not announced.
    const shown = new Set<string>();
    const visible = (callId: string) => {
      if (principal.role === 'supervisor') return true;
      const view = registry.get(callId);
      return view !== undefined && canSeeCall(principal, view.participants);
    };
    const forward = (e: WallEvent) => {
      if (e.type === 'wall.call') {
        if (!visible(e.summary.callId)) return;
        shown.add(e.summary.callId);
      } else if (e.type === 'wall.removed') {
        if (!shown.delete(e.callId)) return;
      }
      channel.send(e);
    };
    const channel = new SocketChannel(socket, {
      heartbeatMs: options.heartbeatMs,
      onClose: () => { registry.observer.off('wall', forward); release(); },
    });
    const since = request.query.since;
    const replay = since !== undefined ? registry.wallEventsSince(since) : undefined;
    if (replay) {
      for (const c of registry.list('live')) if (visible(c.callId)) shown.add(c.callId);
      for (const e of replay) forward(e);
    } else {
      const snap = registry.wallSnapshot();
      const calls = snap.calls.filter((c) => visible(c.callId));
      for (const c of calls) shown.add(c.callId);
      channel.send({ type: 'wall.snapshot', atMs: Date.now(), seq: snap.seq, calls });
    }
    registry.observer.on('wall', forward);
  });
}
