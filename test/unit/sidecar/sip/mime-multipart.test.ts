import { describe, expect, it } from 'vitest';
import { SiprecError } from '../../../../sidecar/core/errors.js';
import { parseContentType, splitMultipart } from '../../../../sidecar/sip/mime-multipart.js';

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

describe('parseContentType', () => {
  it('reads a boundary after a space, in quotes, with an upper-case parameter name', () => {
    expect(parseContentType('multipart/mixed; boundary=unique-boundary-1')).toEqual({ mediaType: 'multipart/mixed', params: { boundary: 'unique-boundary-1' } });
    expect(parseContentType('Multipart/Mixed;BOUNDARY="a;b c"')).toEqual({ mediaType: 'multipart/mixed', params: { boundary: 'a;b c' } });
    expect(parseContentType('application/sdp;charset=ISO-10646')).toEqual({ mediaType: 'application/sdp', params: { charset: 'ISO-10646' } });
  });

  it('refuses a value without type/subtype with 400', () => {
    const e = thrown(() => parseContentType('sdp'));
    expect(e.code).toBe('SIPREC_BAD_CONTENT_TYPE');
    expect(e.sipStatus).toBe(400);
  });
});

describe('splitMultipart', () => {
  it('accepts part headers without a space after the colon and Content-Disposition before Content-Type', () => {
    const body = multipart('x', [`Content-Disposition:recording-session\r\nContent-Type:application/rs-metadata+xml\r\n\r\n${XML}`]);
    const { parts, closed } = splitMultipart(body, 'x');
    expect(closed).toBe(true);
    expect(parts).toHaveLength(1);
    expect(parts[0].contentType?.mediaType).toBe('application/rs-metadata+xml');
    expect(parts[0].disposition).toBe('recording-session');
    expect(parts[0].content).toBe(XML);
  });

  it('treats a delimiter-like line inside content as content unless it is the whole line', () => {
    const body = multipart('x', [`Content-Type: text/plain\r\n\r\nsee --x-- inside a line`]);
    expect(splitMultipart(body, 'x').parts[0].content).toBe('see --x-- inside a line');
  });
});
