/**
 * Probes. `GET /healthz`: the process answers (liveness). `GET /readyz`: every readiness check passes
 * (drachtio-server connected, ASR provider reachable, knowledge index loaded, …): 200 or 503 with each
 * check's result. A check that throws or takes longer than `checkTimeoutMs` counts as failed.
 * Each check's `detail` (it can name files, hosts, providers) goes only to `detailRoles`
 * (supervisor, monitor); every other caller, an agent or an unauthenticated probe on an open path,
 * gets the check names with ok / failed only.
 */
import type { FastifyInstance } from 'fastify';

/** One readiness check's result; `detail` is a short sentence for operators, never a secret. */
export interface ReadinessResult {
  ok: boolean;
  detail?: string;
}
export type ReadinessCheck = () => ReadinessResult | boolean | Promise<ReadinessResult | boolean>;

export interface HealthPluginOptions {
  /** Named checks, e.g. `{ drachtio, asr, index }`, supplied by the composition root. */
  checks: Record<string, ReadinessCheck>;
  /** Default 2000 ms. */
  checkTimeoutMs?: number;
  /** Roles allowed (probes may also be opened entirely through the auth plugin's open paths). */
  roles: ('agent' | 'supervisor' | 'monitor')[];
  /** Roles that see each check's `detail`. Default supervisor and monitor. */
  detailRoles?: ('agent' | 'supervisor' | 'monitor')[];
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      Promise.resolve().then(check),
      new Promise<ReadinessResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      }),
    ]);
    return typeof result === 'boolean' ? { ok: result } : { ok: result.ok, ...(result.detail && { detail: result.detail }) };
  } catch (err) {
    return { ok: false, detail: (err as Error).message ?? 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}

const checkResult = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, detail: { type: 'string' } },
  required: ['ok'],
};
const readySchema = {
  type: 'object',
  properties: { ready: { type: 'boolean' }, checks: { type: 'object', additionalProperties: checkResult } },
  required: ['ready', 'checks'],
};

export default async function healthPlugin(app: FastifyInstance, options: HealthPluginOptions): Promise<void> {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  app.get('/healthz', { config: { roles: options.roles } }, async () => ({ status: 'ok' }));
  app.get('/readyz', {
    config: { roles: options.roles },
    schema: { response: { 200: readySchema, 503: readySchema } },
  }, async (request, reply) => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(names.map((n) => runCheck(options.checks[n], timeoutMs)));
    const role = request.principal?.role;
    const details = role !== undefined && (options.detailRoles ?? ['supervisor', 'monitor']).includes(role as 'supervisor');
    const checks = Object.fromEntries(names.map((n, i) => [n, details ? results[i] : { ok: results[i].ok }]));
    const ready = results.every((r) => r.ok);
    return reply.code(ready ? 200 : 503).send({ ready, checks });
  });
}
