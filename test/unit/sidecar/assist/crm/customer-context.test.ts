import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ProviderError } from '../../../../../sidecar/core/errors.js';
import { createLogger } from '../../../../../sidecar/core/logger.js';
import { CallContextCache } from '../../../../../sidecar/assist/crm/call-context-cache.js';
import { CsvJsonContext } from '../../../../../sidecar/assist/crm/csv-json-context.js';
import { HubSpotContext } from '../../../../../sidecar/assist/crm/hubspot-context.js';
import { aorUser, callerKey, toE164 } from '../../../../../sidecar/assist/crm/phone-key.js';
import type { CustomerContext } from '../../../../../sidecar/assist/ports.js';
import { startHubSpotServer, type HubSpotServer } from '../../../../servers/hubspot-server.js';

const fixture = (f: string) => fileURLToPath(new URL(`../../../../fixtures/crm/${f}`, import.meta.url));
const TOKEN = 'pat-eu1-test-token-0000';

describe('phone keys', () => {
  it('normalises numbers and AoRs to E.164 and leaves extensions alone', () => {
    expect(toE164('+45 20 12 34 56')).toBe('+4520123456');
    expect(toE164('20123456', 'DK')).toBe('+4520123456');
    expect(toE164('0049 40 1234567')).toBe('+49401234567');
    expect(toE164('2001', 'DK')).toBeUndefined();
    expect(aorUser('<sip:+4520123456@pbx.example;user=phone>')).toBe('+4520123456');
    expect(aorUser('tel:+49-40-1234567')).toBe('+49-40-1234567');
    expect(callerKey({ aor: 'sip:20123456@10.0.0.1' }, 'DK')).toEqual({ phone: '+4520123456', aor: 'sip:20123456@10.0.0.1' });
  });
});

describe('CsvJsonContext', () => {
  it('finds a contact in a semicolon CSV by any spelling of the number, with fields for calculators', async () => {
    const crm = await CsvJsonContext.load({ file: fixture('customers.csv'), defaultCountry: 'DK' });
    const expected = { contactName: 'Mette Lund', company: 'Fjordhotel A/S', employees: 260, industry: 'hospitality', currentVendor: 'Excel', fields: { hourlyCostDkk: 310 }, source: 'file' };
    expect(await crm.lookup({ phone: '20123456' })).toEqual(expected);
    expect(await crm.lookup({ aor: 'sip:+4520123456@sbc.example' })).toEqual(expected);
    expect((await crm.lookup({ phone: '+49 171 5550101' }))?.company).toBe('Hansa Kontraktlogistik GmbH');
    expect((await crm.lookup({ phone: '+49401234567' }))?.currentVendor).toBe('ZeitKontor');
    expect((await crm.lookup({ aor: 'SIP:lager@kunde.example' }))?.company).toBe('Lagerhus ApS');
    expect(await crm.lookup({ phone: '+4599999999' })).toBeUndefined();
    expect(crm.skipped).toEqual(['row 4: no usable phone number or AoR']);
  });

  it('reads JSON arrays', async () => {
    const crm = await CsvJsonContext.load({ file: fixture('customers.json'), defaultCountry: 'DK' });
    expect(await crm.lookup({ phone: '33123456' })).toEqual({
      contactName: 'Anne Holm', company: 'Rengøring Nord A/S', employees: 280, industry: 'facility services',
      currentVendor: 'Vagtbasen', fields: { hourlyCostDkk: 285 }, source: 'file',
    });
    expect(crm.skipped).toEqual(['row 2: no usable phone number or AoR']);
  });

  it('rejects a missing file with a ProviderError', async () => {
    await expect(CsvJsonContext.load({ file: fixture('nope.csv') })).rejects.toMatchObject({ provider: 'file', category: 'invalid_request' });
  });
});

