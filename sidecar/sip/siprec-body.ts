/**
 * Splits a SIPREC request body into its SDP and rs-metadata parts (RFC 7866 §8: `multipart/mixed`,
 * RFC 2046 §5.1). Pure functions; tolerant of what real SRCs send (each case is a file in
 * test/fixtures/siprec): a space before `boundary`, quoted or unquoted boundaries, part headers with no
 * space after the colon, Content-Disposition before Content-Type, extra parts (`application/gtd`),
 * metadata before SDP, trailing whitespace or no CRLF after the closing delimiter, parameters on the
 * part type (`application/sdp;charset=ISO-10646`), `application/rs-metadata` without `+xml`, and a bare
 * rs-metadata body (UPDATE / re-INVITE). Unreadable bodies throw {@link SiprecError} with a reason.
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

/** The SIPREC-relevant content of a request body. */
export interface SiprecBody {
  /** The SDP (offer), when the body has one. */
  sdp?: string;
  /** The rs-metadata XML, when the body has it. */
  metadata?: string;
  /** Media types of the parts that were neither SDP nor metadata (ignored), e.g. `application/gtd`. */
  ignoredParts: string[];
  /** Tolerated deviations, one sentence each. */
  warnings: string[];
}

/** Limits for {@link extractSiprecBody}. */
export interface BodyLimits {
  /** Largest rs-metadata part in bytes; default 262144 (256 KB). Larger → 413. */
  maxMetadataBytes?: number;
  /** Largest whole body in bytes; default 1048576 (1 MB). Larger → 413. */
  maxBodyBytes?: number;
}

/** Default rs-metadata size cap in bytes (256 KB; real metadata is a few KB). */
export const DEFAULT_MAX_METADATA_BYTES = 256 * 1024;
/** Default whole-body size cap in bytes (1 MB), checked before any splitting. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const SDP_TYPES = new Set(['application/sdp']);
const METADATA_TYPES = new Set(['application/rs-metadata+xml', 'application/rs-metadata']);
const XML_TYPES = new Set(['application/xml', 'text/xml']);

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

/** Which SIPREC role a body of this type plays, if any. */
function classify(type: ContentType | undefined, disposition: string | undefined, content: string): 'sdp' | 'metadata' | undefined {
  if (type) {
    if (SDP_TYPES.has(type.mediaType)) return 'sdp';
    if (METADATA_TYPES.has(type.mediaType)) return 'metadata';
    if (XML_TYPES.has(type.mediaType) && disposition === 'recording-session') return 'metadata';
    return undefined;
  }
  const head = content.trimStart();
  if (head.startsWith('v=0')) return 'sdp';
  if (head.startsWith('<') && /<([A-Za-z_][\w.-]*:)?(recording|recording_metadata)[\s>]/.test(head.slice(0, 4096))) return 'metadata';
  return undefined;
}

/**
 * Finds the SDP and rs-metadata of a SIPREC request body.
 *
 * @param contentTypeHeader the request's Content-Type header value (undefined when absent)
 * @param body the request body ('' when none)
 * @returns the SDP and/or metadata (both absent for an empty body)
 * @throws SiprecError `SIPREC_BAD_MULTIPART` (400: no boundary, no delimiter, no usable part),
 *   `SIPREC_UNSUPPORTED_BODY` (415: a body of a type we do not read), `SIPREC_NO_CONTENT_TYPE` (400),
 *   `SIPREC_BODY_TOO_LARGE` (413: body or metadata over the limits).
 */
