import { describe, expect, it } from 'vitest';
import { SiprecError } from '../../../../sidecar/core/errors.js';
import { parseRsMetadata } from '../../../../sidecar/sip/rs-metadata.js';
import { extractSiprecBody } from '../../../../sidecar/sip/siprec-body.js';
import { fixture } from './helpers.js';

function thrown(fn: () => unknown): SiprecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SiprecError) return err;
    throw err;
  }
  throw new Error('expected a SiprecError');
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p"><nameID aor="sip:a@b"><name>&lol9;</name></nameID></participant></recording>`;

describe('parseRsMetadata', () => {
  it('refuses a billion-laughs document with 400 without expanding any entity', () => {
    const e = thrown(() => parseRsMetadata(BILLION_LAUGHS));
    expect(e.sipStatus).toBe(400);
    expect(e.code).toBe('SIPREC_METADATA_DTD');
    expect(e.message).toContain('DOCTYPE/ENTITY');
  });

  it('refuses an external entity declaration (XXE) with 400', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><recording xmlns="urn:ietf:params:xml:ns:recording:1">&x;</recording>';
    expect(thrown(() => parseRsMetadata(xxe)).code).toBe('SIPREC_METADATA_DTD');
  });

  it('leaves an undeclared entity reference as literal text instead of resolving it', () => {
    const m = parseRsMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p"><nameID aor="sip:a@b"><name>A &amp; B &foo;</name></nameID></participant></recording>');
    expect(m.participants[0].name).toBe('A & B &foo;');
  });

  it('refuses XML that is not well-formed with the line of the fault', () => {
    const e = thrown(() => parseRsMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1">\n<participant></recording>'));
    expect(e.sipStatus).toBe(400);
    expect(e.message).toMatch(/^rs-metadata is not well-formed XML: .*\(line 2, column \d+\)$/);
  });

  it('refuses a document whose root is not <recording>', () => {
    expect(thrown(() => parseRsMetadata('<html><body/></html>')).message).toBe('rs-metadata root element is <html>, not <recording>');
  });

  it('reads the draft recording_metadata format with <aor>, <send><id> and urn:uuid ids', () => {
    const m = parseRsMetadata(`<recording_metadata xmlns="urn:ietf:params:xml:ns:siprec"><dataMode>complete</dataMode>
      <participant id="urn:uuid:1"><aor>sip:a@x</aor><send><id>urn:uuid:s1</id></send></participant>
      <stream id="urn:uuid:s1" session="urn:uuid:0"><label>7</label><mode>separate</mode></stream></recording_metadata>`);
    expect(m.namespace).toBe('urn:ietf:params:xml:ns:siprec');
    expect(m.participants).toEqual([{ id: 'urn:uuid:1', aor: 'sip:a@x', sends: ['urn:uuid:s1'], recvs: [], declared: true }]);
    expect(m.streams).toEqual([{ id: 'urn:uuid:s1', label: '7', mode: 'separate' }]);
    expect(m.warnings).toEqual(['rs-metadata uses <dataMode> for <datamode>']);
  });

  it('reads any namespace prefix and takes the Session-ID local UUID, across line breaks, as the call id', () => {
    const m = parseRsMetadata(`<x:recording xmlns:x="urn:ietf:params:xml:ns:recording:1"><x:session session_id="s"><x:sipSessionID>abc123;
        remote=def456</x:sipSessionID></x:session></x:recording>`);
    expect(m.namespace).toBe('urn:ietf:params:xml:ns:recording:1');
    expect(m.sipSessionId).toBe('abc123;remote=def456');
    expect(m.callId).toEqual({ value: 'abc123', source: 'sipSessionID' });
  });

  it('uses the remote Session-ID UUID when the local one is the null UUID', () => {
    const m = parseRsMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"><session><sipSessionID>00000000000000000000000000000000;remote=feedbeef</sipSessionID></session></recording>');
    expect(m.callId).toEqual({ value: 'feedbeef', source: 'sipSessionID' });
  });

  it('reads the Acme callingParty flag and keeps an unknown namespace with a warning', () => {
    const m = parseRsMetadata(`<recording xmlns="urn:example:other"><participant id="p1"><nameID aor="sip:1@x"/>
      <extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>true</apkt:callingParty><apkt:ucid>00FA08</apkt:ucid></extensiondata></participant></recording>`);
    expect(m.namespace).toBeUndefined();
    expect(m.participants[0].callingParty).toBe(true);
    expect(m.callId).toEqual({ value: '00FA08', source: 'extension:ucid' });
    expect(m.warnings).toEqual(['rs-metadata namespace "urn:example:other" is not a SIPREC namespace; read as RFC 7865']);
  });

  it('reads the vendor calling-party numbers of Metaswitch and BroadWorks metadata', () => {
    const meta = (file: string): string => {
      const req = fixture(file);
      return extractSiprecBody(req.headers['content-type'], req.body).metadata ?? '';
    };
    expect(parseRsMetadata(meta('15-metaswitch-mixed-g729-initial.sip')).callingParties).toEqual(['2125550111']);
    expect(parseRsMetadata(meta('12-broadworks-webex-calling-metadata-first.sip')).callingParties).toEqual(['sip:7711@10.155.7.148;user=phone']);
    expect(parseRsMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode></recording>').callingParties).toEqual([]);
  });

  it('marks an empty participantstreamassoc as a declared association with no streams', () => {
    const m = parseRsMetadata('<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p"><nameID aor="sip:a@b"/></participant><participantstreamassoc participant_id="p"></participantstreamassoc></recording>');
    expect(m.associationsDeclared).toBe(true);
    expect(m.participants).toEqual([{ id: 'p', aor: 'sip:a@b', sends: [], recvs: [], declared: true }]);
  });

  it('accepts blank lines before the XML declaration and camelCase element and attribute names', () => {
    const m = parseRsMetadata(`\r\n\r\n<?xml version="1.0"?><recording xmlns="urn:ietf:params:xml:ns:recording:1">
      <participant participantId="p"><nameID aor="sip:a@b"/></participant><stream streamId="s"><label>1</label></stream>
      <participantStreamAssoc participantId="p"><send>s</send></participantStreamAssoc></recording>`);
    expect(m.participants).toEqual([{ id: 'p', aor: 'sip:a@b', sends: ['s'], recvs: [], declared: true }]);
    expect(m.streams).toEqual([{ id: 's', label: '1' }]);
  });
});
