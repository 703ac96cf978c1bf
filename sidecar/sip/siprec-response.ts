/**
 * Building blocks of SIPREC final responses: the Warning header (RFC 3261 §20.43), error → response
 * mapping, and the source-address ACL (`sip.allowedSources`). Pure.
 */
import { BlockList, isIP } from 'node:net';
import { SiprecError } from '../core/errors.js';
import type { SiprecResponse } from './siprec-types.js';

/** Methods a recording session answers (RFC 3261 §20.5 Allow). */
export const ALLOWED_METHODS = 'INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO';
/** Body types we read (RFC 3261 §20.1 Accept), sent with 415. */
export const ACCEPTED_BODIES = 'application/sdp, application/rs-metadata+xml, application/rs-metadata, multipart/mixed';

/**
 * `399 <host> "<text>"` (RFC 3261 §20.43, warn-code 399 "miscellaneous warning"). The text is made a
 * valid quoted-string: quotes and backslashes replaced, line breaks removed, at most 240 characters.
 */
export function warningHeader(host: string, text: string): string {
  const clean = text.replace(/[\r\n]+\s*/g, ' ').replace(/["\\]/g, "'").slice(0, 240);
  return `399 ${host} "${clean}"`;
}

/** A final response from any error: SiprecError keeps its status; anything else is a 500. */
export function errorResponse(err: unknown, warnAgent: string, retryAfterS: number): { response: SiprecResponse; code: string; message: string } {
  if (err instanceof SiprecError) {
    const headers: Record<string, string> = { Warning: warningHeader(warnAgent, err.message) };
    if (err.sipStatus === 415) headers.Accept = ACCEPTED_BODIES;
    if (err.sipStatus === 503) headers['Retry-After'] = String(retryAfterS);
    if (err.sipStatus === 405) headers.Allow = ALLOWED_METHODS;
    return { response: { status: err.sipStatus, reason: err.sipReason, headers }, code: err.code, message: err.message };
  }
  const message = `internal error: ${(err as Error)?.message ?? String(err)}`;
  return {
    response: { status: 500, reason: 'Server Internal Error', headers: { Warning: warningHeader(warnAgent, message) } },
    code: 'SIPREC_INTERNAL',
    message,
  };
}

/**
 * True when `address` is inside one of `allowed` (addresses or CIDR networks, IPv4 or IPv6;
 * IPv4-mapped IPv6 addresses match IPv4 entries). Entries that are not addresses never match.
 */
export function isSourceAllowed(address: string | undefined, allowed: readonly string[]): boolean {
  if (!address) return false;
  const addr = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(addr);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const [net, prefixText] = entry.trim().split('/');
    const f = isIP(net);
    if (f === 0) continue;
    const type = f === 4 ? 'ipv4' : 'ipv6';
    const prefix = prefixText === undefined ? (f === 4 ? 32 : 128) : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (f === 4 ? 32 : 128)) continue;
    list.addSubnet(net, prefix, type);
  }
  return list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}