export function extractSiprecBody(contentTypeHeader: string | undefined, body: string, limits: BodyLimits = {}): SiprecBody {
  const maxMeta = limits.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
  const maxBody = limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const result: SiprecBody = { ignoredParts: [], warnings: [] };
  if (body.trim() === '') return result;
  const sizeBytes = Buffer.byteLength(body, 'utf8');
  if (sizeBytes > maxBody) {
    throw new SiprecError('SIPREC_BODY_TOO_LARGE', 413, 'Request Entity Too Large',
      `body of ${sizeBytes} bytes exceeds the ${maxBody}-byte limit`);
  }

  let type: ContentType | undefined;
  if (contentTypeHeader && contentTypeHeader.trim() !== '') {
    type = parseContentType(contentTypeHeader);
  } else {
    type = sniffMultipart(body);
    if (!type && !classify(undefined, undefined, body)) {
      throw new SiprecError('SIPREC_NO_CONTENT_TYPE', 400, 'Bad Request', 'request has a body but no Content-Type');
    }
    result.warnings.push('request has a body but no Content-Type; its type was inferred from the content');
  }

  if (type?.mediaType.startsWith('multipart/')) {
    const boundary = type.params.boundary;
    if (!boundary) {
      throw new SiprecError('SIPREC_BAD_MULTIPART', 400, 'Bad Request', `${type.mediaType} Content-Type has no boundary parameter`);
    }
    const { parts, closed } = splitMultipart(body, boundary);
    if (!closed) result.warnings.push(`multipart body has no closing delimiter "--${boundary}--"`);
    placeParts(result, parts, 1);
    if (result.sdp === undefined && result.metadata === undefined) {
      throw new SiprecError('SIPREC_BAD_MULTIPART', 400, 'Bad Request',
        `multipart body has neither an application/sdp nor an application/rs-metadata+xml part${closed ? '' : ' (no closing delimiter: truncated?)'}`);
    }
    if (!closed && result.metadata === undefined && parts.length > 0) {
      // A cut body that lost its metadata part would otherwise pass as SDP-only.
      throw new SiprecError('SIPREC_BAD_MULTIPART', 400, 'Bad Request',
        `multipart body is truncated: no closing delimiter "--${boundary}--" and no rs-metadata part`);
    }
  } else {
    const role = classify(type, undefined, body);
    if (!role) {
      throw new SiprecError('SIPREC_UNSUPPORTED_BODY', 415, 'Unsupported Media Type',
        `body type ${type?.mediaType ?? 'unknown'} is not application/sdp, application/rs-metadata+xml or multipart/mixed`);
    }
    place(result, role, body, type?.mediaType ?? '(no Content-Type)', type?.params.charset);
  }

  if (result.metadata !== undefined) {
    const metaBytes = Buffer.byteLength(result.metadata, 'utf8');
    if (metaBytes > maxMeta) {
      throw new SiprecError('SIPREC_METADATA_TOO_LARGE', 413, 'Request Entity Too Large',
        `rs-metadata of ${metaBytes} bytes exceeds the ${maxMeta}-byte limit`);
    }
  }
  return result;
}

/** Places each part; a nested multipart part (e.g. multipart/alternative) is opened one level deep. */
function placeParts(result: SiprecBody, parts: readonly BodyPart[], depth: number): void {
  for (const part of parts) {
    const nested = part.contentType?.mediaType.startsWith('multipart/') ? part.contentType.params.boundary : undefined;
    if (nested && depth < 3) {
      try {
        placeParts(result, splitMultipart(part.content, nested).parts, depth + 1);
        continue;
      } catch {
        result.warnings.push(`nested ${part.contentType!.mediaType} part could not be split; ignored`);
        continue;
      }
    }
    place(result, classify(part.contentType, part.disposition, part.content), part.content,
      part.contentType?.mediaType ?? '(no Content-Type)', part.contentType?.params.charset);
  }
}

function place(result: SiprecBody, role: 'sdp' | 'metadata' | undefined, content: string, mediaType: string, charset?: string): void {
  if (role === 'sdp') {
    if (result.sdp !== undefined) {
      result.warnings.push('body has more than one SDP part; the first is used');
      return;
    }
    if (charset && !/^(utf-8|us-ascii|iso-10646.*)$/i.test(charset)) result.warnings.push(`SDP part declares charset ${charset}; read as UTF-8`);
    result.sdp = content;
  } else if (role === 'metadata') {
    if (result.metadata !== undefined) {
      result.warnings.push('body has more than one rs-metadata part; the first is used');
      return;
    }
    result.metadata = content;
  } else {
    result.ignoredParts.push(mediaType);
  }
}

/** A multipart body without Content-Type: the first line is `--<boundary>` and `--<boundary>--` follows. */
function sniffMultipart(body: string): ContentType | undefined {
  const m = /^--([^\r\n]{1,70}?)[ \t]*\r?\n/.exec(body);
  if (!m) return undefined;
  if (!body.includes(`--${m[1]}--`)) return undefined;
  return { mediaType: 'multipart/mixed', params: { boundary: m[1] } };
}
