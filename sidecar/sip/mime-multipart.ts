/**
 * MIME pieces the SIPREC body reader needs: Content-Type parsing (RFC 2045 §5.1, RFC 3261 §20.15) and
 * multipart splitting (RFC 2046 §5.1), tolerant of what SIP devices send (a space before `boundary`, quoted
 * or unquoted boundaries, bare LF, part headers without a space after the colon or without the blank line,
 * trailing whitespace after a delimiter, no CRLF after the closing delimiter). Pure.
 */
import { SiprecError } from '../core/errors.js';

/** A parsed Content-Type (RFC 2045 §5.1): lower-case `type/subtype` and lower-case parameter names. */
export interface ContentType {
  /** e.g. `multipart/mixed`, `application/sdp`. */
  mediaType: string;
  /** Parameters with unquoted values, e.g. `{ boundary: 'foobar', charset: 'ISO-10646' }`. */
  params: Record<string, string>;
}

/** One body part of a multipart body. */
export interface BodyPart {
  /** Part headers by lower-case name. */
  headers: Record<string, string>;
  /** Parsed Content-Type; absent when the part has none. */
  contentType?: ContentType;
  /** Content-Disposition disposition type, lower case (`session`, `recording-session`, `signal`). */
  disposition?: string;
  /** Part content, without the CRLF that precedes the next delimiter. */
  content: string;
}

/**
 * Parses a Content-Type value (RFC 2045 §5.1 / RFC 3261 §20.15), e.g. `multipart/mixed; boundary="x"`.
 * Spaces around `;` and `=` are allowed; parameter names are case-insensitive; values may be quoted.
 *
 * @throws SiprecError `SIPREC_BAD_CONTENT_TYPE` (400) when there is no `type/subtype`.
 */
export function parseContentType(value: string): ContentType {
  const parts = splitParams(value);
  const mediaType = (parts.shift() ?? '').trim().toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(mediaType)) {
    throw new SiprecError('SIPREC_BAD_CONTENT_TYPE', 400, 'Bad Request', `Content-Type "${value.trim()}" is not type/subtype`);
  }
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[name] = v;
  }
  return { mediaType, params };
}

/** Splits on `;` outside double quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Splits a multipart body at its boundary (RFC 2046 §5.1.1). The preamble and epilogue are dropped.
 * Accepts CRLF or bare LF line ends, a first delimiter without a preceding CRLF, transport padding
 * (whitespace) after a delimiter, and a closing delimiter with nothing after it.
 *
 * @returns the parts and whether the closing delimiter was present.
 * @throws SiprecError `SIPREC_BAD_MULTIPART` (400) when no delimiter line for `boundary` exists.
 */
export function splitMultipart(body: string, boundary: string): { parts: BodyPart[]; closed: boolean } {
  const delimiter = '--' + boundary;
  // Delimiter lines: at the start of the body or after a line break, then optional `--`, then padding.
  const re = new RegExp(`(^|\\r?\\n)${escapeRegExp(delimiter)}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const hits: { start: number; end: number; close: boolean }[] = [];
  for (let m = re.exec(body); m; m = re.exec(body)) {
    hits.push({ start: m.index, end: m.index + m[0].length, close: m[2] === '--' });
    if (m[2] === '--') break;
  }
  if (hits.length === 0) {
    throw new SiprecError('SIPREC_BAD_MULTIPART', 400, 'Bad Request',
      `multipart body has no delimiter line for boundary "${boundary}"`);
  }
  const parts: BodyPart[] = [];
  const closed = hits[hits.length - 1].close;
  for (let i = 0; i < hits.length; i++) {
    if (hits[i].close) break;
    const from = skipLineBreak(body, hits[i].end);
    const to = i + 1 < hits.length ? hits[i + 1].start : body.length;
    parts.push(parsePart(body.slice(from, to)));
  }
  return { parts, closed };
}

function skipLineBreak(s: string, i: number): number {
  if (s.startsWith('\r\n', i)) return i + 2;
  if (s[i] === '\n') return i + 1;
  return i;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A MIME part header line: an RFC 3261 token, optional spaces, a colon. */
const HEADER_LINE = /^[A-Za-z0-9][A-Za-z0-9!#$%&'*+.^_`|~-]*[ \t]*:/;

/** Parses one part: headers (folded lines joined, no space needed after the colon), a blank line, content. */
function parsePart(raw: string): BodyPart {
  const headers: Record<string, string> = {};
  let content: string;
  if (raw.startsWith('\r\n') || raw.startsWith('\n')) {
    content = raw.slice(raw.startsWith('\r\n') ? 2 : 1); // no part headers (RFC 2046: text/plain by default)
  } else {
    // Headers run to the first blank line, or to the first line that is not `token: value` (a part whose
    // blank line is missing, so its content starts right after the headers).
    const lines = raw.split(/(?<=\n)/);
    let i = 0;
    let head = '';
    for (; i < lines.length; i++) {
      const line = lines[i];
      if (/^\r?\n$/.test(line)) { i++; break; }
      if (head !== '' && /^[ \t]/.test(line)) { head += line; continue; }
      if (!HEADER_LINE.test(line)) break;
      head += line;
    }
    content = lines.slice(i).join('');
    for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] ? `${headers[name]},${value}` : value;
    }
  }
  let contentType: ContentType | undefined;
  if (headers['content-type']) {
    try {
      contentType = parseContentType(headers['content-type']);
    } catch {
      contentType = undefined;
    }
  }
  const disposition = headers['content-disposition']?.split(';')[0].trim().toLowerCase() || undefined;
  return { headers, contentType, disposition, content };
}
