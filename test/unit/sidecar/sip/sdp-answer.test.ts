import { describe, expect, it } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import { UnsupportedError } from '../../../../sidecar/core/errors.js';
import { buildAnswerSdp, parseSdpOffer, planAnswer } from '../../../../sidecar/sip/sdp-answer.js';

const sdp = (...lines: string[]): string => ['v=0', 'o=- 1 1 IN IP4 192.0.2.9', 's=-', 'c=IN IP4 192.0.2.9', 't=0 0', ...lines, ''].join('\r\n');
const local = { mediaAddress: '198.51.100.20', origin: { sessionId: '42', version: 3 } };

describe('parseSdpOffer', () => {
  it('names static payload types without rtpmap from RFC 3551 and dynamic ones from rtpmap', () => {
    const o = parseSdpOffer(sdp('m=audio 4000 RTP/AVP 18 0 8 96 97', 'a=rtpmap:96 opus/48000/2', 'a=label:1'));
    expect(o.media[0].codecs.map((c) => [c.payloadType, c.name, c.clockRateHz, c.channels])).toEqual([
      [18, 'G729', 8000, undefined], [0, 'PCMU', 8000, undefined], [8, 'PCMA', 8000, undefined], [96, 'opus', 48000, 2], [97, '', 0, undefined],
    ]);
    expect(o.media[0].direction).toBe('sendrecv');
    expect(o.media[0].label).toBe('1');
  });

  it('takes the session-level direction when the m= line has none', () => {
    const o = parseSdpOffer(['v=0', 'o=- 1 1 IN IP4 192.0.2.9', 's=-', 'c=IN IP4 192.0.2.9', 't=0 0', 'a=sendonly', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n'));
    expect(o.media[0].direction).toBe('sendonly');
  });

  it('refuses text that is not SDP with 400', () => {
    expect(() => parseSdpOffer('<recording/>')).toThrow('SDP does not start with v=0');
  });
});

describe('planAnswer + buildAnswerSdp', () => {
  it('writes one m= line per offered line in order, rejecting video, SRTP and undecodable audio with port 0', () => {
    const offer = parseSdpOffer(sdp(
      'm=audio 4000 RTP/AVP 9 8 101', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:30', 'a=sendonly', 'a=label:a',
      'm=video 4002 RTP/AVP 96', 'a=rtpmap:96 VP8/90000', 'a=label:v',
      'm=audio 4004 RTP/SAVP 0', 'a=label:s',
      'm=audio 4006 RTP/AVP 18', 'a=label:g',
    ));
    const plans = planAnswer(offer, ['PCMU', 'PCMA']);
    expect(plans.map((p) => [p.accepted, p.codec, p.payloadType, p.telephoneEventPayloadType, p.rejectedReason])).toEqual([
      [true, 'PCMA', 8, 101, undefined],
      [false, undefined, undefined, undefined, 'video is not recorded'],
      [false, undefined, undefined, undefined, 'RTP/SAVP (SRTP) is not supported'],
      [false, undefined, undefined, undefined, 'no decodable codec (offered: G729/8000)'],
    ]);
    const answer = parseSdp(buildAnswerSdp(offer, plans, [41000], local));
    expect(answer.origin).toMatchObject({ username: 'modsvar', sessionVersion: 3, address: '198.51.100.20' });
    expect(answer.connection).toEqual({ version: 4, ip: '198.51.100.20' });
    expect(answer.media.map((m) => [m.type, m.port, m.protocol, String(m.payloads), m.direction])).toEqual([
      ['audio', 41000, 'RTP/AVP', '8 101', 'recvonly'],
      ['video', 0, 'RTP/AVP', '96', undefined],
      ['audio', 0, 'RTP/SAVP', '0', undefined],
      ['audio', 0, 'RTP/AVP', '18', undefined],
    ]);
    expect(answer.media[0].rtp).toEqual([{ payload: 8, codec: 'PCMA', rate: 8000 }, { payload: 101, codec: 'telephone-event', rate: 8000 }]);
    expect(answer.media[0].fmtp).toEqual([{ payload: 101, config: '0-15' }]);
    expect(answer.media[0].ptime).toBe(30);
  });

  it('echoes the telephone-event at the chosen codec clock rate only', () => {
    const offer = parseSdpOffer(sdp('m=audio 4000 RTP/AVP 111 0 107 101', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:107 telephone-event/48000', 'a=rtpmap:101 telephone-event/8000'));
    expect(planAnswer(offer, ['PCMU'])[0].telephoneEventPayloadType).toBe(101);
  });

  it('answers a=inactive for held offers: a=inactive, a=recvonly and c=0.0.0.0', () => {
    const offer = parseSdpOffer(sdp(
      'm=audio 4000 RTP/AVP 0', 'a=inactive',
      'm=audio 4002 RTP/AVP 0', 'a=recvonly',
      'm=audio 4004 RTP/AVP 0', 'c=IN IP4 0.0.0.0',
      'm=audio 4006 RTP/AVP 0', 'a=sendrecv',
    ));
    const plans = planAnswer(offer, ['PCMU']);
    expect(plans.map((p) => p.held)).toEqual([true, true, true, false]);
    const answer = parseSdp(buildAnswerSdp(offer, plans, [1, 2, 3, 4], local));
    expect(answer.media.map((m) => m.direction)).toEqual(['inactive', 'inactive', 'inactive', 'recvonly']);
  });

  it('throws UnsupportedError 488 for an offer without audio', () => {
    const err = (() => {
      try {
        planAnswer(parseSdpOffer(sdp('m=video 4000 RTP/AVP 96')), ['PCMU']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).sipStatus).toBe(488);
    expect((err as UnsupportedError).message).toBe('SDP offer has no audio stream (offered: video)');
  });
});
