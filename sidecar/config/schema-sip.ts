import { isIP } from 'node:net';
import { z } from 'zod';
import { portNumber } from './schema-port-number.js';

/** An IPv4/IPv6 address or a CIDR network, e.g. `192.0.2.10`, `198.51.100.0/24`, `2001:db8::/32`. */
const addressOrNetwork = z.string().min(1).refine(isAddressOrNetwork, {
  message: 'expected an IP address or a CIDR network such as 198.51.100.0/24 (host names are not allowed: SIP sources are matched by address)',
});

/** True for `a.b.c.d`, an IPv6 address, or either followed by `/prefix` within the family's bit length. */
export function isAddressOrNetwork(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Rules that decide whether a participant is the agent or the customer. */
export const roleRulesSchema = z.object({
  /** Domains (host part of the AoR) that belong to the company: participants there are agents. */
  internalDomains: z.array(z.string().min(1)).default([]),
  /**
   * Regular expressions matched against the AoR's user part (extension or number); a match makes the
   * participant an agent. Default: 2–6 digit internal extensions.
   */
  agentExtensionPatterns: z.array(z.string().min(1)).default(['^\\d{2,6}$']),
  /** Regular expressions that force a participant to be the customer (e.g. E.164 numbers). */
  customerPatterns: z.array(z.string().min(1)).default([]),
  /**
   * When no rule matches: `direction` uses the recorded call's direction where the metadata gives one,
   * otherwise the first participant is the customer and the second the agent (SRCs list the caller
   * first, and inbound sales calls are the common case); `unknown` leaves the role unknown.
   */
  fallback: z.enum(['direction', 'unknown']).default('direction'),
}).strict().prefault({});

/** SIPREC recording server (RFC 7866) settings. */
export const sipSchema = z.object({
  /**
   * Recording clients allowed to open sessions: addresses or CIDR networks. An INVITE from any other
   * source gets 403. Empty means loopback only.
   */
  allowedSources: z.array(addressOrNetwork).default(['127.0.0.0/8', '::1/128']),
  /** Most recording sessions at once; the next INVITE gets 503 with Retry-After. */
  maxCalls: z.number().int().min(1).default(200),
  /** Address written into the answer's c= line; the address SRCs send RTP to. */
  mediaAddress: z.string().min(1).default('127.0.0.1'),
  /** Local address the RTP sockets bind to. */
  rtpBindAddress: z.string().min(1).default('0.0.0.0'),
  /** RTP port range (inclusive). Each stream takes one even port; RTCP is not used. */
  rtpPortMin: portNumber.default(40000),
  rtpPortMax: portNumber.default(40999),
  /** Codecs we accept, in order of preference (payload names, RFC 3551). */
  codecs: z.array(z.enum(['PCMU', 'PCMA'])).min(1).default(['PCMU', 'PCMA']),
  /** Largest rs-metadata body part in bytes (RFC 7865 metadata is a few KB); larger gets 413. Default 262144. */
  maxMetadataBytes: z.number().int().min(4096).max(1_048_576).default(262_144),
  /** Role rules (agent/customer). */
  roles: roleRulesSchema,
}).strict().prefault({}).refine((s) => s.rtpPortMin < s.rtpPortMax, {
  message: 'rtpPortMin must be below rtpPortMax',
  path: ['rtpPortMin'],
});

export type RoleRulesConfig = z.infer<typeof roleRulesSchema>;
export type SipConfig = z.infer<typeof sipSchema>;
