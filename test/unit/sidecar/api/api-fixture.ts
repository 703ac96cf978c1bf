/** Builds an API server over a fresh registry with three static tokens, and call fixtures. */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { buildApiServer, callRegistryOptions, type ApiServerOptions } from '../../../../sidecar/api/server.js';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import type { CallCard, CallEvent, WallEvent } from '../../../../sidecar/calls/call-events.js';
import { apiSchema } from '../../../../sidecar/config/schema.js';

export const TOKENS = {
  anna: 'anna-token-0123456789abcdef',
  bo: 'bo-token-0123456789abcdefgh',
  sup: 'supervisor-token-0123456789',
  mon: 'monitor-token-0123456789ab',
} as const;

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Fixture {
  app: FastifyInstance;
  registry: CallRegistry;
  close(): Promise<void>;
}

export async function buildFixture(overrides: Partial<ApiServerOptions> = {}, apiOverrides: Record<string, unknown> = {}): Promise<Fixture> {
  const config = apiSchema.parse({
    wallUpdateMs: 0,
    tokens: [
      { tokenEnv: 'T_ANNA', role: 'agent', aors: ['1001'], name: 'Anna Holm' },
      { tokenEnv: 'T_BO', role: 'agent', aors: ['sip:1002@pbx.example.com'], name: 'Bo Berg' },
      { tokenEnv: 'T_SUP', role: 'supervisor', name: 'Sara Sup' },
      { tokenEnv: 'T_MON', role: 'monitor' },
    ],
    ...apiOverrides,
  });
  const registry = new CallRegistry(callRegistryOptions(config));
  const app = await buildApiServer({
    config,
    registry,
    env: { T_ANNA: TOKENS.anna, T_BO: TOKENS.bo, T_SUP: TOKENS.sup, T_MON: TOKENS.mon },
    uiDir: null,
    processMetrics: false,
    ...overrides,
  });
  await app.ready();
  return {
    app,
    registry,
    async close() {
      await app.close();
      registry.close();
    },
  };
}

/** Call `call-anna` (Anna 1001 with a customer) and `call-bo` (Bo 1002 with another customer). */
export function seedCalls(registry: CallRegistry): void {
  registry.upsertCall({
    callId: 'call-anna', startedAtMs: 1_700_000_000_000, language: 'da',
    participants: [
      { id: 'p1', aor: 'sip:+4520123456@carrier.example', name: 'Jens Kunde', role: 'customer' },
      { id: 'p2', aor: 'sip:1001@pbx.example.com', name: 'Anna Holm', role: 'agent' },
    ],
    customer: { name: 'Jens Kunde', number: '+4520123456', company: 'Kunde A/S', employees: 40, facts: { plan: 'Pro' } },
  });
  registry.upsertCall({
    callId: 'call-bo', startedAtMs: 1_700_000_100_000, language: 'en',
    participants: [
      { id: 'p1', aor: 'sip:+4420000000@carrier.example', role: 'customer' },
      { id: 'p2', aor: 'sip:1002@pbx.example.com', name: 'Bo Berg', role: 'agent' },
    ],
  });
}

export function card(overrides: Partial<CallCard> = {}): CallCard {
  return {
    cardId: 'card-1', objectionId: 'obj-1', objectionClass: 'price', status: 'extractive',
    text: 'Customers of your size save 12 % on licences.', confidence: 0.86, removedCount: 0,
    citations: [{ factId: 'F-012', text: 'Customers with 20-50 seats save 12 % on licences.', source: 'pricing.md', location: 'Savings' }],
    createdAtMs: 1_700_000_010_000, updatedAtMs: 1_700_000_010_000,
    stages: { asrAtMs: 1_700_000_009_990, detectedAtMs: 1_700_000_009_992, retrievedAtMs: 1_700_000_009_995, extractiveAtMs: 1_700_000_010_000 },
    ...overrides,
  };
}

/** Opens a WebSocket through injectWS and collects parsed messages from the first byte on. */
export async function openSocket(app: FastifyInstance, path: string, headers: Record<string, string>):
  Promise<{ ws: WebSocket; messages: (CallEvent | WallEvent)[]; next(n: number): Promise<(CallEvent | WallEvent)[]> }> {
  const messages: (CallEvent | WallEvent)[] = [];
  const waiters: (() => void)[] = [];
  const ws = await app.injectWS(path, { headers }, {
    onInit(socket: WebSocket) {
      socket.on('message', (data) => {
        messages.push(JSON.parse(data.toString()));
        for (const w of waiters.splice(0)) w();
      });
    },
  } as never);
  return {
    ws,
    messages,
    /** Resolves once at least `n` messages have arrived. */
    async next(n: number) {
      while (messages.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages.slice(0, n);
    },
  };
}