describe('HubSpotContext (official client against a local CRM v3 server)', () => {
  let hub: HubSpotServer;
  beforeAll(async () => {
    hub = await startHubSpotServer({
      token: TOKEN,
      contacts: [
        { id: '101', properties: { firstname: 'Mette', lastname: 'Lund', phone: '+45 20 12 34 56', hs_searchable_calculated_phone_number: '20123456', associatedcompanyid: '9001', hourly_cost_dkk: '310' } },
        { id: '102', properties: { firstname: 'Solo', lastname: 'Trader', company: 'Solo ApS', mobilephone: '+4540404040' } },
      ],
      companies: [{ id: '9001', properties: { name: 'Fjordhotel A/S', numberofemployees: '260', industry: 'HOSPITALITY', current_vendor: 'Excel' } }],
    });
  });
  afterAll(async () => hub.close());

  const client = (over: Partial<ConstructorParameters<typeof HubSpotContext>[0]> = {}) =>
    new HubSpotContext({ accessToken: TOKEN, basePath: hub.url, defaultCountry: 'DK', currentVendorProperty: 'current_vendor', extraProperties: ['hourly_cost_dkk'], ...over });

  it('searches the contact by phone, then reads its company', async () => {
    const before = hub.requests.length;
    expect(await client().lookup({ aor: 'sip:+4520123456@sbc.example' })).toEqual({
      contactName: 'Mette Lund', company: 'Fjordhotel A/S', employees: 260, industry: 'HOSPITALITY', currentVendor: 'Excel',
      fields: { hourly_cost_dkk: 310 }, source: 'hubspot',
    });
    const [search, company] = hub.requests.slice(before);
    expect(search.method).toBe('POST');
    expect(search.path).toBe('/crm/v3/objects/contacts/search');
    expect(search.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((search.body as { filterGroups: unknown[] }).filterGroups).toEqual([
      { filters: [{ propertyName: 'phone', operator: 'EQ', value: '+4520123456' }] },
      { filters: [{ propertyName: 'mobilephone', operator: 'EQ', value: '+4520123456' }] },
      { filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: '20123456' }] },
      { filters: [{ propertyName: 'hs_searchable_calculated_mobile_number', operator: 'EQ', value: '20123456' }] },
    ]);
    expect(company.path).toBe('/crm/v3/objects/companies/9001');
  });

  it('uses the contact company field when no company is associated, and answers undefined for unknown numbers', async () => {
    expect(await client().lookup({ phone: '40404040' })).toEqual({ contactName: 'Solo Trader', company: 'Solo ApS', fields: {}, source: 'hubspot' });
    expect(await client().lookup({ phone: '+4511111111' })).toBeUndefined();
    expect(await client().lookup({ aor: 'sip:2001@pbx' })).toBeUndefined();
  });

  it('maps a refused token, a server failure, a slow server and a dead server to ProviderErrors', async () => {
    await expect(client({ accessToken: 'wrong' }).lookup({ phone: '20123456' })).rejects.toMatchObject({ category: 'authentication', status: 401, retryable: false });
    hub.fault = { status: 503 };
    await expect(client().lookup({ phone: '20123456' })).rejects.toMatchObject({ category: 'server', status: 503 });
    hub.fault = undefined;
    hub.delayMs = 500;
    await expect(client({ timeoutMs: 100 }).lookup({ phone: '20123456' })).rejects.toMatchObject({ category: 'timeout' });
    hub.delayMs = 0;
    const dead = await startHubSpotServer({ token: TOKEN });
    const url = dead.url;
    await dead.close();
    const err = await client({ basePath: url }).lookup({ phone: '20123456' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ provider: 'hubspot', category: 'connectivity' });
  });

  it('requires a token', () => {
    expect(() => new HubSpotContext({ accessToken: '' })).toThrow(TypeError);
  });
});

describe('CallContextCache', () => {
  it('looks a caller up once per call and caches the record', async () => {
    let calls = 0;
    const crm: CustomerContext = { name: 'fake', lookup: async () => { calls++; return { company: 'X', fields: {}, source: 'fake' }; } };
    const cache = new CallContextCache(crm);
    const a = await cache.lookup('call-1', { phone: '+4520123456' });
    const b = await cache.lookup('call-1', { phone: '+4520123456' });
    expect(a.status).toBe('found');
    expect(b).toBe(a);
    expect(calls).toBe(1);
    expect(await cache.record('call-1')).toEqual({ company: 'X', fields: {}, source: 'fake' });
    cache.release('call-1');
    expect(cache.size).toBe(0);
  });

  it('turns a CRM that is down into no context, reports it once and never logs the token or the number', async () => {
    const hub = await startHubSpotServer({ token: TOKEN });
    hub.fault = { status: 500 };
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) });
    const degraded: unknown[] = [];
    const cache = new CallContextCache(new HubSpotContext({ accessToken: TOKEN, basePath: hub.url }), { logger, onDegraded: (e) => degraded.push(e) });
    const r = await cache.lookup('call-9', { phone: '+4520123456' });
    await hub.close();
    expect(r.status).toBe('unavailable');
    expect(r.category).toBe('server');
    expect(r.record).toBeUndefined();
    expect(degraded).toEqual([{ callId: 'call-9', component: 'crm', category: 'server', retrying: false }]);
    expect(lines).toHaveLength(1);
    expect(lines.join('')).not.toContain(TOKEN);
    expect(lines.join('')).not.toContain('20123456');
  });

  it('answers no-key without a CRM or without a caller key, and times out a hanging adapter', async () => {
    expect((await new CallContextCache(undefined).lookup('c', { phone: '+4520123456' })).status).toBe('no-key');
    const hanging: CustomerContext = { name: 'hang', lookup: () => new Promise(() => {}) };
    expect((await new CallContextCache(hanging).lookup('c', {})).status).toBe('no-key');
    const r = await new CallContextCache(hanging, { timeoutMs: 50 }).lookup('c', { phone: '+4520123456' });
    expect(r).toMatchObject({ status: 'unavailable', category: 'timeout' });
  });
});
