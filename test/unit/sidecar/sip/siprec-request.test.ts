import { describe, expect, it } from 'vitest';
import { interpretInDialog, interpretInitialInvite } from '../../../../sidecar/sip/siprec-request.js';
import type { SessionDescription } from '../../../../sidecar/sip/siprec-types.js';
import { context, fixture, mLines, request, sipConfig } from './helpers.js';

const sdp = (...lines: string[]): string => ['v=0', 'o=- 1 1 IN IP4 192.0.2.9', 's=-', 'c=IN IP4 192.0.2.9', 't=0 0', ...lines, ''].join('\r\n');
const twoStreams = (dir1 = 'sendonly', dir2 = 'sendonly'): string => sdp(
  'm=audio 5000 RTP/AVP 0', `a=${dir1}`, 'a=label:1',
  'm=audio 5002 RTP/AVP 0', `a=${dir2}`, 'a=label:2',
);
const invite = (body: string, type = 'application/sdp', extra: Record<string, string> = {}) => request('INVITE', { 'content-type': type, ...extra }, body);
const reinvite = (body: string, type = 'application/sdp') => request('INVITE', { 'content-type': type, to: '<sip:srs@example.com>;tag=srs1' }, body);

describe('interpretInitialInvite: refusals, in the documented order', () => {
  it('refuses a source outside sip.allowedSources with 403 before looking at the body', () => {
    const d = interpretInitialInvite({ ...invite('garbage', 'text/plain'), sourceAddress: '203.0.113.9' }, context());
    expect(d.response.status).toBe(403);
    expect(d.response.reason).toBe('Forbidden');
    expect(d.response.headers.Warning).toBe('399 srs.example.com "source 203.0.113.9 is not in sip.allowedSources"');
    expect(d.errorCode).toBe('SIPREC_SOURCE_NOT_ALLOWED');
  });

  it('accepts a source inside a configured CIDR network, IPv4-mapped IPv6 included', () => {
    const ctx = context({}, sipConfig({ allowedSources: ['198.51.100.0/24'] }));
    expect(interpretInitialInvite({ ...invite(twoStreams()), sourceAddress: '198.51.100.77' }, ctx).response.status).toBe(200);
    expect(interpretInitialInvite({ ...invite(twoStreams()), sourceAddress: '::ffff:198.51.100.78' }, ctx).response.status).toBe(200);
    expect(interpretInitialInvite({ ...invite(twoStreams()), sourceAddress: '198.51.101.1' }, ctx).response.status).toBe(403);
  });

  it('answers 503 with Retry-After at sip.maxCalls, before reading the body', () => {
    const d = interpretInitialInvite(invite('garbage', 'text/plain'), context({ activeCalls: 200, retryAfterS: 7 }));
    expect(d.response.status).toBe(503);
    expect(d.response.headers['Retry-After']).toBe('7');
    expect(d.response.headers.Warning).toBe('399 srs.example.com "200 recording sessions active (sip.maxCalls 200)"');
    expect(d.leasedPorts).toEqual([]);
  });

  it('answers 400 with the reason in a Warning for a body that is neither SDP nor known', () => {
    const d = interpretInitialInvite(invite('\u0007\u0000\u00ff random bytes', ''), context());
    expect(d.response.status).toBe(400);
    expect(d.response.headers.Warning).toBe('399 srs.example.com "request has a body but no Content-Type"');
    expect(d.session).toBeUndefined();
  });

  it('answers 400 for metadata with a DOCTYPE and names the cause', () => {
    const body = '--b\r\nContent-Type: application/sdp\r\n\r\n' + twoStreams() + '\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<!DOCTYPE r [<!ENTITY a "b">]><recording xmlns="urn:ietf:params:xml:ns:recording:1">&a;</recording>\r\n--b--\r\n';
    const d = interpretInitialInvite(invite(body, 'multipart/mixed;boundary=b'), context());
    expect(d.response.status).toBe(400);
    expect(d.errorCode).toBe('SIPREC_METADATA_DTD');
    expect(d.response.headers.Warning).toContain('DOCTYPE/ENTITY');
  });

  it('records from the SDP alone and warns when the metadata is not well-formed XML', () => {
    const body = '--b\r\nContent-Type: application/sdp\r\n\r\n' + twoStreams() + '\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p1"></recording>\r\n--b--\r\n';
    const d = interpretInitialInvite(invite(body, 'multipart/mixed;boundary=b'), context());
    expect(d.response.status).toBe(200);
    expect(d.session?.metadataNamespace).toBeUndefined();
    expect(d.session?.streams.map((s) => s.label)).toEqual(['1', '2']);
    expect(d.warnings.some((w) => /not well-formed XML.*streams taken from the SDP alone/.test(w))).toBe(true);
  });

  it('marks truncated metadata as probably truncated when the closing delimiter is missing', () => {
    const body = '--b\r\nContent-Type: application/sdp\r\n\r\n' + twoStreams() + '\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p1"><nameID aor="sip:a';
    const d = interpretInitialInvite(invite(body, 'multipart/mixed;boundary=b'), context());
    expect(d.response.status).toBe(400);
    expect(d.response.headers.Warning).toMatch(/not well-formed XML.*truncated\?\)"$/);
  });

  it('answers 488 for SDP without m= lines', () => {
    const d = interpretInitialInvite(invite(sdp()), context());
    expect(d.response.status).toBe(488);
    expect(d.response.headers.Warning).toBe('399 srs.example.com "SDP offer has no m= lines"');
  });

  it('answers 488 with the offered codecs when no audio stream is decodable, and leases no port', () => {
    const d = interpretInitialInvite(fixture('extra/g729-opus-only.sip'), context());
    expect(d.response.status).toBe(488);
    expect(d.response.reason).toBe('Not Acceptable Here');
    expect(d.response.headers.Warning).toBe('399 srs.example.com "no offered audio codec is supported (offered: G729/8000, opus/48000/2; supported: PCMU, PCMA)"');
    expect(d.leasedPorts).toEqual([]);
    expect(d.session?.streams.map((s) => s.offeredCodecs)).toEqual([['G729/8000'], ['opus/48000/2']]);
  });

  it('answers 488 for SRTP-only audio', () => {
    const d = interpretInitialInvite(invite(sdp('m=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x', 'a=label:1')), context());
    expect(d.response.status).toBe(488);
    expect(d.response.headers.Warning).toBe('399 srs.example.com "no audio stream can be received: RTP/SAVP (SRTP) is not supported"');
  });

  it('answers 503 and returns the partial lease when the RTP port pool runs out', () => {
    const d = interpretInitialInvite(invite(twoStreams()), context({ leasePorts: () => [41000] }));
    expect(d.response.status).toBe(503);
    expect(d.leasedPorts).toEqual([41000]);
    expect(d.errorCode).toBe('SIPREC_NO_PORTS');
  });

  it('answers OPTIONS with 200 and refuses a BYE outside any session with 481', () => {
    expect(interpretInitialInvite(request('OPTIONS', {}, ''), context()).response.status).toBe(200);
    expect(interpretInitialInvite(fixture('10-avaya-sbce-bye.sip'), context()).response.status).toBe(481);
  });

  it('never throws, whatever the body', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50; i++) {
      const body = Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(rnd() * 256))).join('');
      for (const type of ['application/sdp', 'multipart/mixed;boundary=x', 'application/rs-metadata+xml', '']) {
        const d = interpretInitialInvite(invite(i % 2 ? `v=0\r\n${body}` : `--x\r\n${body}`, type), context());
        expect(d.response.status).toBeGreaterThanOrEqual(200);
      }
    }
  });
});

