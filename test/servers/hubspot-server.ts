import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for the two HubSpot CRM v3 endpoints the customer-context adapter uses, started on
 * port 0 per test and recording every request:
 * - `POST /crm/v3/objects/contacts/search` (https://developers.hubspot.com/docs/api/crm/search):
 *   `{filterGroups:[{filters:[{propertyName, operator:'EQ', value}]}], properties, limit}` → `{total, results}`;
 *   groups are OR'ed, filters in a group AND'ed; only `EQ` is implemented.
 * - `GET /crm/v3/objects/companies/{id}?properties=a,b` → `{id, properties, createdAt, updatedAt, archived}`.
 * - `Authorization: Bearer <token>` is required: anything else gets HubSpot's 401 body.
 * - Faults: `fault = { status }` answers every request with that status; `delayMs` delays answers.
 */

export interface HubSpotObject {
  id: string;
  properties: Record<string, string>;
}

export interface HubSpotServer {
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; headers: Record<string, string | string[] | undefined>; body: unknown }>;
  contacts: HubSpotObject[];
  companies: HubSpotObject[];
  fault?: { status: number };
  delayMs: number;
  close(): Promise<void>;
}

function wrap(o: HubSpotObject, props?: string[]): Record<string, unknown> {
  const properties: Record<string, string | null> = { hs_object_id: o.id };
  for (const p of props ?? Object.keys(o.properties)) properties[p] = o.properties[p] ?? null;
  return { id: o.id, properties, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', archived: false };
}

export async function startHubSpotServer(options: { token: string; contacts?: HubSpotObject[]; companies?: HubSpotObject[] }): Promise<HubSpotServer> {
  const sockets = new Set<Socket>();
  const state = { requests: [] as HubSpotServer['requests'], contacts: options.contacts ?? [], companies: options.companies ?? [], fault: undefined as HubSpotServer['fault'], delayMs: 0 };
  const send = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown;
    try { body = raw ? JSON.parse(raw) : undefined; } catch { body = raw; }
    state.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    if (state.fault) return send(res, state.fault.status, { status: 'error', message: 'fault', category: 'SERVER_ERROR' });
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
    }
    if (req.method === 'POST' && url.pathname === '/crm/v3/objects/contacts/search') {
      const b = body as { filterGroups?: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>; properties?: string[]; limit?: number };
      const hits = state.contacts.filter((c) => (b.filterGroups ?? []).some((g) => g.filters.every((f) => f.operator === 'EQ' && c.properties[f.propertyName] === f.value)));
      return send(res, 200, { total: hits.length, results: hits.slice(0, b.limit ?? 10).map((c) => wrap(c, b.properties)) });
    }
    const m = /^\/crm\/v3\/objects\/companies\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const company = state.companies.find((c) => c.id === decodeURIComponent(m[1]));
      if (!company) return send(res, 404, { status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' });
      const props = url.searchParams.getAll('properties').flatMap((p) => p.split(','));
      return send(res, 200, wrap(company, props.length ? props : undefined));
    }
    send(res, 404, { status: 'error', message: 'not found', category: 'OBJECT_NOT_FOUND' });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  }) as HubSpotServer;
}
