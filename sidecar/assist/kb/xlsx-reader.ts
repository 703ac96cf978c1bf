/**
 * XLSX reader (`exceljs`, https://github.com/exceljs/exceljs#reading-xlsx): each worksheet (or only
 * `rows.sheet`) is a table whose first non-empty row is the header; each further row is one fact,
 * mapped by {@link rowsToFacts}. Cells are read as displayed text (`cell.text`), dates as ISO days.
 */
import ExcelJS from 'exceljs';
import { KbError } from './kb-error.js';
import { rowsToFacts } from './row-facts.js';
import type { DocumentReader, ParsedDocument } from './kb-types.js';

function cellText(v: ExcelJS.CellValue, text: string): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return String(v);
  return text ?? '';
}

export const readXlsx: DocumentReader = async ({ bytes, file, meta }) => {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new KbError('KB_PARSE_FAILED', `XLSX: ${(err as Error).message}`, { file, cause: err });
  }
  const out: ParsedDocument = { facts: [], unverifiedCount: 0, classHints: [], warnings: [] };
  const sheets = wb.worksheets.filter((ws) => !meta.rows?.sheet || ws.name === meta.rows.sheet);
  if (meta.rows?.sheet && sheets.length === 0) throw new KbError('KB_BAD_META', `worksheet "${meta.rows.sheet}" not found`, { file });
  for (const ws of sheets) {
    const table: string[][] = [];
    let firstRow = 0;
    const width = ws.columnCount;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (!firstRow) firstRow = rowNumber;
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) {
        const cell = row.getCell(c);
        cells.push(cellText(cell.value, cell.text).trim());
      }
      table.push(cells);
    });
    const part = rowsToFacts(table, file, meta, wb.worksheets.length > 1 || meta.rows?.sheet ? `sheet ${ws.name}, ` : '', firstRow || 1);
    out.facts.push(...part.facts);
    out.unverifiedCount += part.unverifiedCount;
    out.warnings.push(...part.warnings);
  }
  return out;
};
