import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../../../sidecar/assist/kb/csv-reader.js';
import { metaFromYaml } from '../../../../../sidecar/assist/kb/document-meta.js';

const kb = new URL('../../../../fixtures/kb/', import.meta.url);

describe('CSV facts', () => {
  it('maps the price list through its sidecar template, leaving out segments with empty columns', async () => {
    const meta = metaFromYaml(readFileSync(new URL('price-list.csv.kb.yaml', kb), 'utf8'), 'price-list.csv.kb.yaml');
    const parsed = await readCsv({ bytes: readFileSync(new URL('price-list.csv', kb)), file: 'price-list.csv', meta });
    expect(parsed.facts).toHaveLength(22);
    expect(parsed.facts[2]).toMatchObject({
      id: 'F-102', location: 'row 4', language: 'en', tags: ['pricing', 'Plus'],
      text: 'Plus subscription (Plus): 59.00 DKK / 7.90 EUR per active employee per month, billing monthly or annual. Everything in Basis plus shift planning, rules engine, REST API/webhooks and SSO. 99.5% uptime SLA.',
    });
    expect(parsed.facts[4].text).toBe('Minimum billing (All plans) per account per month. Minimum 25 billable employees per account, also for smaller companies.');
  });

  it('without a mapping, joins the non-empty columns as "column: value" and finds the fact_id column', async () => {
    const parsed = await readCsv({ bytes: readFileSync(new URL('price-list.csv', kb)), file: 'price-list.csv', meta: {} });
    expect(parsed.facts[1].id).toBe('F-101');
    expect(parsed.facts[1].text).toBe('item: Basis subscription; plan: Basis; unit: per active employee per month; price_dkk: 39.00; price_eur: 5.20; billing: monthly or annual; valid_from: 2025-01-01; notes: Time & attendance, absence & leave, mobile app, kiosk mode, payroll export. No contractual uptime SLA.');
  });

  it('detects a semicolon delimiter and derives row ids from the first column', async () => {
    const csv = 'produkt;pris;note\nBasis;39;pr. medarbejder\nPlus;59;med vagtplan\n';
    const parsed = await readCsv({ bytes: Buffer.from(csv), file: 'priser.csv', meta: { language: 'da' } });
    expect(parsed.facts.map((f) => f.text)).toEqual(['produkt: Basis; pris: 39; note: pr. medarbejder', 'produkt: Plus; pris: 59; note: med vagtplan']);
    expect(parsed.facts[0].id).toMatch(/^kb:priser\.csv#row-basis-[0-9a-f]{6}$/);
    expect(parsed.facts[0].language).toBe('da');
  });

  it('fails with KB_BAD_META when the mapping names a missing column, and KB_PARSE_FAILED on broken quoting', async () => {
    await expect(readCsv({ bytes: Buffer.from('a,b\n1,2\n'), file: 'x.csv', meta: { rows: { text: '{c}' } } })).rejects.toMatchObject({ code: 'KB_BAD_META', message: expect.stringContaining('"c"') });
    await expect(readCsv({ bytes: Buffer.from('a,b\n"1,2\n'), file: 'x.csv', meta: {} })).rejects.toMatchObject({ code: 'KB_PARSE_FAILED' });
  });
});
