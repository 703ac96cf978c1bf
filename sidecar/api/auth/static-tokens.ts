/**
 * Static tokens from configuration (small sites). The token values come from the environment only:
 * an entry names its variable (`tokenEnv`) or, through `MODSVAR_API__TOKENS`, carries the value.
 * Tokens are kept as SHA-256 digests and compared in constant time; values are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiTokenConfig } from '../../config/schema.js';
import type { Principal, TokenVerifier } from './principal.js';

/** Shortest accepted token, in characters. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Builds the verifier. An entry whose environment variable is unset or shorter than
 * {@link MIN_TOKEN_LENGTH} is skipped with one warning naming the variable (never its value).
 */
export function staticTokenVerifier(
  entries: readonly ApiTokenConfig[],
  env: NodeJS.ProcessEnv = process.env,
  logger?: Logger,
): TokenVerifier & { readonly size: number } {
  const known: { hash: Buffer; principal: Principal }[] = [];
  entries.forEach((entry, i) => {
    const value = entry.tokenEnv ? env[entry.tokenEnv] : entry.token;
    const label = entry.tokenEnv ?? `api.tokens[${i}]`;
    if (!value || value.length < MIN_TOKEN_LENGTH) {
      logger?.warn({ tokenEnv: label }, `api token ${label} is unset or shorter than ${MIN_TOKEN_LENGTH} characters; entry ignored`);
      return;
    }
    const name = entry.name ?? (entry.tokenEnv ? `${entry.role} (${entry.tokenEnv})` : `${entry.role} #${i + 1}`);
    known.push({
      hash: digest(value),
      principal: { subject: `token:${entry.tokenEnv ?? i}`, name, role: entry.role, aors: entry.role === 'agent' ? [...entry.aors] : [] },
    });
  });
  return {
    size: known.length,
    async verify(token: string): Promise<Principal | undefined> {
      const h = digest(token);
      let found: Principal | undefined;
      // Compare with every entry so the time taken does not depend on which one matches.
      for (const k of known) if (timingSafeEqual(k.hash, h) && !found) found = k.principal;
      return found ? { ...found, aors: [...found.aors] } : undefined;
    },
  };
}