describe('interpretInitialInvite: extra vendor kinds', () => {
  it('keeps labels 0 and 1 in the answer and accepts application/sdp;charset=ISO-10646', () => {
    const d = interpretInitialInvite(fixture('extra/labels-0-1-sdp-charset.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '8 101', 'recvonly', '0'], ['audio', 40002, '8 101', 'recvonly', '1']]);
    expect(d.session!.participants).toEqual([
      { id: 'pa', aor: 'sip:+4520123456@pstn.example.com', name: 'Kunde & Co', role: 'customer', roleSource: 'complement' },
      { id: 'pb', aor: 'sip:201@pbx.example.com', name: 'Agent 201', role: 'agent', roleSource: 'extensionPattern' },
    ]);
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.role, s.codec])).toEqual([['0', 'pa', 'customer', 'PCMA'], ['1', 'pb', 'agent', 'PCMA']]);
  });

  it('answers an inactive initial INVITE inactive and leaves streams unassigned when the associations are empty', () => {
    const d = interpretInitialInvite(fixture('extra/inactive-initial-empty-assoc.sip'), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0', 'inactive', '1'], ['audio', 40002, '0', 'inactive', '2']]);
    expect(d.session!.hold).toBe(true);
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.held])).toEqual([['1', undefined, true], ['2', undefined, true]]);
    expect(d.warnings).toContain('metadata associates no stream with any participant yet; streams are unassigned until an update');
  });

  it('binds a reversed label binding as the metadata says, not by order', () => {
    const d = interpretInitialInvite(fixture('extra/reversed-label-binding.sip'), context(
      {}, sipConfig({ roles: { internalDomains: ['sales.example.com'] } })));
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.role])).toEqual([['1', 'callee', 'agent'], ['2', 'caller', 'customer']]);
    expect(d.session!.participants.map((p) => [p.id, p.role, p.roleSource])).toEqual([['caller', 'customer', 'complement'], ['callee', 'agent', 'internalDomain']]);
  });

  it('offers recvonly streams for an INVITE without SDP and completes them from the ACK answer', () => {
    const ctx = context();
    const d = interpretInitialInvite(fixture('extra/delayed-offer-metadata-only.sip'), ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 8 101', 'recvonly', '2'], ['audio', 40002, '0 8 101', 'recvonly', '1']]);
    expect(d.session!.pendingOffer).toBe(true);
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.codec])).toEqual([['2', 'caller', undefined], ['1', 'callee', undefined]]);
    const ackBody = sdp('m=audio 6000 RTP/AVP 8', 'a=sendonly', 'a=label:2', 'm=audio 6002 RTP/AVP 0', 'a=sendonly', 'a=label:1');
    const a = interpretInDialog(request('ACK', { 'content-type': 'application/sdp' }, ackBody), d.session!, ctx);
    expect(a.response.status).toBe(0);
    expect(a.session.pendingOffer).toBeUndefined();
    expect(a.session.streams.map((s) => [s.label, s.codec, s.payloadType, s.remotePort, s.localPort])).toEqual([
      ['2', 'PCMA', 8, 6000, 40000], ['1', 'PCMU', 0, 6002, 40002],
    ]);
  });

  it('offers two streams for an INVITE with neither SDP nor metadata', () => {
    const d = interpretInitialInvite(invite('', ''), context());
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp).map((m) => m[4])).toEqual(['1', '2']);
  });
});

