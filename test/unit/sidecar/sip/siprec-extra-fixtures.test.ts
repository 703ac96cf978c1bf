/**
 * Vendor kinds beyond the corpus (test/fixtures/siprec/extra), each from a public failure report:
 * BroadWorks dual-stream metadata (drachtio #48), AudioCodes both-inactive re-INVITE (drachtio #77),
 * a metadata-only re-INVITE (VoiceBlender #129), GIGA labels 0/1 with an odd attribute (loreste/siprec #7).
 */
import { describe, expect, it } from 'vitest';
import { interpretInDialog, interpretInitialInvite } from '../../../../sidecar/sip/siprec-request.js';
import { context, fixture, mLines, request } from './helpers.js';

describe('extra vendor fixtures', () => {
  it('binds BroadWorks dual-stream metadata (metadata part first, <send><id>) and makes the BroadWorks user the agent', () => {
    const d = interpretInitialInvite(fixture('extra/broadworks-dual-stream.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '1'], ['audio', 40002, '0 101', 'recvonly', '2']]);
    const s = d.session!;
    expect(s.callId).toBe('7c1e2f30-1111-4a4a-9b9b-222233334444');
    expect(s.callIdSource).toBe('extension:broadWorksRecordingMetadata');
    expect(s.metadataNamespace).toBe('urn:ietf:params:xml:ns:siprec');
    expect(s.participants).toEqual([
      { id: 'urn:uuid:11111111-0000-4000-8000-0000000000a1', aor: 'sip:+4533123456@as.example.com;user=phone', role: 'customer', roleSource: 'complement' },
      { id: 'urn:uuid:11111111-0000-4000-8000-0000000000a2', aor: 'sip:sales.agent4@as.example.com', role: 'agent', roleSource: 'recordedParty' },
    ]);
    expect(s.streams.map((x) => [x.label, x.participantId, x.role, x.codec, x.offeredCodecs])).toEqual([
      ['1', 'urn:uuid:11111111-0000-4000-8000-0000000000a1', 'customer', 'PCMU', ['PCMA/8000', 'PCMU/8000', 'telephone-event/8000']],
      ['2', 'urn:uuid:11111111-0000-4000-8000-0000000000a2', 'agent', 'PCMU', ['PCMA/8000', 'PCMU/8000', 'telephone-event/8000']],
    ]);
  });

  it('answers the AudioCodes re-INVITE with both streams inactive as inactive, not recvonly, and keeps the call', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('18-audiocodes-mediant-siprec.sip'), ctx);
    const d = interpretInDialog(fixture('extra/audiocodes-reinvite-both-inactive.sip'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 101', 'inactive', '1'], ['audio', 40002, '0 101', 'inactive', '2']]);
    expect(d.changes).toEqual([{ type: 'hold', labels: ['1', '2'], all: true }]);
    expect(d.session.participants.map((p) => [p.id, p.role])).toEqual([['+12125550160', 'customer'], ['+12125550161', 'agent']]);
    expect(d.session.streams.map((s) => [s.label, s.participantId])).toEqual([['1', '+12125550160'], ['2', '+12125550161']]);
  });

  it('takes a re-INVITE whose body is only rs-metadata as metadata, offers the current streams and applies the ACK answer', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('18-audiocodes-mediant-siprec.sip'), ctx);
    const d = interpretInDialog(fixture('extra/metadata-only-reinvite.sip'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 8 101', 'recvonly', '1'], ['audio', 40002, '0 8 101', 'recvonly', '2']]);
    expect(d.changes).toEqual([{ type: 'participants-changed', added: ['+12125550199'], removed: ['+12125550161'], reassignedLabels: ['2'] }]);
    expect(d.session.pendingOffer).toBe(true);
    expect(d.session.callId).toBe('1974564438218202316425@203.0.113.30');
    const answer = ['v=0', 'o=AudiocodesGW 1 3 IN IP4 203.0.113.30', 's=-', 'c=IN IP4 203.0.113.30', 't=0 0',
      'm=audio 7232 RTP/AVP 0', 'a=sendonly', 'a=label:1', 'm=audio 7236 RTP/AVP 0', 'a=sendonly', 'a=label:2', ''].join('\r\n');
    const ack = interpretInDialog(request('ACK', { 'content-type': 'application/sdp' }, answer), d.session, ctx);
    expect(ack.response.status).toBe(0);
    expect(ack.changes).toEqual([]);
    expect(ack.session.streams.map((s) => [s.label, s.participantId, s.codec, s.remotePort, s.localPort])).toEqual([
      ['1', '+12125550160', 'PCMU', 7232, 40000], ['2', '+12125550199', 'PCMU', 7236, 40002],
    ]);
  });

  it('answers a GIGA offer with labels 0/1 and an unknown attribute without echoing the attribute', () => {
    const d = interpretInitialInvite(fixture('extra/giga-odd-attribute-labels-0-1.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 101', 'recvonly', '0'], ['audio', 40002, '0 101', 'recvonly', '1']]);
    expect(d.response.sdp).not.toContain('3gOoBTC');
    expect(d.response.sdp).not.toContain('a=rtcp');
    expect(d.session!.callId).toBe('9f9f9f9f9f9f4f9f9f9f9f9f9f9f9f9f');
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.role])).toEqual([['0', 'g-a', 'customer'], ['1', 'g-b', 'agent']]);
  });
});
