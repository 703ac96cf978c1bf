/**
 * Types shared by the knowledge-base readers: the document metadata an author can set (front matter,
 * HTML comments, sidecar files), the blocks every prose reader produces, and the per-file ingest report.
 *
 * Readers are pure: bytes in, {@link ParsedDocument} out. The ingest owner ({@link ../kb/knowledge-base.ts})
 * walks the folder, hashes files, calls the reader for each changed file and merges facts by id.
 */
import type { Fact, ObjectionClass } from '../ports.js';

/**
 * Document-level metadata. Sources, in order of precedence: YAML front matter (`---` … `---` at the top of
 * Markdown/text), a sidecar file `<name>.kb.yaml` next to the document (the only way for CSV, XLSX, PDF,
 * DOCX), then markers in the text (`<!-- INTERNAL … -->`, `<!-- unverified -->`, `Language: English`).
 */
export interface DocumentMeta {
  /** ISO 639-1 code; when absent each fact's language is detected from its words. */
  language?: string;
  /** `false` marks the whole document unverified: none of its text becomes evidence. Default true. */
  verified?: boolean;
  /** `true` (or `audience: internal`) marks every fact internal. */
  internal?: boolean;
  /** Objection classes every fact of the document answers. */
  classes?: ObjectionClass[];
  /** Free tags added to every fact (product, industry, competitor). */
  tags?: string[];
  /** Last valid day (ISO `YYYY-MM-DD`) of every fact in the document. */
  validUntil?: string;
  /**
   * Which text becomes facts: `tagged` only text carrying an explicit `[F-nnn]` tag; `all` every
   * paragraph/list item; `auto` (default) is `tagged` when the document has at least one tag, else `all`.
   */
  facts?: 'auto' | 'tagged' | 'all';
  /** Row mapping for tabular files (CSV/XLSX); see {@link RowMapping}. */
  rows?: RowMapping;
}

/**
 * How a table row becomes a fact (CSV, XLSX). Column names are matched case-insensitively.
 * Defaults: `id` = the first of `fact_id`/`id`/`fact id` present; `text` = every other non-empty cell as
 * `column: value`, joined with `; `.
 */
export interface RowMapping {
  /** Column holding the explicit fact id. */
  id?: string;
  /**
   * Template with `{column}` placeholders, e.g. `{item} ({plan})[: {price_dkk} DKK {unit}]. {notes}`;
   * a `[…]` segment is left out when any placeholder in it is empty.
   */
  text?: string;
  /** Columns joined as `column: value` when no template is given (default: all but the id column). */
  textColumns?: string[];
  /** Column whose values are the language of each row. */
  language?: string;
  /** Column with objection classes (comma or space separated). */
  classes?: string;
  /** Columns whose values become tags (product, plan, competitor). */
  tags?: string[];
  /** Column with the last valid day (ISO date). */
  validUntil?: string;
  /** Column that marks a row verified (`yes`/`true`/`1`) or not (`no`/`false`/`0`/`unverified`). */
  verified?: string;
  /** Worksheet name for XLSX (default: every worksheet). */
  sheet?: string;
}

/**
 * A structural piece of a prose document, in reading order. A `paragraph` whose text is `**…?**` is a
 * question (FAQ style): it becomes retrieval context for the answer below it. A `comment` carries
 * markers only (internal, language, unverified), never facts.
 */
export interface Block {
  kind: 'heading' | 'paragraph' | 'item' | 'quote' | 'table-row' | 'comment';
  /** Heading level 1–6 (headings only). */
  level?: number;
  /** The text with inline markup removed (bold/italic/code/links), single-spaced. */
  text: string;
  /** Where the block is in its file: `line 12`, `page 3`, `paragraph 7`. */
  position: string;
  /** Table cells (table rows only). */
  cells?: string[];
}

/** One occurrence of a fact in a document, before facts with the same id are merged. */
export interface FactOccurrence extends Fact {
  /** Heading path and question the text stands under: used for retrieval, not shown as evidence. */
  context: string;
}

/** What one reader produced for one file. */
export interface ParsedDocument {
  facts: FactOccurrence[];
  /** Pieces of text skipped because they are marked unverified. */
  unverifiedCount: number;
  /** Extra class tags declared by the document for facts elsewhere (e.g. a "class → facts" table). */
  classHints: Array<{ id: string; classes: ObjectionClass[] }>;
  /** Non-fatal remarks (an unknown class name, a row without text). */
  warnings: string[];
}

/** Ingest result for one file (what `modsvar kb ingest` prints). */
export interface FileReport {
  /** Path relative to the knowledge folder, `/`-separated. */
  file: string;
  status: 'added' | 'changed' | 'unchanged' | 'removed' | 'failed' | 'skipped';
  /** Verified facts from the file (0 when failed). */
  facts: number;
  /** Unverified pieces left out. */
  unverified: number;
  /** Why the file failed or was skipped. */
  reason?: string;
  warnings: string[];
  /**
   * True when the file had not changed since the last ingest (same size and mtime, or same content
   * hash) and its earlier result (facts, or the reason it failed) was reused without parsing it again.
   */
  cached?: boolean;
}

/** Reader signature: file bytes + metadata → facts. Throws {@link KbError} with a reason on bad input. */
export type DocumentReader = (input: { bytes: Buffer; file: string; meta: DocumentMeta }) => Promise<ParsedDocument>;
