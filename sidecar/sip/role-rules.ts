/**
 * Decides which participant of a recorded call is the agent and which the customer, from the configured
 * rules (`sip.roles`, see config/schema.ts). Pure. Rules are tried in this order for each participant:
 *
 * 1. `customerPatterns` (regex on the AoR user part or the whole AoR) → customer (`customerPattern`)
 * 2. `internalDomains` (AoR host equals a domain or is below it) → agent (`internalDomain`)
 * 3. vendor "recorded party" data (Metaswitch `recordedParty`, BroadWorks `userID`): the PBX's own
 *    subscriber → agent (`recordedParty`)
 * 4. `agentExtensionPatterns` (regex on the user part) → agent (`extensionPattern`)
 * 5. vendor calling-party flag (Acme `apkt:callingParty`): with `fallback: direction` the caller is the
 *    customer (inbound sales line) → `callingParty`
 * 6. fallback `direction`: among participants that send a stream (all, when no stream is associated),
 *    if one side is known the others take the other role (`complement`); if none is known the first is
 *    the customer and the second the agent (`order`; SRCs list the caller first, inbound is the common
 *    case); more are `unknown`. Fallback `unknown` leaves them unknown.
 *
 * A participant that sends no stream while others do (Avaya's dummy `ASBCE@…`) is `unknown` with
 * source `noStream` unless a rule above names it.
 *
 * When every sender is an agent only by rule 4 (both ends look like internal extensions, e.g. Cisco CUBE
 * 7300/7301 or Acme 9000/1002, so no stream would carry the customer), fallback `direction` lets the vendor
 * calling party decide: exactly one sender flagged as the caller (Acme `apkt:callingParty`) or named by a
 * vendor calling-party number (Metaswitch/BroadWorks `callingPartyNumber`) becomes the customer, the
 * others with a flag or a number the agent (`callingParty`). Without such data they all stay agents.
 */
import type { RoleRulesConfig } from '../config/schema.js';
import type { Role } from './siprec-types.js';

/** What the rules look at for one participant. */
export interface RoleCandidate {
  id: string;
  /** AoR as sent: `sip:user@host`, `tel:+45…`, or without scheme (`+4520…@host`, `2125550111`). */
  aor: string;
  /** True when the participant sends at least one stream. */
  sends: boolean;
  /** Vendor flag: this participant placed the call. */
  callingParty?: boolean;
}

/** The decided role and the rule that decided it. */
export interface RoleDecision {
  role: Role;
  /** `customerPattern`, `internalDomain`, `recordedParty`, `extensionPattern`, `callingParty`, `complement`, `order`, `noStream`, `fallback`. */
  roleSource: string;
}

/** User part and host of an AoR; the scheme and URI parameters are dropped. */
export function splitAor(aor: string): { user: string; host: string } {
  let s = aor.trim().replace(/^<|>$/g, '');
  s = s.replace(/^(sips?|tel):/i, '');
  const at = s.lastIndexOf('@');
  const userPart = at >= 0 ? s.slice(0, at) : s;
  const hostPart = at >= 0 ? s.slice(at + 1) : '';
  const user = userPart.split(';')[0];
  const host = hostPart.split(/[;:?>]/)[0].toLowerCase();
  if (at < 0 && /[a-z]/i.test(user) && user.includes('.')) return { user: '', host: user.toLowerCase() };
  return { user, host };
}

/** Digits of a phone-number-like user part, or undefined when it holds letters. */
function digitsOf(user: string): string | undefined {
  if (!/^\+?[\d\-.() ]+$/.test(user)) return undefined;
  return user.replace(/\D/g, '');
}

/** True when two AoRs or numbers name the same party (same user@host, or same number ignoring country prefix). */
export function sameParty(a: string, b: string): boolean {
  const x = splitAor(a);
  const y = splitAor(b);
  if (x.user && y.user && x.user.toLowerCase() === y.user.toLowerCase() && (!x.host || !y.host || x.host === y.host)) return true;
  const dx = digitsOf(x.user);
  const dy = digitsOf(y.user);
  if (!dx || !dy) return false;
  const [short, long] = dx.length <= dy.length ? [dx, dy] : [dy, dx];
  return short.length >= 7 && long.endsWith(short);
}

function compile(patterns: readonly string[]): RegExp[] {
  const out: RegExp[] = [];
  for (const p of patterns) {
    try {
      out.push(new RegExp(p, 'i'));
    } catch {
      // An invalid pattern is rejected by config validation; here it simply never matches.
    }
  }
  return out;
}

