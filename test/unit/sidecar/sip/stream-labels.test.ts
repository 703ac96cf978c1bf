import { describe, expect, it } from 'vitest';
import { parseSdpOffer } from '../../../../sidecar/sip/sdp-answer.js';
import { offerStreamLabels, uniqueStreamLabels } from '../../../../sidecar/sip/stream-labels.js';

describe('stream labels', () => {
  it('makes labels unique by occurrence, stepping over labels already taken', () => {
    expect(uniqueStreamLabels(['1', '2', '1', '1'])).toEqual(['1', '2', '1~2', '1~3']);
    expect(uniqueStreamLabels(['1', '1~2', '1'])).toEqual(['1', '1~2', '1~3']);
    expect(uniqueStreamLabels(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('labels each m= line of an offer by a=label, else m<index>, unique in the session', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n'
      + 'm=audio 1000 RTP/AVP 0\r\na=label:7\r\nm=audio 1002 RTP/AVP 0\r\nm=audio 1004 RTP/AVP 0\r\na=label:7\r\n';
    expect(offerStreamLabels(parseSdpOffer(sdp))).toEqual(['7', 'm1', '7~2']);
  });
});
