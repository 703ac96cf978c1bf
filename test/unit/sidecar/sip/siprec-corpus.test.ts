/**
 * Every message of the vendor SIPREC corpus (test/fixtures/siprec, see its README) through the same entry
 * point the server uses, asserted field by field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../../../sidecar/sip/sip-message.js';
import { interpretInDialog, interpretInitialInvite } from '../../../../sidecar/sip/siprec-request.js';
import type { SessionDescription } from '../../../../sidecar/sip/siprec-types.js';
import { FIXTURES, context, fixture, mLines } from './helpers.js';

type StreamRow = [label: string, participantId: string | undefined, role: string | undefined, direction: string, codec: string | undefined, offered: string[], localPort: number | undefined];

function streamRows(s: SessionDescription): StreamRow[] {
  return s.streams.map((x) => [x.label, x.participantId, x.role, x.direction, x.codec, x.offeredCodecs, x.localPort]);
}

function accept(name: string): { session: SessionDescription; sdp: string; warnings: string[] } {
  const d = interpretInitialInvite(fixture(name), context());
  expect(d.response.status).toBe(200);
  expect(d.response.reason).toBe('OK');
  expect(d.response.headers['Content-Type']).toBe('application/sdp');
  expect(d.session).toBeDefined();
  return { session: d.session!, sdp: d.response.sdp!, warnings: d.warnings };
}

describe('SIPREC corpus: initial INVITEs', () => {
  it('answers the RFC 7866 audio+video example with two recvonly audio lines and rejects both video lines', () => {
    const { session, sdp, warnings } = accept('01-rfc-example-audio-video-complete.sip');
    expect(session.callId).toBe('ab30317f1a784dc48ff824d0d3715d86');
    expect(session.callIdSource).toBe('sipSessionID');
    expect(session.dialogCallId).toBe('d253c800-b0d1ea39-4a7dd-3f0e20a');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording:1');
    expect(session.hold).toBe(false);
    expect(session.participants).toEqual([
      { id: 'srfBElmCRp2QB23b7Mpk0w==', aor: 'sip:alice@atlanta.com', name: 'Alice', role: 'customer', roleSource: 'order' },
      { id: 'zSfPoSvdSDCmU3A3TRDxAw==', aor: 'sip:bob@biloxy.com', name: 'Bob', role: 'agent', roleSource: 'order' },
    ]);
    expect(streamRows(session)).toEqual([
      ['96', 'srfBElmCRp2QB23b7Mpk0w==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000'], 40000],
      ['97', undefined, undefined, 'sendonly', undefined, ['H.264/90000'], undefined],
      ['98', 'zSfPoSvdSDCmU3A3TRDxAw==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000'], 40002],
      ['99', undefined, undefined, 'sendonly', undefined, ['H.264/90000'], undefined],
    ]);
    expect(session.streams[1].rejectedReason).toBe('video is not recorded');
    expect(session.streams[0].remoteAddress).toBe('198.51.100.1');
    expect(session.streams[0].remotePort).toBe(49170);
    expect(mLines(sdp)).toEqual([
      ['audio', 40000, '0', 'recvonly', '96'],
      ['video', 0, '96', undefined, undefined],
      ['audio', 40002, '0', 'recvonly', '98'],
      ['video', 0, '96', undefined, undefined],
    ]);
    expect(sdp).toContain('c=IN IP4 127.0.0.1\r\n');
    expect(warnings).toEqual([]);
  });

  it('reads Cisco CUBE metadata between SDP and a GTD part and binds streams through participantstreamassoc', () => {
    const { session, sdp, warnings } = accept('03-cisco-cube-siprec-with-gtd-part.sip');
    expect(session.callId).toBe('e9fffff2020a598b86962867715db0cf');
    expect(session.callIdSource).toBe('sipSessionID');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording:1');
    expect(session.participants).toEqual([
      { id: 'kQNhKFdEEeeJ99D/VsPGWA==', aor: 'sip:7301@198.51.100.41', role: 'agent', roleSource: 'extensionPattern' },
      { id: 'kQNhKFdEEeeJ+ND/VsPGWA==', aor: 'sip:7300@198.51.100.41', name: '7300', role: 'agent', roleSource: 'extensionPattern' },
    ]);
    expect(streamRows(session)).toEqual([
      ['1', 'kQNhKFdEEeeJ99D/VsPGWA==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000', 'telephone-event/8000'], 40000],
      ['2', 'kQNhKFdEEeeJ+ND/VsPGWA==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000', 'telephone-event/8000'], 40002],
    ]);
    expect(session.streams[0].telephoneEventPayloadType).toBe(101);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '1'], ['audio', 40002, '0 101', 'recvonly', '2']]);
    expect(sdp).toContain('a=fmtp:101 0-16');
    expect(warnings).toEqual(['ignored body part: application/gtd', 'no stream carries the customer: objections will not be detected; set sip.roles.internalDomains/customerPatterns']);
  });

  it('takes Cisco network-based recording participants from X-Cisco-Recording-Participant by media-index', () => {
    const { session, sdp } = accept('05-cisco-cube-nbr-no-metadata.sip');
    expect(session.callId).toBe('5B3A1C00-0A1911EA-8C2DC0A8-6A29DE11@192.0.2.10');
    expect(session.callIdSource).toBe('Call-ID');
    expect(session.metadataNamespace).toBeUndefined();
    expect(session.participants).toEqual([
      { id: 'nbr-0', aor: 'sip:2125550120@example.org', role: 'customer', roleSource: 'complement' },
      { id: 'nbr-1', aor: 'sip:20053@10.144.106.41', role: 'agent', roleSource: 'extensionPattern' },
    ]);
    expect(streamRows(session)).toEqual([
      ['m0', 'nbr-0', 'customer', 'sendonly', 'PCMU', ['PCMU/8000', 'telephone-event/8000', 'CN/8000'], 40000],
    ]);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', undefined]]);
  });

  it('reads the Oracle/Acme draft format: space before boundary, old namespace, send inside participant, trailing space after the closing delimiter', () => {
    const { session, sdp, warnings } = accept('07-oracle-acme-draft-format.sip');
    expect(session.callId).toBe('513724f0448795cafb0323fb1ab1cba0@10.116.28.171');
    expect(session.callIdSource).toBe('Call-ID');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording');
    expect(session.participants).toEqual([
      { id: 'fSD3PFErSjNTHLDiXCELjw==', aor: 'sip:9000@192.168.50.102', name: '9000', role: 'customer', roleSource: 'callingParty' },
      { id: 'EbccNyypRlFYXTm4iw8hxw==', aor: 'sip:1002@192.168.50.10', name: '1002', role: 'agent', roleSource: 'callingParty' },
    ]);
    expect(streamRows(session)).toEqual([
      ['16777227', 'fSD3PFErSjNTHLDiXCELjw==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000'], 40000],
      ['16777228', 'EbccNyypRlFYXTm4iw8hxw==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000'], 40002],
    ]);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0', 'recvonly', '16777227'], ['audio', 40002, '0', 'recvonly', '16777228']]);
    expect(warnings).toEqual([]);
  });

  it('keeps the Avaya dummy participant without letting it take a role or a stream', () => {
    const { session, sdp, warnings } = accept('08-avaya-sbce-initial-dummy-participant.sip');
    expect(session.callId).toBe('3f1c2a7e-5d1b-4c2e-9a51-1e0b0c0d0e01@192.0.2.10');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording:1');
    expect(session.participants).toEqual([
      { id: 'b536ff63b7f3643d4d7b', aor: 'sip:12125550101@10.64.110.65', role: 'customer', roleSource: 'order' },
      { id: 'abcdef12345678901234', aor: 'sip:ASBCE@asbce.com', role: 'unknown', roleSource: 'noStream' },
    ]);
    expect(streamRows(session)).toEqual([
      ['10', 'b536ff63b7f3643d4d7b', 'customer', 'sendonly', 'PCMU', ['PCMU/8000', 'PCMA/8000', 'G729/8000', 'telephone-event/8000'], 40000],
    ]);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '10']]);
    expect(warnings).toEqual(['rs-metadata uses <dataMode> for <datamode>', 'metadata stream with label 20 has an empty stream id']);
  });

  it('reads BroadWorks pre-RFC metadata placed before the SDP and warns about the declared label the SDP lacks', () => {
    const { session, sdp, warnings } = accept('12-broadworks-webex-calling-metadata-first.sip');
    expect(session.callId).toBe('45a32b36-2a6a-4ec1-9cf3-47824099fcd4');
    expect(session.callIdSource).toBe('extension:broadWorksRecordingMetadata');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:siprec');
    expect(session.participants).toEqual([
      { id: 'urn:uuid:53876310-87f4-4b34-bc74-399cc79c10b7', aor: 'sip:kculs9klre@44936045.int10.bcld.example.com', role: 'agent', roleSource: 'recordedParty' },
      { id: 'urn:uuid:0d49e1a6-8632-4806-9d63-efdf054260bd', aor: 'sip:7711@10.155.7.148;user=phone', role: 'agent', roleSource: 'extensionPattern' },
    ]);
    expect(streamRows(session)).toEqual([
      ['1', 'urn:uuid:53876310-87f4-4b34-bc74-399cc79c10b7', 'agent', 'sendonly', 'PCMU',
        ['opus/48000/2', 'telephone-event/8000', 'PCMU/8000', 'PCMA/8000', 'G722/8000', 'telephone-event/48000'], 40000],
    ]);
    expect(session.streams[0].payloadType).toBe(0);
    expect(session.streams[0].telephoneEventPayloadType).toBe(101);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '1']]);
    expect(warnings).toContain('metadata declares stream label 2 that the SDP does not offer');
  });

  it('records the Metaswitch single mixed stream, choosing PCMU over the G.729 listed first', () => {
    const { session, sdp } = accept('15-metaswitch-mixed-g729-initial.sip');
    expect(session.callId).toBe('2f9a77c1-ms16g@192.0.2.10');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording');
    expect(session.participants).toEqual([
      { id: '+zzHgOKREeanqeyezQV3BA==', aor: '2125550111', name: '2125550111', role: 'customer', roleSource: 'complement' },
      { id: '+zzISOKREeanqeyezQV3BA==', aor: '2125550110', name: '2125550110', role: 'agent', roleSource: 'recordedParty' },
    ]);
    expect(streamRows(session)).toEqual([['1', undefined, 'mixed', 'sendrecv', 'PCMU', ['G729/8000', 'PCMU/8000', 'PCMA/8000'], 40000]]);
    expect(session.streams[0].participantIds).toEqual(['+zzHgOKREeanqeyezQV3BA==', '+zzISOKREeanqeyezQV3BA==']);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0', 'recvonly', '1']]);
  });

  it('reads AudioCodes metadata with phone-number participant ids and AoRs without a scheme, and no CRLF after the closing delimiter', () => {
    const { session, sdp, warnings } = accept('18-audiocodes-mediant-siprec.sip');
    expect(session.callId).toBe('1974564438218202316425@203.0.113.30');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording');
    expect(session.participants).toEqual([
      { id: '+12125550160', aor: '+12125550160@example.com', role: 'customer', roleSource: 'order' },
      { id: '+12125550161', aor: '+12125550161@example.com', role: 'agent', roleSource: 'order' },
    ]);
    expect(streamRows(session)).toEqual([
      ['1', '+12125550160', 'customer', 'sendonly', 'PCMU', ['PCMU/8000', 'telephone-event/8000'], 40000],
      ['2', '+12125550161', 'agent', 'sendonly', 'PCMU', ['PCMU/8000', 'telephone-event/8000'], 40002],
    ]);
    expect(session.streams.map((s) => s.ptimeMs)).toEqual([20, 20]);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '1'], ['audio', 40002, '0 101', 'recvonly', '2']]);
    expect(warnings).toEqual([]);
  });

  it('follows the Sonus tns: metadata where label 1 is sent by the second participant, not by order', () => {
    const { session, sdp } = accept('20-sonus-sbc-tns-prefix.sip');
    expect(session.callId).toBe('0a5a5f62-a606-1235-d6a2-5254003a4988');
    expect(session.callIdSource).toBe('extension:callData');
    expect(session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording');
    expect(session.participants).toEqual([
      { id: 'ZjExNDNiMDItNjk1MS0xMA==', aor: '2125550172@172.16.198.55', name: '2125550172', role: 'customer', roleSource: 'order' },
      { id: 'ZjExNDNiMDMtNjk1MS0xMA==', aor: '2125550173@172.16.195.72', role: 'agent', roleSource: 'order' },
    ]);
    expect(streamRows(session)).toEqual([
      ['1', 'ZjExNDNiMDMtNjk1MS0xMA==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000'], 40000],
      ['2', 'ZjExNDNiMDItNjk1MS0xMA==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000'], 40002],
    ]);
    expect(session.streams.map((s) => s.remoteAddress)).toEqual(['172.16.169.132', '172.16.169.132']);
    expect(mLines(sdp)).toEqual([['audio', 40000, '0', 'recvonly', '1'], ['audio', 40002, '0', 'recvonly', '2']]);
  });

  it('answers OpenSIPS SDP without c= and t= lines and binds streams by order only because the metadata has no association', () => {
    const { session, sdp, warnings } = accept('21-opensips-2x-sdp-without-c-and-t.sip');
    expect(session.callId).toBe('2d8abbf0769c66e15bb349f509693d60@203.0.113.40');
    expect(session.callIdSource).toBe('sipSessionID');
    expect(session.participants).toEqual([
      { id: 'WEWTz80cS1Cqdyepmu3STQ==', aor: 'sip:0555550180@203.0.113.40', name: 'test_user', role: 'customer', roleSource: 'order' },
      { id: '21Isz6eFRYuiDN0vEkVXQQ==', aor: 'sip:0555550181@sip-cust1.example.com', role: 'agent', roleSource: 'order' },
    ]);
    expect(streamRows(session)).toEqual([
      ['1', 'WEWTz80cS1Cqdyepmu3STQ==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000', 'PCMA/8000', 'GSM/8000', 'telephone-event/8000'], 40000],
      ['2', '21Isz6eFRYuiDN0vEkVXQQ==', 'agent', 'sendonly', 'PCMU', ['PCMA/8000', 'PCMU/8000', 'telephone-event/8000'], 40002],
    ]);
    expect(session.streams[0].remoteAddress).toBeUndefined();
    expect(mLines(sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '1'], ['audio', 40002, '0 101', 'recvonly', '2']]);
    expect(warnings).toEqual([
      'SDP has no c= line; RTP is taken from whatever address sends it',
      'metadata associates no participant with a stream; streams bound to participants in order',
    ]);
  });
});

describe('SIPREC corpus: requests inside a recording session', () => {
  it('applies the RFC partial-hold re-INVITE to the 01 session, keeping ports and stream owners', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('01-rfc-example-audio-video-complete.sip'), ctx);
    const d = interpretInDialog(fixture('02-rfc-example-partial-hold-reinvite.sip'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(d.leasedPorts).toEqual([]);
    expect(mLines(d.response.sdp)).toEqual([
      ['audio', 40000, '0', 'recvonly', '96'], ['video', 0, '96', undefined, undefined],
      ['audio', 40002, '0', 'recvonly', '98'], ['video', 0, '96', undefined, undefined],
    ]);
    expect(d.response.sdp).toMatch(/^o=modsvar \d+ 1 IN IP4/m); // unchanged answer keeps its version (RFC 3264 §8)
    expect(d.session.callId).toBe('ab30317f1a784dc48ff824d0d3715d86');
    expect(d.session.participants.map((p) => [p.id, p.aor, p.name, p.role])).toEqual([
      ['srfBElmCRp2QB23b7Mpk0w==', 'sip:alice@atlanta.com', 'Alice', 'customer'],
      ['zSfPoSvdSDCmU3A3TRDxAw==', 'sip:bob@biloxy.com', 'Bob', 'agent'],
    ]);
    expect(streamRows(d.session).filter((r) => r[4])).toEqual([
      ['96', 'srfBElmCRp2QB23b7Mpk0w==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000'], 40000],
      ['98', 'zSfPoSvdSDCmU3A3TRDxAw==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000'], 40002],
    ]);
    expect(d.changes).toEqual([{ type: 'metadata-updated' }]);
    expect(d.change).toEqual({ type: 'metadata-updated' });
  });

  it('applies the Avaya metadata-only UPDATE to the 08 session: the real participant replaces the dummy, no SDP in the 200', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('08-avaya-sbce-initial-dummy-participant.sip'), ctx);
    const d = interpretInDialog(fixture('09-avaya-sbce-update-metadata-only.sip'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(d.response.sdp).toBeUndefined();
    expect(d.session.participants).toEqual([
      { id: 'b536ff63b7f3643d4d7b', aor: 'sip:12125550101@10.64.110.65', role: 'customer', roleSource: 'order' },
      { id: '6add855be46c6970e8fd', aor: 'sip:12125550102@10.64.110.32', role: 'agent', roleSource: 'order' },
    ]);
    expect(streamRows(d.session)).toEqual([
      ['10', 'b536ff63b7f3643d4d7b', 'customer', 'sendonly', 'PCMU', ['PCMU/8000', 'PCMA/8000', 'G729/8000', 'telephone-event/8000'], 40000],
    ]);
    expect(d.changes).toEqual([{ type: 'participants-changed', added: ['6add855be46c6970e8fd'], removed: ['abcdef12345678901234'], reassignedLabels: [] }]);
    expect(d.session.metadataStreams).toEqual({ '0ccc2d78b71d8a1ea1c7': '10', '63a24a2bc6e7c076d738': '20' });
  });

  it('treats the BroadWorks c=0.0.0.0 re-INVITE as a pause: answered inactive on the same port, session kept', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('12-broadworks-webex-calling-metadata-first.sip'), ctx);
    const d = interpretInDialog(fixture('14-broadworks-pause-reinvite-c0000.sip'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '8', 'inactive', '1']]);
    expect(d.session.hold).toBe(true);
    expect(d.session.streams[0].held).toBe(true);
    expect(d.session.streams[0].codec).toBe('PCMA');
    expect(d.session.streams[0].participantId).toBe('urn:uuid:53876310-87f4-4b34-bc74-399cc79c10b7');
    expect(d.session.participants).toHaveLength(2);
    expect(d.changes).toEqual([{ type: 'hold', labels: ['1'], all: true }]);
  });

  it('answers the Avaya BYE with 200 and reports the session ended', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('08-avaya-sbce-initial-dummy-participant.sip'), ctx);
    const d = interpretInDialog(fixture('10-avaya-sbce-bye.sip'), first.session!, ctx);
    expect(d.response).toEqual({ status: 200, reason: 'OK', headers: {} });
    expect(d.change).toEqual({ type: 'ended', reason: 'bye' });
    expect(d.session).toBe(first.session);
  });
});

describe('SIPREC corpus: damaged messages', () => {
  it('refuses the BroadWorks INVITE cut at 2957 bytes (as in drachtio issue 48) with 400 naming the truncation', () => {
    const text = readFileSync(FIXTURES + '12-broadworks-webex-calling-metadata-first.sip', 'latin1').slice(0, 2957);
    const { request, warnings } = parseSipMessage(text);
    expect(warnings).toEqual(['Content-Length 3088 exceeds the 2019 bytes present (truncated message?)']);
    const d = interpretInitialInvite({ ...request, sourceAddress: '127.0.0.1' }, context());
    expect(d.response.status).toBe(400);
    expect(d.response.headers.Warning).toMatch(/truncated/);
  });

  it('answers every corpus message cut anywhere with a final response, never an exception', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sip'));
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(FIXTURES + f, 'utf8');
      const headEnd = text.indexOf('\r\n\r\n') + 4;
      for (let cut = headEnd; cut < text.length; cut += Math.max(1, Math.floor((text.length - headEnd) / 12))) {
        const { request } = parseSipMessage(text.slice(0, cut));
        const d = interpretInitialInvite({ ...request, method: 'INVITE', sourceAddress: '127.0.0.1' }, context());
        expect([200, 400, 413, 415, 488]).toContain(d.response.status);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