describe('interpretInDialog', () => {
  function start(body = twoStreams()): { session: SessionDescription; ctx: ReturnType<typeof context> } {
    const ctx = context();
    const d = interpretInitialInvite(invite(body), ctx);
    expect(d.response.status).toBe(200);
    return { session: d.session!, ctx };
  }

  it('follows inactive → sendonly → inactive flips without sticking to the first answer', () => {
    const { session, ctx } = start(twoStreams('inactive', 'inactive'));
    expect(session.hold).toBe(true);
    const up = interpretInDialog(reinvite(twoStreams()), session, ctx);
    expect(mLines(up.response.sdp).map((m) => m[3])).toEqual(['recvonly', 'recvonly']);
    expect(up.changes).toEqual([{ type: 'resume', labels: ['1', '2'] }]);
    const down = interpretInDialog(reinvite(twoStreams('inactive', 'inactive')), up.session, ctx);
    expect(mLines(down.response.sdp).map((m) => m[3])).toEqual(['inactive', 'inactive']);
    expect(down.changes).toEqual([{ type: 'hold', labels: ['1', '2'], all: true }]);
    expect(down.response.sdp).toMatch(/^o=modsvar \d+ 3 /m);
  });

  it('keeps the o= version for an unchanged answer (session refresh) and bumps it when the answer changes', () => {
    const { session, ctx } = start();
    const same = interpretInDialog(reinvite(twoStreams()), session, ctx);
    expect(same.response.sdp).toMatch(/^o=modsvar \d+ 1 /m);
    expect(same.changes).toEqual([]);
    const held = interpretInDialog(reinvite(twoStreams('inactive', 'sendonly')), same.session, ctx);
    expect(held.response.sdp).toMatch(/^o=modsvar \d+ 2 /m);
    const again = interpretInDialog(reinvite(twoStreams('inactive', 'sendonly')), held.session, ctx);
    expect(again.response.sdp).toMatch(/^o=modsvar \d+ 2 /m);
  });

  it('reports a partial hold on one stream without holding the session', () => {
    const { session, ctx } = start();
    const d = interpretInDialog(reinvite(twoStreams('sendonly', 'inactive')), session, ctx);
    expect(d.session.hold).toBe(false);
    expect(d.changes).toEqual([{ type: 'hold', labels: ['2'], all: false }]);
  });

  it('keeps the session when a re-INVITE drops a stream, and leases a port only for a new one', () => {
    const { session, ctx } = start();
    const fewer = interpretInDialog(reinvite(sdp('m=audio 5000 RTP/AVP 0', 'a=sendonly', 'a=label:1', 'm=audio 0 RTP/AVP 0', 'a=label:2')), session, ctx);
    expect(fewer.response.status).toBe(200);
    expect(mLines(fewer.response.sdp)).toEqual([['audio', 40000, '0', 'recvonly', '1'], ['audio', 0, '0', undefined, undefined]]);
    expect(fewer.changes).toEqual([{ type: 'streams-removed', labels: ['2'] }]);
    const more = interpretInDialog(reinvite(sdp('m=audio 5000 RTP/AVP 0', 'a=sendonly', 'a=label:1', 'm=audio 0 RTP/AVP 0', 'a=label:2', 'm=audio 5004 RTP/AVP 8', 'a=sendonly', 'a=label:3')), fewer.session, ctx);
    expect(more.leasedPorts).toEqual([40004]);
    expect(more.changes).toEqual([
      { type: 'streams-added', labels: ['3'] },
      { type: 'participants-changed', added: ['stream-3'], removed: [], reassignedLabels: [] },
    ]);
  });

  it('reports a transfer as participants-changed with the reassigned label', () => {
    const meta = (aor: string) => `<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>
      <participant participant_id="a"><nameID aor="sip:201@pbx.example.com"/></participant>
      <participant participant_id="${aor}"><nameID aor="sip:${aor}@carrier.example.net"/></participant>
      <stream stream_id="s1"><label>1</label></stream><stream stream_id="s2"><label>2</label></stream>
      <participantstreamassoc participant_id="a"><send>s1</send></participantstreamassoc>
      <participantstreamassoc participant_id="${aor}"><send>s2</send></participantstreamassoc></recording>`;
    const mp = (aor: string) => `--b\r\nContent-Type: application/sdp\r\n\r\n${twoStreams()}\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n${meta(aor)}\r\n--b--\r\n`;
    const ctx = context();
    const first = interpretInitialInvite(invite(mp('4520000001'), 'multipart/mixed;boundary=b'), ctx);
    const d = interpretInDialog(reinvite(mp('4520000002'), 'multipart/mixed;boundary=b'), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(d.changes).toEqual([{ type: 'participants-changed', added: ['4520000002'], removed: ['4520000001'], reassignedLabels: ['2'] }]);
    expect(d.session.streams.map((s) => [s.label, s.participantId, s.role, s.localPort])).toEqual([['1', 'a', 'agent', 40000], ['2', '4520000002', 'customer', 40002]]);
  });

  it('keeps the current session when a re-INVITE is refused', () => {
    const { session, ctx } = start();
    const body = `--b\r\nContent-Type: application/sdp\r\n\r\n${twoStreams()}\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<!DOCTYPE recording [<!ENTITY x "y">]><recording>&x;</recording>\r\n--b--\r\n`;
    const d = interpretInDialog(reinvite(body, 'multipart/mixed;boundary=b'), session, ctx);
    expect(d.response.status).toBe(400);
    expect(d.errorCode).toBe('SIPREC_METADATA_DTD');
    expect(d.session).toBe(session);
    expect(d.change).toEqual({ type: 'none' });
  });

  it('answers a mid-call switch to an undecodable codec with port 0 instead of 488, keeping the session', () => {
    const { session, ctx } = start();
    const d = interpretInDialog(reinvite(sdp('m=audio 5000 RTP/AVP 9', 'a=label:1', 'm=audio 5002 RTP/AVP 9', 'a=label:2')), session, ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp)).toEqual([['audio', 0, '9', undefined, undefined], ['audio', 0, '9', undefined, undefined]]);
    expect(d.changes).toEqual([{ type: 'streams-removed', labels: ['1', '2'] }]);
    expect(d.warnings).toContain('the offer has no audio stream we can receive; every stream is answered with port 0 and the session goes on');
    const back = interpretInDialog(reinvite(twoStreams()), d.session, ctx);
    expect(back.changes).toEqual([{ type: 'streams-added', labels: ['1', '2'] }]);
    expect(back.leasedPorts).toEqual([40004, 40006]);
  });

  it('keeps the call ID when a transfer brings metadata with another vendor call ID', () => {
    const meta = (id: string) => `--b\r\nContent-Type: application/sdp\r\n\r\n${twoStreams()}\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n<recording xmlns="urn:ietf:params:xml:ns:recording:1"><session><sipSessionID>${id}</sipSessionID></session></recording>\r\n--b--\r\n`;
    const ctx = context();
    const first = interpretInitialInvite(invite(meta('aaaa1111'), 'multipart/mixed;boundary=b'), ctx);
    const d = interpretInDialog(reinvite(meta('bbbb2222'), 'multipart/mixed;boundary=b'), first.session!, ctx);
    expect(first.session!.callId).toBe('aaaa1111');
    expect(d.session.callId).toBe('aaaa1111');
    expect(d.session.callIdSource).toBe('sipSessionID');
  });

  it('refuses an SDP with a malformed m= line with 400 rather than shifting the answer', () => {
    const { session, ctx } = start();
    const d = interpretInDialog(reinvite(sdp('m=audio [port] RTP/AVP 0', 'a=label:1')), session, ctx);
    expect(d.response.status).toBe(400);
    expect(d.response.headers.Warning).toBe('399 srs.example.com "SDP m= line 1 is malformed: \'m=audio [port] RTP/AVP 0\'"');
  });

  it('answers a re-INVITE without SDP with an offer of the current streams on their ports', () => {
    const { session, ctx } = start();
    const d = interpretInDialog(reinvite('', ''), session, ctx);
    expect(mLines(d.response.sdp)).toEqual([['audio', 40000, '0 8 101', 'recvonly', '1'], ['audio', 40002, '0 8 101', 'recvonly', '2']]);
    expect(d.session.pendingOffer).toBe(true);
  });

  it('answers CANCEL, OPTIONS and INFO with 200 and an unknown method with 405 + Allow', () => {
    const { session, ctx } = start();
    expect(interpretInDialog(request('CANCEL', {}, ''), session, ctx).change).toEqual({ type: 'ended', reason: 'cancel' });
    expect(interpretInDialog(request('OPTIONS', {}, ''), session, ctx).response.status).toBe(200);
    expect(interpretInDialog(request('INFO', {}, ''), session, ctx).response.status).toBe(200);
    const d = interpretInDialog(request('REFER', {}, ''), session, ctx);
    expect(d.response.status).toBe(405);
    expect(d.response.headers.Allow).toBe('INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO');
  });

  it('accepts a re-INVITE that sets every port to 0 and reports both streams removed', () => {
    const { session, ctx } = start();
    const d = interpretInDialog(reinvite(sdp('m=audio 0 RTP/AVP 0', 'a=label:1', 'm=audio 0 RTP/AVP 0', 'a=label:2')), session, ctx);
    expect(d.response.status).toBe(200);
    expect(mLines(d.response.sdp).map((m) => m[1])).toEqual([0, 0]);
    expect(d.changes).toEqual([{ type: 'streams-removed', labels: ['1', '2'] }]);
  });
});

