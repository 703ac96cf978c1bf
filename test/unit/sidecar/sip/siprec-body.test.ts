import { describe, expect, it } from 'vitest';
import { SiprecError } from '../../../../sidecar/core/errors.js';
import { extractSiprecBody } from '../../../../sidecar/sip/siprec-body.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=label:1\r\na=sendonly\r\n';
const XML = '<?xml version="1.0"?>\r\n<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode></recording>\r\n';

function multipart(boundary: string, parts: string[], close = `--${boundary}--\r\n`): string {
  return parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n') + '\r\n' + close;
}

function thrown(fn: () => unknown): SiprecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SiprecError) return err;
    throw err;
  }
  throw new Error('expected a SiprecError');
}

describe('extractSiprecBody', () => {
  it('finds SDP and metadata in either order and ignores other parts', () => {
    const body = multipart('b', [
      `Content-Type: application/rs-metadata\r\n\r\n${XML}`,
      `Content-Type: application/gtd\r\nContent-Disposition: signal;handling=optional\r\n\r\nIAM,\r\n`,
      `Content-Type: application/sdp;charset=ISO-10646\r\n\r\n${SDP}`,
    ]);
    const r = extractSiprecBody('multipart/mixed;boundary=b', body);
    expect(r.sdp).toBe(SDP);
    expect(r.metadata).toBe(XML);
    expect(r.ignoredParts).toEqual(['application/gtd']);
    expect(r.warnings).toEqual([]);
  });

  it('accepts trailing whitespace after the closing delimiter and no CRLF after it', () => {
    const withSpace = multipart('b', [`Content-Type: application/sdp\r\n\r\n${SDP}`], '--b-- \r\n');
    expect(extractSiprecBody('multipart/mixed; boundary=b', withSpace).sdp).toBe(SDP);
    const noCrlf = multipart('b', [`Content-Type: application/sdp\r\n\r\n${SDP}`, `Content-Type: application/rs-metadata+xml\r\n\r\n${XML}`], '--b--');
    const r = extractSiprecBody('multipart/mixed;boundary=b', noCrlf);
    expect(r.metadata).toBe(XML);
    expect(r.warnings).toEqual([]);
  });

  it('reads a bare rs-metadata body (UPDATE) as metadata, never as SDP', () => {
    const r = extractSiprecBody('application/rs-metadata', XML);
    expect(r.metadata).toBe(XML);
    expect(r.sdp).toBeUndefined();
  });

  it('refuses a truncated multipart body that lost its closing delimiter and metadata part with 400', () => {
    const full = multipart('b', [`Content-Type: application/sdp\r\n\r\n${SDP}`, `Content-Type: application/rs-metadata+xml\r\n\r\n${XML}`]);
    const cut = full.slice(0, full.indexOf('--b\r\nContent-Type: application/rs-metadata') + 20);
    const e = thrown(() => extractSiprecBody('multipart/mixed;boundary=b', cut));
    expect(e.sipStatus).toBe(400);
    expect(e.code).toBe('SIPREC_BAD_MULTIPART');
    expect(e.message).toContain('no closing delimiter');
  });

  it('refuses a body whose delimiters do not match the declared boundary with 400', () => {
    const body = multipart('other', [`Content-Type: application/sdp\r\n\r\n${SDP}`]);
    const e = thrown(() => extractSiprecBody('multipart/mixed;boundary=declared', body));
    expect(e.sipStatus).toBe(400);
    expect(e.message).toBe('multipart body has no delimiter line for boundary "declared"');
  });

  it('refuses multipart without a boundary parameter with 400', () => {
    expect(thrown(() => extractSiprecBody('multipart/mixed', SDP)).message).toBe('multipart/mixed Content-Type has no boundary parameter');
  });

  it('refuses a body of an unknown type with 415', () => {
    const e = thrown(() => extractSiprecBody('application/octet-stream', '\u0000\u00ff\u0013random'));
    expect(e.sipStatus).toBe(415);
    expect(e.code).toBe('SIPREC_UNSUPPORTED_BODY');
  });

  it('refuses random bytes without Content-Type with 400 and infers SDP from v=0 with a warning', () => {
    expect(thrown(() => extractSiprecBody(undefined, '\u0001\u0002garbage\u00fe')).code).toBe('SIPREC_NO_CONTENT_TYPE');
    const r = extractSiprecBody(undefined, SDP);
    expect(r.sdp).toBe(SDP);
    expect(r.warnings).toEqual(['request has a body but no Content-Type; its type was inferred from the content']);
  });

  it('refuses 300 KB of metadata (over the 256 KB cap) with 413 before parsing it', () => {
    const big = `<recording xmlns="urn:ietf:params:xml:ns:recording:1">${'<x/>'.repeat(75_000)}</recording>`;
    const e = thrown(() => extractSiprecBody('application/rs-metadata+xml', big));
    expect(e.sipStatus).toBe(413);
    expect(e.code).toBe('SIPREC_METADATA_TOO_LARGE');
    expect(e.message).toBe('rs-metadata of 300066 bytes exceeds the 262144-byte limit');
  });

  it('refuses a 1 MB metadata body with 413 before splitting it', () => {
    const huge = `<recording xmlns="urn:ietf:params:xml:ns:recording:1">${'<x/>'.repeat(262_144)}</recording>`;
    const body = multipart('b', [`Content-Type: application/sdp\r\n\r\n${SDP}`, `Content-Type: application/rs-metadata+xml\r\n\r\n${huge}`]);
    const e = thrown(() => extractSiprecBody('multipart/mixed;boundary=b', body));
    expect(e.sipStatus).toBe(413);
    expect(e.code).toBe('SIPREC_BODY_TOO_LARGE');
  });

  it('returns nothing for an empty body', () => {
    expect(extractSiprecBody(undefined, '')).toEqual({ ignoredParts: [], warnings: [] });
  });

  it('opens a nested multipart part to find the SDP and metadata', () => {
    const inner = multipart('in', [`Content-Type: application/sdp\r\n\r\n${SDP}`]);
    const body = multipart('out', [`Content-Type: multipart/alternative;boundary=in\r\n\r\n${inner}`, `Content-Type: application/rs-metadata+xml\r\n\r\n${XML}`]);
    const r = extractSiprecBody('multipart/mixed;boundary=out', body);
    expect(r.sdp).toBe(SDP);
    expect(r.metadata).toBe(XML);
  });

  it('reads a part whose blank line after the headers is missing', () => {
    const body = multipart('b', [`Content-Type: application/sdp\r\n${SDP}`, `Content-Type: application/rs-metadata+xml\r\n\r\n${XML}`]);
    const r = extractSiprecBody('multipart/mixed;boundary=b', body);
    expect(r.sdp).toBe(SDP);
    expect(r.metadata).toBe(XML);
  });

  it('follows the content when the declared type contradicts it (metadata labelled application/sdp)', () => {
    expect(extractSiprecBody('application/sdp', XML)).toEqual({ metadata: XML, ignoredParts: [], warnings: ['a body declared application/sdp holds rs-metadata; read as such'] });
    expect(extractSiprecBody('application/rs-metadata+xml', SDP)).toEqual({ sdp: SDP, ignoredParts: [], warnings: ['a body declared application/rs-metadata+xml holds SDP; read as such'] });
  });
});
