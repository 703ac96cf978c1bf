import { describe, expect, it } from 'vitest';
import { roleRulesSchema } from '../../../../sidecar/config/schema.js';
import { assignRoles, sameParty, splitAor } from '../../../../sidecar/sip/role-rules.js';

const rules = (r: Record<string, unknown> = {}) => roleRulesSchema.parse(r);
const roles = (m: Map<string, { role: string; roleSource: string }>) => Object.fromEntries([...m].map(([k, v]) => [k, `${v.role}/${v.roleSource}`]));

describe('splitAor', () => {
  it('splits AoRs with and without scheme, with parameters and bare numbers', () => {
    expect(splitAor('sip:7711@10.155.7.148;user=phone')).toEqual({ user: '7711', host: '10.155.7.148' });
    expect(splitAor('+12125550160@Example.com')).toEqual({ user: '+12125550160', host: 'example.com' });
    expect(splitAor('2125550111')).toEqual({ user: '2125550111', host: '' });
    expect(splitAor('tel:+4520123456')).toEqual({ user: '+4520123456', host: '' });
    expect(splitAor('<sips:bob@biloxy.com:5061>')).toEqual({ user: 'bob', host: 'biloxy.com' });
  });
});

describe('sameParty', () => {
  it('matches numbers across country prefixes and schemes but not short extensions by suffix', () => {
    expect(sameParty('+12125550110', '2125550110')).toBe(true);
    expect(sameParty('kculs9klre@44936045.int10.bcld.example.com', 'sip:kculs9klre@44936045.int10.bcld.example.com')).toBe(true);
    expect(sameParty('110', '2125550110')).toBe(false);
    expect(sameParty('sip:alice@a.com', 'sip:alice@b.com')).toBe(false);
  });
});

describe('assignRoles', () => {
  it('applies customer patterns before internal domains and extension patterns', () => {
    const r = assignRoles([
      { id: 'a', aor: 'sip:+4520123456@pbx.example.com', sends: true },
      { id: 'b', aor: 'sip:301@pbx.example.com', sends: true },
    ], rules({ internalDomains: ['example.com'], customerPatterns: ['^\\+45'] }));
    expect(roles(r)).toEqual({ a: 'customer/customerPattern', b: 'agent/internalDomain' });
  });

  it('matches internal domains by suffix only at a label boundary', () => {
    const r = assignRoles([
      { id: 'a', aor: 'sip:x@notexample.com', sends: true },
      { id: 'b', aor: 'sip:y@pbx.example.com', sends: true },
    ], rules({ internalDomains: ['example.com'], agentExtensionPatterns: [] }));
    expect(roles(r)).toEqual({ a: 'customer/complement', b: 'agent/internalDomain' });
  });

  it('makes the vendor-named recorded party the agent', () => {
    const r = assignRoles([
      { id: 'a', aor: '2125550111', sends: true },
      { id: 'b', aor: '2125550110', sends: true },
    ], rules(), ['+12125550110']);
    expect(roles(r)).toEqual({ a: 'customer/complement', b: 'agent/recordedParty' });
  });

  it('uses the calling-party flag: the caller is the customer', () => {
    const r = assignRoles([
      { id: 'a', aor: 'sip:alice@x.com', sends: true, callingParty: false },
      { id: 'b', aor: 'sip:bob@y.com', sends: true, callingParty: true },
    ], rules());
    expect(roles(r)).toEqual({ a: 'agent/callingParty', b: 'customer/callingParty' });
  });

  it('lets the calling party decide when every sender is an agent only by the extension pattern', () => {
    const flagged = assignRoles([
      { id: 'a', aor: 'sip:9000@192.168.50.102', sends: true, callingParty: true },
      { id: 'b', aor: 'sip:1002@192.168.50.10', sends: true, callingParty: false },
    ], rules());
    expect(roles(flagged)).toEqual({ a: 'customer/callingParty', b: 'agent/callingParty' });
    const byNumber = assignRoles([
      { id: 'a', aor: 'sip:7300@pbx.example.com', sends: true },
      { id: 'b', aor: 'sip:7711@pbx.example.com', sends: true },
    ], rules(), [], ['sip:7711@10.155.7.148;user=phone']);
    expect(roles(byNumber)).toEqual({ a: 'agent/callingParty', b: 'customer/callingParty' });
    const noHint = assignRoles([
      { id: 'a', aor: 'sip:7301@198.51.100.41', sends: true },
      { id: 'b', aor: 'sip:7300@198.51.100.41', sends: true },
    ], rules());
    expect(roles(noHint)).toEqual({ a: 'agent/extensionPattern', b: 'agent/extensionPattern' });
  });

  it('keeps explicit agent rules and fallback unknown above the calling party', () => {
    const domain = assignRoles([
      { id: 'a', aor: 'sip:9000@corp.example.com', sends: true, callingParty: true },
      { id: 'b', aor: 'sip:1002@10.0.0.1', sends: true, callingParty: false },
    ], rules({ internalDomains: ['corp.example.com'] }));
    expect(roles(domain)).toEqual({ a: 'agent/internalDomain', b: 'agent/extensionPattern' });
    const unknown = assignRoles([
      { id: 'a', aor: 'sip:9000@192.168.50.102', sends: true, callingParty: true },
      { id: 'b', aor: 'sip:1002@192.168.50.10', sends: true, callingParty: false },
    ], rules({ fallback: 'unknown' }));
    expect(roles(unknown)).toEqual({ a: 'agent/extensionPattern', b: 'agent/extensionPattern' });
  });

  it('falls back to order (first customer, second agent, more unknown) when nothing matches', () => {
    const r = assignRoles([
      { id: 'a', aor: 'sip:alice@x.com', sends: true },
      { id: 'b', aor: 'sip:bob@y.com', sends: true },
      { id: 'c', aor: 'sip:carol@z.com', sends: true },
    ], rules());
    expect(roles(r)).toEqual({ a: 'customer/order', b: 'agent/order', c: 'unknown/fallback' });
  });

  it('leaves everyone unmatched unknown with fallback unknown', () => {
    const r = assignRoles([{ id: 'a', aor: 'sip:alice@x.com', sends: true }, { id: 'b', aor: 'sip:22@y.com', sends: true }], rules({ fallback: 'unknown' }));
    expect(roles(r)).toEqual({ a: 'unknown/fallback', b: 'agent/extensionPattern' });
  });

  it('keeps a participant that sends nothing out of the fallback while others send', () => {
    const r = assignRoles([
      { id: 'real', aor: 'sip:12125550101@10.64.110.65', sends: true },
      { id: 'dummy', aor: 'sip:ASBCE@asbce.com', sends: false },
    ], rules());
    expect(roles(r)).toEqual({ real: 'customer/order', dummy: 'unknown/noStream' });
  });

  it('ignores an invalid pattern instead of throwing', () => {
    const r = assignRoles([{ id: 'a', aor: 'sip:1@x', sends: true }], rules({ agentExtensionPatterns: ['(['] }));
    expect(roles(r)).toEqual({ a: 'customer/order' });
  });
});