describe('stream binding when SDP labels and metadata labels disagree', () => {
  const meta = `<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>
    <participant participant_id="c"><nameID aor="sip:+4520000001@carrier.example.net"/></participant>
    <participant participant_id="a"><nameID aor="sip:201@pbx.example.com"/></participant>
    <stream stream_id="s1"><label>100</label></stream><stream stream_id="s2"><label>200</label></stream>
    <participantstreamassoc participant_id="c"><send>s1</send></participantstreamassoc>
    <participantstreamassoc participant_id="a"><send>s2</send></participantstreamassoc></recording>`;
  const body = (l1: string, l2: string) => `--b\r\nContent-Type: application/sdp\r\n\r\n${sdp('m=audio 5000 RTP/AVP 0', `a=label:${l1}`, 'm=audio 5002 RTP/AVP 0', `a=label:${l2}`)}\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n${meta}\r\n--b--\r\n`;

  it('binds by label when labels match, even with spaces after a=label:', () => {
    const d = interpretInitialInvite(invite(body(' 200', '100'), 'multipart/mixed;boundary=b'), context());
    expect(d.session!.streams.map((s) => [s.label, s.participantId])).toEqual([['200', 'a'], ['100', 'c']]);
    expect(d.warnings).toEqual([]);
  });

  it('falls back to metadata order with a warning when no label matches', () => {
    const d = interpretInitialInvite(invite(body('1', '2'), 'multipart/mixed;boundary=b'), context());
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.role])).toEqual([['1', 'c', 'customer'], ['2', 'a', 'agent']]);
    expect(d.warnings).toContain('no SDP a=label matches a metadata <label>; metadata streams bound to m= lines in order');
    expect(d.warnings).toContain('metadata declares stream labels 100, 200 that the SDP does not offer');
  });

  it('gives a stream added to an SDP-only session its own participant', () => {
    const ctx = context();
    const session = interpretInitialInvite(invite(sdp('m=audio 5000 RTP/AVP 0', 'a=sendonly', 'a=label:1')), ctx).session!;
    const d = interpretInDialog(reinvite(twoStreams()), session, ctx);
    expect(d.changes).toEqual([{ type: 'streams-added', labels: ['2'] }, { type: 'participants-changed', added: ['stream-2'], removed: [], reassignedLabels: [] }]);
    expect(d.session.streams.map((s) => [s.label, s.participantId])).toEqual([['1', 'stream-1'], ['2', 'stream-2']]);
  });

  it('binds streams in order when the metadata has participants but no <stream> at all (OpenSIPS)', () => {
    const meta = `<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>
      <participant participant_id="x"><nameID aor="sip:+4520000001@carrier.example.net"/></participant>
      <participant participant_id="y"><nameID aor="sip:+4520000002@carrier.example.net"/></participant></recording>`;
    const body = `--b\r\nContent-Type: application/sdp\r\n\r\n${sdp('m=audio 5000 RTP/AVP 2 0 101', 'a=label:1', 'm=audio 5002 RTP/AVP 0', 'a=label:2')}\r\n--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n${meta}\r\n--b--\r\n`;
    const d = interpretInitialInvite(invite(body, 'multipart/mixed;boundary=b'), context());
    expect(d.session!.streams.map((s) => [s.label, s.participantId, s.role, s.offeredCodecs])).toEqual([
      ['1', 'x', 'customer', ['G726-32/8000', 'PCMU/8000', 'PT101']], ['2', 'y', 'agent', ['PCMU/8000']],
    ]);
    expect(d.warnings).toContain('metadata associates no participant with a stream; streams bound to participants in order');
  });

  it('rebinds a mixed stream to a single sender when a metadata-only UPDATE says so', () => {
    const ctx = context();
    const first = interpretInitialInvite(fixture('15-metaswitch-mixed-g729-initial.sip'), ctx);
    expect(first.session!.streams[0].participantIds).toHaveLength(2);
    const meta = `<recording xmlns="urn:ietf:params:xml:ns:recording"><datamode>complete</datamode>
      <participant participant_id="+zzISOKREeanqeyezQV3BA=="><nameID aor="2125550110"/></participant>
      <stream id="+zzFquKREeanqeyezQV3BA=="><label>1</label></stream>
      <participantstreamassoc participant_id="+zzISOKREeanqeyezQV3BA=="><send>+zzFquKREeanqeyezQV3BA==</send></participantstreamassoc></recording>`;
    const d = interpretInDialog(request('UPDATE', { 'content-type': 'application/rs-metadata', to: '<sip:srs@example.com>;tag=t' }, meta), first.session!, ctx);
    expect(d.response.status).toBe(200);
    expect(d.session.streams.map((x) => [x.label, x.participantId, x.participantIds, x.role, x.localPort])).toEqual([['1', '+zzISOKREeanqeyezQV3BA==', undefined, 'agent', 40000]]);
    expect(d.changes).toEqual([{ type: 'participants-changed', added: [], removed: ['+zzHgOKREeanqeyezQV3BA=='], reassignedLabels: ['1'] }]);
  });
});
