/**
 * CustomerContext from HubSpot, through the official client `@hubspot/api-client`
 * (https://github.com/HubSpot/hubspot-api-nodejs). Two calls per caller:
 * 1. `POST /crm/v3/objects/contacts/search` (https://developers.hubspot.com/docs/api/crm/search) with
 *    OR'ed filter groups: `phone` or `mobilephone` equal to the E.164 number, or HubSpot's
 *    `hs_searchable_calculated_phone_number` / `hs_searchable_calculated_mobile_number` (national digits)
 *    equal to the national number, since contacts hold numbers in any format;
 * 2. `GET /crm/v3/objects/companies/{id}` for the contact's primary company (`associatedcompanyid`).
 *
 * Quirks: the client retries only when told (`numberOfApiCallRetries`, left at 0: the call-level cache owns
 * degradation); it has no request timeout, so each lookup races a deadline; its ApiException message
 * embeds response headers and body, so errors are rebuilt from the status alone. The access token comes
 * from the environment and is never logged.
 */
import { Client } from '@hubspot/api-client';
import type { PublicObjectSearchRequest } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { ProviderError } from '../../core/errors.js';
import type { CustomerContext, CustomerContextRecord } from '../ports.js';
import { aorUser, nationalNumber, toE164 } from './phone-key.js';

/** Options for {@link HubSpotContext} (config `crm.hubspot`). */
export interface HubSpotContextOptions {
  /** Private-app access token (from the environment). */
  accessToken: string;
  /** API base URL; default `https://api.hubapi.com` (tests point it at a local server). */
  basePath?: string;
  /** Country for national numbers (ISO 3166 alpha-2). */
  defaultCountry?: string;
  /** Company property naming the customer's current vendor/tool, e.g. a custom `current_vendor`. */
  currentVendorProperty?: string;
  /** Further contact or company properties copied into `fields` (for calculators). */
  extraProperties?: string[];
  /** Deadline per lookup in ms. Default 1500. */
  timeoutMs?: number;
}

const PROVIDER = 'hubspot';
type Props = Record<string, string | null | undefined>;

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { code?: unknown; name?: string; message?: string };
  if (typeof e?.code === 'number') return ProviderError.fromHttpStatus(PROVIDER, e.code, `HubSpot answered HTTP ${e.code}`);
  return new ProviderError(PROVIDER, 'connectivity', `HubSpot unreachable (${typeof e?.code === 'string' ? e.code : e?.name ?? 'error'})`, { cause: err });
}

function num(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Looks callers up in HubSpot by phone number. */
export class HubSpotContext implements CustomerContext {
  readonly name = 'hubspot';
  readonly #client: Client;
  readonly #o: HubSpotContextOptions & { timeoutMs: number };

  constructor(options: HubSpotContextOptions) {
    if (!options.accessToken) throw new TypeError('HubSpotContext: an access token is required (set it in the environment)');
    this.#o = { timeoutMs: 1500, ...options };
    this.#client = new Client({
      accessToken: options.accessToken,
      numberOfApiCallRetries: 0,
      ...(options.basePath ? { basePath: options.basePath } : {}),
    });
  }

  /**
   * @returns the caller's record, or undefined when no contact has the number (or the key is no phone number).
   * @throws ProviderError when HubSpot is down (`connectivity`), refuses the token (`authentication`),
   *   limits us (`rate_limit`), fails (`server`) or does not answer in time (`timeout`).
   */
  async lookup(key: { phone?: string; aor?: string }): Promise<CustomerContextRecord | undefined> {
    const raw = key.phone ?? (key.aor ? aorUser(key.aor) : undefined);
    const e164 = raw ? toE164(raw, this.#o.defaultCountry) : undefined;
    if (!e164) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProviderError(PROVIDER, 'timeout', `HubSpot lookup exceeded ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs);
    });
    try {
      return await Promise.race([this.#lookup(e164), deadline]);
    } catch (err) {
      throw toProviderError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  async #lookup(e164: string): Promise<CustomerContextRecord | undefined> {
    const national = nationalNumber(e164);
    const extra = this.#o.extraProperties ?? [];
    const contactProps = ['firstname', 'lastname', 'company', 'phone', 'mobilephone', 'associatedcompanyid', ...extra];
    const groups = [
      { filters: [{ propertyName: 'phone', operator: 'EQ', value: e164 }] },
      { filters: [{ propertyName: 'mobilephone', operator: 'EQ', value: e164 }] },
      ...(national ? [
        { filters: [{ propertyName: 'hs_searchable_calculated_phone_number', operator: 'EQ', value: national }] },
        { filters: [{ propertyName: 'hs_searchable_calculated_mobile_number', operator: 'EQ', value: national }] },
      ] : []),
    ];
    const request: PublicObjectSearchRequest = { filterGroups: groups as PublicObjectSearchRequest['filterGroups'], properties: contactProps, limit: 1 };
    const found = await this.#client.crm.contacts.searchApi.doSearch(request);
    const contact = found.results[0];
    if (!contact) return undefined;
    const cp = contact.properties as Props;
    const record: CustomerContextRecord = { fields: {}, source: this.name };
    const name = [cp.firstname, cp.lastname].filter(Boolean).join(' ').trim();
    if (name) record.contactName = name;
    if (cp.company) record.company = cp.company;
    const companyId = cp.associatedcompanyid;
    if (companyId) {
      const companyProps = ['name', 'numberofemployees', 'industry', ...(this.#o.currentVendorProperty ? [this.#o.currentVendorProperty] : []), ...extra];
      const company = await this.#client.crm.companies.basicApi.getById(companyId, companyProps);
      const p = company.properties as Props;
      if (p.name) record.company = p.name;
      const employees = num(p.numberofemployees);
      if (employees !== undefined) record.employees = employees;
      if (p.industry) record.industry = p.industry;
      const vendor = this.#o.currentVendorProperty ? p[this.#o.currentVendorProperty] : undefined;
      if (vendor) record.currentVendor = vendor;
      for (const k of extra) if (p[k]) record.fields[k] = num(p[k]) ?? p[k]!;
    }
    for (const k of extra) if (cp[k] && record.fields[k] === undefined) record.fields[k] = num(cp[k]) ?? cp[k]!;
    return record;
  }
}
