import { describe, expect, it } from 'vitest';
import { buildRtpPacket, createRtpPacket, parseRtpPacket } from '../../../../media/rtp/rtp-packet.js';

describe('parseRtpPacket (RFC 3550 §5.1)', () => {
  it('reads every fixed-header field of a plain packet', () => {
    // V=2 P=0 X=0 CC=0 | M=1 PT=0 | seq 0xABCD | ts 0xFFFFFFF0 | SSRC 0x89ABCDEF | 4 payload bytes
    const bytes = Uint8Array.from([0x80, 0x80, 0xab, 0xcd, 0xff, 0xff, 0xff, 0xf0, 0x89, 0xab, 0xcd, 0xef, 1, 2, 3, 4]);
    const p = createRtpPacket();
    expect(parseRtpPacket(bytes, p)).toBe(true);
    expect(p.version).toBe(2);
    expect(p.padding).toBe(false);
    expect(p.extension).toBe(false);
    expect(p.csrcCount).toBe(0);
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(0);
    expect(p.sequenceNumber).toBe(0xabcd);
    expect(p.timestamp).toBe(0xfffffff0);
    expect(p.ssrc).toBe(0x89abcdef);
    expect(p.payloadOffset).toBe(12);
    expect(p.payloadLength).toBe(4);
    expect(p.error).toBeUndefined();
  });

  it('skips CSRCs, an RFC 8285 one-byte extension and padding to find the payload', () => {
    const payload = Uint8Array.from([9, 8, 7, 6, 5]);
    const ext = Uint8Array.from([0x10, 0xaa, 0x00, 0x00, 0x21, 0xbb, 0xcc, 0x00]); // id 1 len 1; id 2 len 2; pad
    const data = buildRtpPacket({
      payloadType: 8, sequenceNumber: 65535, timestamp: 160, ssrc: 42, csrcs: [0x11111111, 0x22222222],
      extension: { profile: 0xbede, data: ext }, paddingBytes: 3, payload,
    });
    const p = createRtpPacket();
    expect(parseRtpPacket(data, p)).toBe(true);
    expect(p.csrcCount).toBe(2);
    expect(p.extension).toBe(true);
    expect(p.extensionProfile).toBe(0xbede);
    expect(p.extensionOffset).toBe(12 + 8 + 4);
    expect(p.extensionBytes).toBe(8);
    expect(p.padding).toBe(true);
    expect(p.paddingBytes).toBe(3);
    expect(p.payloadOffset).toBe(12 + 8 + 12);
    expect(p.payloadLength).toBe(5);
    expect([...data.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)]).toEqual([9, 8, 7, 6, 5]);
    expect(p.payloadType).toBe(8);
    expect(p.sequenceNumber).toBe(65535);
    expect(p.ssrc).toBe(42);
  });

  it('parses only the first `length` bytes when given a length', () => {
    const data = buildRtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: new Uint8Array(160) });
    const p = createRtpPacket();
    expect(parseRtpPacket(data, p, 100)).toBe(true);
    expect(p.payloadLength).toBe(88);
  });

  it.each([
    ['too-short', Uint8Array.from([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])],
    ['bad-version', Uint8Array.from([0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff])],
    ['bad-csrc-length', Uint8Array.from([0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff])],
    ['bad-extension-length', Uint8Array.from([0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x09, 1, 2])],
    ['bad-padding', Uint8Array.from([0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x00])], // count 0
    ['bad-padding', Uint8Array.from([0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x09])], // count > rest
    ['empty-payload', Uint8Array.from([0xa0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x02])], // all padding
    ['empty-payload', Uint8Array.from([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])],
  ])('refuses a malformed packet (%s)', (error, bytes) => {
    const p = createRtpPacket();
    expect(parseRtpPacket(bytes, p)).toBe(false);
    expect(p.error).toBe(error);
  });

  it('never throws on random bytes and reuses the same result object', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const p = createRtpPacket();
    let ok = 0;
    for (let i = 0; i < 5000; i++) {
      const len = rand() % 200;
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++) bytes[j] = rand();
      if (parseRtpPacket(bytes, p)) {
        ok++;
        expect(p.payloadOffset + p.payloadLength + p.paddingBytes).toBe(len);
      }
    }
    expect(ok).toBeGreaterThan(0); // some random datagrams do look like RTP; the receiver's PT check drops those
  });
});
