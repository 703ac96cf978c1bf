import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ProviderError } from '../../core/errors.js';
import type { CustomerContext, CustomerContextRecord } from '../ports.js';
import { aorUser, toE164 } from './phone-key.js';

/**
 * CustomerContext from a local file (the default adapter): CSV (RFC 4180 via csv-parse; `,` `;` or tab,
 * detected from the header) or JSON (an array of objects). One row per contact; columns, case and
 * separators ignored (`current_vendor` = `currentVendor`):
 * - `phone` (also `phones`, `mobile`; several numbers separated by `|` or `/`), `aor` (also `sip`, `uri`)
 * - `contactName` (also `contact`, `name`), `company`, `employees`, `industry`, `currentVendor` (also `vendor`)
 * - any other column goes to `fields` (numbers as numbers), for calculators, e.g. `hourlyCostDkk`.
 * The file is read once by {@link CsvJsonContext.load}; lookups are in memory.
 *
 * @example
 * phone;company;employees;currentVendor;hourlyCostDkk
 * +45 20 12 34 56;Fjordhotel A/S;260;Excel;310
 */

const KNOWN: Record<string, keyof Omit<CustomerContextRecord, 'fields' | 'source'> | 'phone' | 'aor'> = {
  phone: 'phone', phones: 'phone', mobile: 'phone', mobilephone: 'phone', telephone: 'phone', tel: 'phone', number: 'phone',
  aor: 'aor', sip: 'aor', uri: 'aor', sipuri: 'aor',
  contactname: 'contactName', contact: 'contactName', name: 'contactName',
  company: 'company', companyname: 'company', employees: 'employees', numberofemployees: 'employees', headcount: 'employees',
  industry: 'industry', currentvendor: 'currentVendor', vendor: 'currentVendor', incumbent: 'currentVendor',
};

const norm = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, '');

function toNumber(v: string): number | undefined {
  const t = v.trim().replace(/\s/g, '');
  if (!/^-?\d+(?:[.,]\d+)?$/.test(t)) return undefined;
  return Number(t.replace(',', '.'));
}

/** Options for {@link CsvJsonContext}. */
export interface CsvJsonContextOptions {
  /** The CSV or JSON file. */
  file: string;
  /** Country for national numbers (ISO 3166 alpha-2), e.g. `DK`. */
  defaultCountry?: string;
}

/** A CRM stand-in read from a CSV or JSON file. */
export class CsvJsonContext implements CustomerContext {
  readonly name = 'file';
  readonly #byPhone = new Map<string, CustomerContextRecord>();
  readonly #byAor = new Map<string, CustomerContextRecord>();
  readonly #defaultCountry?: string;
  /** Rows that could not be used (no phone and no AoR), as `row N: reason`. */
  readonly skipped: string[] = [];

  private constructor(defaultCountry?: string) {
    this.#defaultCountry = defaultCountry;
  }

  /**
   * Reads and indexes the file.
   * @throws ProviderError (`invalid_request`) when the file cannot be read or parsed; the caller decides
   *   whether to run without context.
   */
  static async load(options: CsvJsonContextOptions): Promise<CsvJsonContext> {
    const ctx = new CsvJsonContext(options.defaultCountry);
    let rows: Array<Record<string, unknown>>;
    try {
      const text = (await readFile(options.file, 'utf8')).replace(/^\uFEFF/, '');
      if (extname(options.file).toLowerCase() === '.json') {
        const data = JSON.parse(text) as unknown;
        if (!Array.isArray(data)) throw new Error('expected an array of objects');
        rows = data as Array<Record<string, unknown>>;
      } else {
        const first = text.split(/\r?\n/, 1)[0] ?? '';
        const delimiter = [',', ';', '\t'].sort((a, b) => first.split(b).length - first.split(a).length)[0];
        rows = parse(text, { columns: true, delimiter, skip_empty_lines: true, trim: true }) as Array<Record<string, unknown>>;
      }
    } catch (err) {
      throw new ProviderError('file', 'invalid_request', `customer file ${options.file}: ${(err as Error).message}`, { cause: err });
    }
    rows.forEach((row, i) => ctx.#add(row, i + 1));
    return ctx;
  }

  #add(row: Record<string, unknown>, n: number): void {
    if (typeof row !== 'object' || row === null) { this.skipped.push(`row ${n}: not an object`); return; }
    const record: CustomerContextRecord = { fields: {}, source: this.name };
    const phones: string[] = [];
    const aors: string[] = [];
    for (const [key, raw] of Object.entries(row)) {
      if (raw === null || raw === undefined || String(raw).trim() === '') continue;
      const value = String(raw).trim();
      const known = KNOWN[norm(key)];
      if (known === 'phone') phones.push(...value.split(/[|/]/));
      else if (known === 'aor') aors.push(...value.split(/[|\s]+/).filter(Boolean));
      else if (known === 'employees') { const e = toNumber(value); if (e !== undefined) record.employees = e; }
      else if (known) record[known] = value;
      else record.fields[key] = typeof raw === 'number' ? raw : toNumber(value) ?? value;
    }
    let indexed = false;
    for (const p of phones) {
      const e164 = toE164(p, this.#defaultCountry);
      if (e164) { this.#byPhone.set(e164, record); indexed = true; }
    }
    for (const a of aors) { this.#byAor.set(a.toLowerCase(), record); indexed = true; }
    if (!indexed) this.skipped.push(`row ${n}: no usable phone number or AoR`);
  }

  /** Number of indexed keys (phones + AoRs). */
  get size(): number {
    return this.#byPhone.size + this.#byAor.size;
  }

  async lookup(key: { phone?: string; aor?: string }): Promise<CustomerContextRecord | undefined> {
    if (key.aor) {
      const hit = this.#byAor.get(key.aor.trim().toLowerCase());
      if (hit) return structuredClone(hit);
    }
    const phone = key.phone ?? (key.aor ? aorUser(key.aor) : undefined);
    const e164 = phone ? toE164(phone, this.#defaultCountry) : undefined;
    const hit = e164 ? this.#byPhone.get(e164) : undefined;
    return hit ? structuredClone(hit) : undefined;
  }
}
