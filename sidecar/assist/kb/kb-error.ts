import { ModsvarError } from '../../core/errors.js';

/**
 * A knowledge-base file or calculator that cannot be used. `code` is one of `KB_PARSE_FAILED` (the
 * reader rejected the bytes), `KB_BAD_META` (front matter or sidecar file invalid), `KB_BAD_CALCULATOR`
 * (calculator definition or formula invalid), `KB_CALC_INPUT` (an input is missing or not a number),
 * `KB_DIR_MISSING` (the knowledge folder does not exist). `file` is relative to the knowledge folder.
 */
export class KbError extends ModsvarError {
  readonly file?: string;
  constructor(code: string, message: string, options?: { file?: string; cause?: unknown }) {
    super(code, message, { cause: options?.cause });
    this.file = options?.file;
  }
}
