/**
 * Call routes: `GET /api/calls?state=live|recent|all` (only the calls the caller may see),
 * `GET /api/calls/:callId` (snapshot: participants, roles, CRM context, transcript, cards, ledger,
 * health; `seq` is the last event included), `POST /api/calls/:callId/cards/:cardId/feedback`
 * (agents taking part only: supervisors are read-only).
 *
 * An agent asking for a call they do not take part in gets 403, as does an agent asking for a call
 * that does not exist, so call IDs cannot be probed; supervisors get 404 for unknown calls.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CallRegistry } from '../../calls/call-registry.js';
import type { CallView } from '../../calls/call-view.js';
import type { FeedbackKind } from '../../calls/call-events.js';
import { canSeeCall, type Principal } from '../auth/principal.js';
import { forbidden } from '../plugins/auth.js';
import { feedbackSchema, getCallSchema, listCallsSchema, statsSchema } from '../schemas.js';

/** The call if the principal may see it; otherwise sends 403/404 and returns undefined. */
export function visibleCall(registry: CallRegistry, principal: Principal, callId: string, reply: FastifyReply): CallView | undefined {
  const view = registry.get(callId);
  if (view && canSeeCall(principal, view.participants)) return view;
  if (!view && principal.role === 'supervisor') {
    void reply.code(404).send({ error: 'not_found' });
    return undefined;
  }
  void forbidden(reply);
  return undefined;
}

export default async function callRoutes(app: FastifyInstance, options: { registry: CallRegistry }): Promise<void> {
  const { registry } = options;

  app.get<{ Querystring: { state: 'live' | 'recent' | 'all' } }>('/api/calls', { schema: listCallsSchema }, async (request) => {
    const principal = request.principal!;
    const calls = registry.list(request.query.state).filter((s) => {
      if (principal.role === 'supervisor') return true;
      const view = registry.get(s.callId);
      return view !== undefined && canSeeCall(principal, view.participants);
    });
    return { calls };
  });

  app.get<{ Params: { callId: string } }>('/api/calls/:callId', { schema: getCallSchema }, async (request, reply) => {
    const view = visibleCall(registry, request.principal!, request.params.callId, reply);
    if (!view) return reply;
    const snap = registry.snapshot(view.callId)!;
    return { seq: snap.seq, call: snap.call };
  });

  app.post<{ Params: { callId: string; cardId: string }; Body: { kind: FeedbackKind } }>(
    '/api/calls/:callId/cards/:cardId/feedback',
    { schema: feedbackSchema, config: { roles: ['agent'] } },
    async (request, reply) => {
      const principal = request.principal!;
      const view = visibleCall(registry, principal, request.params.callId, reply);
      if (!view) return reply;
      if (!view.card(request.params.cardId)) return reply.code(404).send({ error: 'not_found' });
      const card = registry.giveFeedback(view.callId, request.params.cardId, request.body.kind, principal.subject);
      request.log.info({ callId: view.callId, cardId: card.cardId, kind: request.body.kind, subject: principal.subject }, 'card feedback');
      return { card };
    },
  );

  app.get('/api/stats/today', { schema: statsSchema, config: { roles: ['supervisor'] } }, async () => registry.stats());
}