/**
 * Assigns a role to every candidate.
 *
 * @param candidates participants in metadata order (SRCs list the caller first)
 * @param rules the `sip.roles` config
 * @param recordedParties vendor-named PBX subscribers (AoRs or numbers), see rule 3
 * @param callingParties vendor-named callers (AoRs or numbers), used only when every sender is an agent by rule 4
 * @returns one decision per candidate id
 */
export function assignRoles(
  candidates: readonly RoleCandidate[],
  rules: RoleRulesConfig,
  recordedParties: readonly string[] = [],
  callingParties: readonly string[] = [],
): Map<string, RoleDecision> {
  const customer = compile(rules.customerPatterns);
  const agentExt = compile(rules.agentExtensionPatterns);
  const domains = rules.internalDomains.map((d) => d.toLowerCase().replace(/^\./, ''));
  const out = new Map<string, RoleDecision>();
  const anySends = candidates.some((c) => c.sends);

  for (const c of candidates) {
    const { user, host } = splitAor(c.aor);
    const whole = c.aor.trim();
    if (whole && customer.some((r) => r.test(user) || r.test(whole))) out.set(c.id, { role: 'customer', roleSource: 'customerPattern' });
    else if (host && domains.some((d) => host === d || host.endsWith('.' + d))) out.set(c.id, { role: 'agent', roleSource: 'internalDomain' });
    else if (whole && recordedParties.some((r) => sameParty(r, whole))) out.set(c.id, { role: 'agent', roleSource: 'recordedParty' });
    else if (user && agentExt.some((r) => r.test(user))) out.set(c.id, { role: 'agent', roleSource: 'extensionPattern' });
  }

  if (rules.fallback === 'direction') callerAmongExtensions(candidates.filter((c) => c.sends || !anySends), out, callingParties);

  const pool = candidates.filter((c) => !out.has(c.id) && (c.sends || !anySends));
  for (const c of candidates) {
    if (!out.has(c.id) && !pool.includes(c)) out.set(c.id, { role: 'unknown', roleSource: 'noStream' });
  }
  if (rules.fallback === 'unknown') {
    for (const c of pool) out.set(c.id, { role: 'unknown', roleSource: 'fallback' });
    return out;
  }
  for (const c of pool) {
    if (c.callingParty !== undefined) out.set(c.id, { role: c.callingParty ? 'customer' : 'agent', roleSource: 'callingParty' });
  }
  const open = pool.filter((c) => !out.has(c.id));
  const known = candidates.map((c) => out.get(c.id)?.role).filter((r): r is Role => r === 'agent' || r === 'customer');
  const hasAgent = known.includes('agent');
  const hasCustomer = known.includes('customer');
  if (hasAgent !== hasCustomer) {
    const other: Role = hasAgent ? 'customer' : 'agent';
    for (const c of open) out.set(c.id, { role: other, roleSource: 'complement' });
  } else if (!hasAgent && !hasCustomer) {
    open.forEach((c, i) => out.set(c.id, i === 0 ? { role: 'customer', roleSource: 'order' }
      : i === 1 ? { role: 'agent', roleSource: 'order' } : { role: 'unknown', roleSource: 'fallback' }));
  } else {
    for (const c of open) out.set(c.id, { role: 'unknown', roleSource: 'fallback' });
  }
  return out;
}

/** The all-extensions case (see the file comment): the one caller is the customer. Mutates `out`. */
function callerAmongExtensions(senders: readonly RoleCandidate[], out: Map<string, RoleDecision>, callingParties: readonly string[]): void {
  if (senders.length < 2 || !senders.every((c) => out.get(c.id)?.roleSource === 'extensionPattern')) return;
  const callerOf = (c: RoleCandidate): boolean | undefined => {
    if (c.callingParty !== undefined) return c.callingParty;
    if (callingParties.length === 0 || c.aor.trim() === '') return undefined;
    const user = splitAor(c.aor).user.toLowerCase();
    return callingParties.some((n) => sameParty(n, c.aor) || (user !== '' && splitAor(n).user.toLowerCase() === user));
  };
  if (senders.filter((c) => callerOf(c) === true).length !== 1) return;
  for (const c of senders) {
    const caller = callerOf(c);
    if (caller !== undefined) out.set(c.id, { role: caller ? 'customer' : 'agent', roleSource: 'callingParty' });
  }
}
