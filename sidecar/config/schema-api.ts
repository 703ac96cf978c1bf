import { z } from 'zod';

/** One API token: the secret comes from the environment only (never the file, never a log). */
export const apiTokenSchema = z.object({
  /** Name of the environment variable that holds the token, e.g. `MODSVAR_TOKEN_ANNA`. */
  tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  /** The token itself: only through the MODSVAR_API__TOKENS environment variable (JSON), never in the file. */
  token: z.string().min(16).optional(),
  /**
   * `agent`: sees only calls an AoR of theirs takes part in; `supervisor`: sees all, read-only; `monitor`: /metrics
   * and probes only; `ingest`: may only feed calls in through `/api/ingress/ws` (`modsvar replay`), reads nothing else.
   */
  role: z.enum(['agent', 'supervisor', 'monitor', 'ingest']),
  /** For agents: AoRs or extensions (`sip:1001@pbx.example.com`, `1001`); an entry without `@` matches the user part. */
  aors: z.array(z.string().min(1)).default([]),
  /** Display name and audit subject. Default: the role and the env variable name. */
  name: z.string().min(1).optional(),
}).strict().refine((t) => (t.tokenEnv === undefined) !== (t.token === undefined), {
  message: 'give exactly one of tokenEnv or token',
});

/** OIDC/JWT verification for larger sites: bearer tokens signed by the identity provider, keys from its JWKS. */
export const apiOidcSchema = z.object({
  /** Expected `iss`, e.g. `https://login.example.com/realms/sales`. */
  issuer: z.string().url(),
  /** JWKS address; default `<issuer>/.well-known/jwks.json`. */
  jwksUrl: z.string().url().optional(),
  /** Expected `aud`. */
  audience: z.string().min(1),
  /** Claim holding the role (`agent`/`supervisor`/`monitor`, or an array containing them); dotted paths allowed. */
  roleClaim: z.string().min(1).default('modsvar_role'),
  /** Claim holding the agent's AoRs/extensions (string or array). */
  aorClaim: z.string().min(1).default('modsvar_aors'),
  /** Claim used as the display name. */
  nameClaim: z.string().min(1).default('name'),
  /** Accepted signature algorithms. */
  algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).min(1).default(['RS256', 'ES256']),
  /** Allowed clock skew in ms. */
  clockToleranceMs: z.number().int().min(0).default(30_000),
}).strict();

/** The HTTP API, WebSockets and the agent UI. */
export const apiSchema = z.object({
  enabled: z.boolean().default(true),
  /** Listen address and port. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Static tokens (small sites). */
  tokens: z.array(apiTokenSchema).default([]),
  /** OIDC/JWT verification (larger sites); absent = off. */
  oidc: apiOidcSchema.optional(),
  /** Browser session lifetime after login, in minutes (cookie; shorter when the JWT expires sooner). */
  sessionTtlMinutes: z.number().int().min(1).default(720),
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookie: z.boolean().default(false),
  /** Trust X-Forwarded-For from a reverse proxy (for rate limits by client address). */
  trustProxy: z.boolean().default(false),
  /** /healthz and /readyz need a token too (any role); false opens them for probes. */
  probesRequireToken: z.boolean().default(true),
  rateLimit: z.object({
    /** Requests per client address per minute, all routes. */
    perMinute: z.number().int().min(1).default(600),
    /** Login attempts per client address per minute. */
    loginPerMinute: z.number().int().min(1).default(10),
    /** WebSocket connection attempts per client address per minute. */
    socketsPerMinute: z.number().int().min(1).default(60),
    /** Open WebSockets per principal at once. */
    socketsPerPrincipal: z.number().int().min(1).default(20),
  }).strict().prefault({}),
  /** Events kept per call for reconnect/resume. */
  resumeEvents: z.number().int().min(10).default(2000),
  /** Ended calls kept in memory for the "recent" list, and for how long (minutes). */
  recentCalls: z.number().int().min(0).default(200),
  recentRetentionMinutes: z.number().int().min(1).default(240),
  /** The wall highlights a live call with at least this many unanswered objections. */
  alertUnanswered: z.number().int().min(1).default(2),
  /** A call's wall row is sent at most once per this many ms (0 = every change at once). */
  wallUpdateMs: z.number().int().min(0).max(10_000).default(250),
}).strict().prefault({});

export type ApiConfig = z.infer<typeof apiSchema>;
export type ApiTokenConfig = z.infer<typeof apiTokenSchema>;
