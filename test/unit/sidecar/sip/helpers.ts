import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseSdp } from 'sdp-transform';
import { configSchema, type SipConfig } from '../../../../sidecar/config/schema.js';
import { parseSipMessage } from '../../../../sidecar/sip/sip-message.js';
import type { SiprecContext } from '../../../../sidecar/sip/siprec-request.js';
import type { SipRequestLike } from '../../../../sidecar/sip/siprec-types.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/siprec/', import.meta.url));

/** A fixture file parsed as the server would see it, from 127.0.0.1 (allowed by default). */
export function fixture(name: string): SipRequestLike {
  return { ...parseSipMessage(readFileSync(FIXTURES + name, 'utf8')).request, sourceAddress: '127.0.0.1' };
}

export function sipConfig(overrides: Record<string, unknown> = {}): SipConfig {
  return configSchema.parse({ sip: overrides }).sip;
}

/** A context that hands out 40000, 40002, … in order. */
export function context(overrides: Partial<SiprecContext> = {}, sip: SipConfig = sipConfig()): SiprecContext {
  let next = 40000;
  return {
    sip,
    activeCalls: 0,
    warnAgent: 'srs.example.com',
    leasePorts: (count: number) => Array.from({ length: count }, () => { const p = next; next += 2; return p; }),
    ...overrides,
  };
}

/** The answer's m= lines as [type, port, payloads, direction, label]. */
export function mLines(sdp: string | undefined): [string, number, string, string | undefined, string | undefined][] {
  const parsed = parseSdp(sdp ?? '');
  return parsed.media.map((m) => [m.type, m.port, String(m.payloads), m.direction, (m as { label?: unknown }).label === undefined ? undefined : String((m as { label?: unknown }).label)]);
}

/** A request built from parts, for bad-input tests. */
export function request(method: string, headers: Record<string, string>, body: string): SipRequestLike {
  return {
    method,
    uri: 'sip:srs@198.51.100.20',
    headers: { 'call-id': 'test-call@example.com', from: '<sip:src@example.com>;tag=a', to: '<sip:srs@example.com>', ...headers },
    body,
    sourceAddress: '127.0.0.1',
  };
}
