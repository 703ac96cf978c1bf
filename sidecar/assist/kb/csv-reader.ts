/**
 * CSV reader (RFC 4180 via `csv-parse`, https://csv.js.org/parse/): the first row is the header, each
 * further row one fact, mapped by {@link rowsToFacts}. The delimiter (`,` `;` or tab) is detected from
 * the header line, as Danish and German spreadsheets export with `;`.
 */
import { parse } from 'csv-parse/sync';
import { KbError } from './kb-error.js';
import { rowsToFacts } from './row-facts.js';
import type { DocumentReader } from './kb-types.js';

export const readCsv: DocumentReader = async ({ bytes, file, meta }) => {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  let table: string[][];
  try {
    table = parse(text, { delimiter, relax_column_count: false, skip_empty_lines: true, trim: false }) as string[][];
  } catch (err) {
    throw new KbError('KB_PARSE_FAILED', `CSV: ${(err as Error).message}`, { file, cause: err });
  }
  return rowsToFacts(table, file, meta);
};
