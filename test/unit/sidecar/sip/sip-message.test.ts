import { describe, expect, it } from 'vitest';
import { isInDialog, parseSipMessage, topViaSource } from '../../../../sidecar/sip/sip-message.js';
import { fixture } from './helpers.js';

describe('parseSipMessage', () => {
  it('joins folded header lines with one space', () => {
    const r = fixture('01-rfc-example-audio-video-complete.sip');
    expect(r.headers['session-id']).toBe('ab30317f1a784dc48ff824d0d3715d86 ;remote=00000000000000000000000000000000');
    expect(r.headers.accept).toBe('application/sdp, application/rs-metadata, application/rs-metadata-request');
    expect(r.body.length).toBe(4772);
  });

  it('expands compact header names, lower-cases X- headers and joins repeated headers', () => {
    const { request } = parseSipMessage('INVITE sip:a@b SIP/2.0\r\ni: abc\r\nX-Cisco-Recording-Participant: sip:1@x;media-index="0"\r\nx-cisco-recording-participant: sip:2@x;media-index="1"\r\nc: application/sdp\r\nl:   3\r\n\r\nv=0');
    expect(request.headers['call-id']).toBe('abc');
    expect(request.headers['content-type']).toBe('application/sdp');
    expect(request.headers['x-cisco-recording-participant']).toBe('sip:1@x;media-index="0",sip:2@x;media-index="1"');
    expect(request.body).toBe('v=0');
  });

  it('cuts the body at Content-Length in bytes, with two spaces before the value', () => {
    const r = fixture('20-sonus-sbc-tns-prefix.sip');
    expect(r.headers['content-length']).toBe('3032');
    expect(Buffer.byteLength(r.body)).toBe(3032);
    expect(r.body.endsWith('--sonus-content-delim--\r\n')).toBe(true);
  });

  it('reads a BYE with Content-Length: 0 and a header without a space after the colon', () => {
    const r = fixture('10-avaya-sbce-bye.sip');
    expect(r.method).toBe('BYE');
    expect(r.body).toBe('');
    expect(r.headers.to).toBe('<sip:198.51.100.20:5060;transport=TCP>;tag=srs-7a1b2c');
    expect(isInDialog(r)).toBe(true);
  });

  it('reads a bare-LF file as CRLF and says so', () => {
    const { request, warnings } = parseSipMessage('OPTIONS sip:a@b SIP/2.0\nCall-ID: x\nContent-Length: 0\n\n');
    expect(request.method).toBe('OPTIONS');
    expect(warnings).toEqual(['message uses bare LF line ends; read as CRLF']);
  });

  it('refuses a response and garbage', () => {
    expect(() => parseSipMessage('SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\n')).toThrow('a SIP response (200), not a request');
    expect(() => parseSipMessage('hello world')).toThrow('not a SIP message: bad start line "hello world"');
  });

  it('reads leniently what drachtio-srf refuses (double space in the start line, a header without colon) and says so', () => {
    const { request, warnings } = parseSipMessage('INVITE  sip:srs@x SIP/2.0\r\nCall-ID: abc\r\nBroken header line\r\nl: 3\r\n\r\nv=0');
    expect(request.method).toBe('INVITE');
    expect(request.uri).toBe('sip:srs@x');
    expect(request.headers['call-id']).toBe('abc');
    expect(request.body).toBe('v=0');
    expect(warnings).toEqual([
      'header line without a colon ignored: "Broken header line"',
      "drachtio-srf's SIP parser refuses this message (start line or a header line); read leniently",
    ]);
  });
});

describe('topViaSource', () => {
  it('prefers received= and otherwise takes the host of the top Via', () => {
    expect(topViaSource({ via: 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9;rport=5060;received=192.0.2.7' })).toBe('192.0.2.7');
    expect(topViaSource({ via: 'SIP/2.0/TCP 203.0.113.30:5060;alias;branch=z9,SIP/2.0/UDP 10.1.1.1' })).toBe('203.0.113.30');
    expect(topViaSource({ via: 'SIP/2.0/UDP [2001:db8::1]:5060;branch=z9' })).toBe('2001:db8::1');
    expect(topViaSource({})).toBeUndefined();
  });
});
