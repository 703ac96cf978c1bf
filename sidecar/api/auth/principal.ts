/**
 * Who is calling the API, and what they may see. Agents are bound to AoRs/extensions and see only the
 * calls one of those takes part in; supervisors see every call, read-only; monitors (Prometheus, probes)
 * see only /metrics, /healthz and /readyz; ingest clients (`modsvar replay`) only feed calls in.
 */
import type { CallParticipant } from '../../calls/call-events.js';

/** `ingest`: feeds calls in (`/api/ingress/ws`, `modsvar replay`) and sees only the calls it feeds. */
export type ApiRole = 'agent' | 'supervisor' | 'monitor' | 'ingest';

/** An authenticated caller. */
export interface Principal {
  /** Stable subject for audit and feedback (`token:<name>` or the JWT `sub`). */
  subject: string;
  /** Display name. */
  name: string;
  role: ApiRole;
  /** For agents: AoRs/extensions; empty for other roles. */
  aors: string[];
  /** Epoch ms after which the credential is no longer valid (JWT `exp`), when it has one. */
  expiresAtMs?: number;
}

/** Verifies a bearer token. Resolves the principal, or undefined when the token is not valid. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal | undefined>;
}

/**
 * Normalises an AoR for comparison: scheme (`sip:`, `sips:`, `tel:`), URI parameters and a display
 * wrapper (`"Ann" <sip:…>`) removed, lower case. `sip:1001@PBX.example.com;transport=tcp` → `1001@pbx.example.com`.
 */
export function normaliseAor(aor: string): string {
  let s = aor.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1];
  s = s.replace(/^(sips?|tel):/i, '').split(/[;?]/)[0];
  return s.toLowerCase();
}

/**
 * True when one of the agent's bound AoRs is a participant of the call. A bound entry with `@` must
 * match user and host; an entry without `@` (an extension or number) matches the user part.
 */
export function agentTakesPart(aors: readonly string[], participants: readonly CallParticipant[]): boolean {
  if (aors.length === 0) return false;
  const bound = aors.map(normaliseAor);
  return participants.some((p) => {
    const full = normaliseAor(p.aor);
    const user = full.split('@')[0];
    return bound.some((b) => (b.includes('@') ? b === full : b === user));
  });
}

/** True when the principal may read the call. */
export function canSeeCall(principal: Principal, participants: readonly CallParticipant[]): boolean {
  if (principal.role === 'supervisor') return true;
  if (principal.role === 'agent') return agentTakesPart(principal.aors, participants);
  return false;
}
