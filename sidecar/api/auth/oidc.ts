/**
 * OIDC/JWT bearer verification (RFC 7519 tokens, RFC 7517 JWKS) for sites with an identity provider:
 * signatures checked with fast-jwt (https://github.com/nearform/fast-jwt), keys fetched and cached by
 * get-jwks (https://github.com/nearform/get-jwks) from the issuer's JWKS. `iss`, `aud`, `exp`/`nbf`
 * (with clock tolerance) and the algorithm allow-list are enforced; the role and AoRs come from claims.
 */
import { createVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { apiOidcSchema } from '../../config/schema.js';
import type { ApiRole, Principal, TokenVerifier } from './principal.js';

export type OidcConfig = z.infer<typeof apiOidcSchema>;

const ROLES: readonly ApiRole[] = ['supervisor', 'agent', 'monitor'];

/** Reads a dotted claim path (`realm_access.roles`). */
function claim(payload: Record<string, unknown>, path: string): unknown {
  let node: unknown = payload;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A role claim may be one string or a list (e.g. Keycloak realm roles): the strongest listed role wins. */
export function roleFromClaim(value: unknown): ApiRole | undefined {
  const list = Array.isArray(value) ? value : [value];
  return ROLES.find((r) => list.includes(r));
}

function stringsFromClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return [];
}

/**
 * Builds the verifier. An invalid, expired or foreign token, an unknown `kid`, or an unreachable JWKS
 * resolves undefined (the caller answers 401); the reason is logged at debug level without the token.
 */
export function oidcVerifier(config: OidcConfig, logger?: Logger): TokenVerifier {
  const jwksUrl = new URL(config.jwksUrl ?? `${config.issuer.replace(/\/$/, '')}/.well-known/jwks.json`);
  const getJwks = buildGetJwks({ jwksPath: jwksUrl.pathname + jwksUrl.search, ttl: 10 * 60_000 });
  const verify = createVerifier({
    key: async (decoded: { header: { kid?: string; alg?: string } }) =>
      getJwks.getPublicKey({ domain: jwksUrl.origin, kid: decoded.header.kid, alg: decoded.header.alg }),
    algorithms: config.algorithms as never,
    allowedIss: config.issuer,
    allowedAud: config.audience,
    clockTolerance: config.clockToleranceMs,
    requiredClaims: ['exp', 'sub'],
    cache: 1000,
  }) as unknown as (token: string) => Promise<Record<string, unknown>>;

  return {
    async verify(token: string): Promise<Principal | undefined> {
      let payload: Record<string, unknown>;
      try {
        payload = await verify(token);
      } catch (err) {
        logger?.debug({ code: (err as { code?: string }).code }, 'bearer token rejected');
        return undefined;
      }
      const role = roleFromClaim(claim(payload, config.roleClaim));
      if (!role) {
        logger?.debug({ sub: payload.sub }, `token has no usable ${config.roleClaim} claim`);
        return undefined;
      }
      const name = claim(payload, config.nameClaim);
      return {
        subject: `oidc:${String(payload.sub)}`,
        name: typeof name === 'string' && name ? name : String(payload.sub),
        role,
        aors: role === 'agent' ? stringsFromClaim(claim(payload, config.aorClaim)) : [],
        expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
      };
    },
  };
}
