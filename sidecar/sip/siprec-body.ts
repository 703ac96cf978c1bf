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
import { parseContentType, splitMultipart, type BodyPart, type ContentType } from './mime-multipart.js';

export { parseContentType, splitMultipart, type BodyPart, type ContentType } from './mime-multipart.js';

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

/** Which SIPREC role a body of this type plays, if any. */
function classify(type: ContentType | undefined, disposition: string | undefined, content: string): 'sdp' | 'metadata' | undefined {
  const sniffed = sniff(content);
  if (type) {
    // A declared type that contradicts the content (rs-metadata labelled application/sdp, or the reverse)
    // follows the content: taking metadata for SDP is a known SRS failure (VoiceBlender PR #129).
    if (SDP_TYPES.has(type.mediaType)) return sniffed === 'metadata' ? 'metadata' : 'sdp';
    if (METADATA_TYPES.has(type.mediaType)) return sniffed === 'sdp' ? 'sdp' : 'metadata';
    if (XML_TYPES.has(type.mediaType) && disposition === 'recording-session') return 'metadata';
    return undefined;
  }
  return sniffed;
}

/** What the content looks like: SDP (`v=0`) or SIPREC metadata (`<recording…>`). */
function sniff(content: string): 'sdp' | 'metadata' | undefined {
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
  if ((role === 'sdp' && METADATA_TYPES.has(mediaType)) || (role === 'metadata' && SDP_TYPES.has(mediaType))) {
    result.warnings.push(`a body declared ${mediaType} holds ${role === 'sdp' ? 'SDP' : 'rs-metadata'}; read as such`);
  }
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
