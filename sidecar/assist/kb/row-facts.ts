/**
 * Tabular facts (CSV, XLSX): one fact per row. The column mapping comes from the document metadata
 * (`rows:` in the sidecar file `<name>.kb.yaml`), see {@link RowMapping}. Rows without an explicit id
 * get `kb:<file>#row-<first cell>-<hash>`, so inserting or sorting other rows does not change it.
 */
import { classFromLabel } from './blocks-to-facts.js';
import { derivedFactId, isExplicitId } from './fact-id.js';
import { guessLanguage } from './language-guess.js';
import { KbError } from './kb-error.js';
import type { DocumentMeta, FactOccurrence, ParsedDocument, RowMapping } from './kb-types.js';
import type { ObjectionClass } from '../ports.js';

const TRUE_WORDS = /^(yes|y|true|1|ja|verified|verificeret|verifiziert)$/i;
const FALSE_WORDS = /^(no|n|false|0|nej|nein|unverified|draft|ikke verificeret|nicht verifiziert)$/i;

/**
 * Converts a table to facts.
 * @param table header row first; cells as strings.
 * @param file path relative to the knowledge folder.
 * @param meta document metadata (its `rows` mapping, language, classes, tags, validity).
 * @param locationPrefix e.g. `sheet Prices, ` for XLSX.
 * @param firstRowNumber the 1-based row number of the header in the file (default 1).
 * @throws KbError `KB_BAD_META` when the mapping names a column the table does not have.
 */
export function rowsToFacts(table: string[][], file: string, meta: DocumentMeta, locationPrefix = '', firstRowNumber = 1): ParsedDocument {
  const out: ParsedDocument = { facts: [], unverifiedCount: 0, classHints: [], warnings: [] };
  if (table.length === 0) return out;
  const header = table[0].map((h) => h.trim());
  const col = (name: string | undefined, required: boolean): number => {
    if (!name) return -1;
    const i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0 && required) throw new KbError('KB_BAD_META', `column "${name}" not found (columns: ${header.join(', ')})`, { file });
    return i;
  };
  const m: RowMapping = meta.rows ?? {};
  const idCol = m.id ? col(m.id, true) : header.findIndex((h) => /^(fact[ _-]?id|id)$/i.test(h));
  const langCol = col(m.language, true);
  const classCol = col(m.classes, true);
  const validCol = col(m.validUntil, true);
  const verifiedCol = col(m.verified, true);
  const tagCols = (m.tags ?? []).map((t) => col(t, true));
  const textCols = m.textColumns ? m.textColumns.map((t) => col(t, true)) : header.map((_, i) => i).filter((i) => i !== idCol);
  if (m.text) for (const ph of m.text.matchAll(/\{([^}]+)\}/g)) col(ph[1], true);
  const seen = new Map<string, number>();

  for (let r = 1; r < table.length; r++) {
    const row = table[r];
    const cell = (i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    if (row.every((c) => !String(c ?? '').trim())) continue;
    const rowNo = firstRowNumber + r;
    if (verifiedCol >= 0 && FALSE_WORDS.test(cell(verifiedCol))) {
      out.unverifiedCount++;
      continue;
    }
    if (meta.verified === false) {
      out.unverifiedCount++;
      continue;
    }
    const fill = (tpl: string) => tpl.replace(/\{([^}]+)\}/g, (_x, name: string) => cell(col(name, true)));
    const text = m.text
      ? fill(m.text.replace(/\[([^\]]*)\]/g, (_x, seg: string) => ([...seg.matchAll(/\{([^}]+)\}/g)].every((p) => cell(col(p[1], true))) ? seg : '')))
          .replace(/\(\s*\)/g, '').replace(/\s+([.,;:])/g, '$1').replace(/([.,;:])(?=[.,;:])/g, '').replace(/\s{2,}/g, ' ').trim()
      : textCols.map((i) => (cell(i) ? `${header[i]}: ${cell(i)}` : '')).filter(Boolean).join('; ');
    if (!text) {
      out.warnings.push(`row ${rowNo}: no text`);
      continue;
    }
    const explicit = cell(idCol);
    let id = explicit && isExplicitId(explicit) ? explicit : derivedFactId(file, `row ${cell(textCols[0] ?? 0) || rowNo}`, text);
    if (explicit && !isExplicitId(explicit)) id = `kb:${file}#${explicit}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) {
      out.warnings.push(`row ${rowNo}: duplicate id ${id}`);
      id = `${id}-${n}`;
    }
    const classes = new Set<ObjectionClass>(meta.classes ?? []);
    for (const c of cell(classCol).split(/[,;\s]+/).filter(Boolean)) {
      const cls = classFromLabel(c);
      if (cls) classes.add(cls);
      else out.warnings.push(`row ${rowNo}: unknown objection class "${c}"`);
    }
    const validUntil = cell(validCol) || meta.validUntil;
    const fact: FactOccurrence = {
      id, text, source: file, location: `${locationPrefix}row ${rowNo}`,
      language: cell(langCol) || meta.language || guessLanguage(text, 'en'),
      classes: [...classes],
      tags: [...new Set([...(meta.tags ?? []), ...tagCols.map(cell).filter(Boolean)])],
      verified: verifiedCol < 0 || TRUE_WORDS.test(cell(verifiedCol)) || cell(verifiedCol) === '',
      internal: meta.internal ?? false,
      context: '',
      ...(validUntil ? { validUntil } : {}),
    };
    out.facts.push(fact);
  }
  return out;
}
