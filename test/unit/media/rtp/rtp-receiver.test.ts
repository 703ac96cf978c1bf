import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { buildRtpPacket, type RtpPacket } from '../../../../media/rtp/rtp-packet.js';
import { isPrivateAddress, isUsableSource, NAT_LATCH_PACKETS, PayloadKind, RtpReceiver } from '../../../../media/rtp/rtp-receiver.js';
import { openSender, seededRandom, sendRaw, until } from '../../../helpers/media.js';

const logger = silentLogger();
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

const rtp = (pt: number, seq: number) =>
  buildRtpPacket({ payloadType: pt, sequenceNumber: seq, timestamp: seq * 160, ssrc: 7, payload: new Uint8Array(160) });

async function receiver(extra: { expectedSource?: { address: string; port: number } } = {}) {
  const got: Array<{ kind: PayloadKind; seq: number; pt: number }> = [];
  const r = await RtpReceiver.open(
    {
      bindAddress: '127.0.0.1', port: 0, audioPayloadTypes: [0, 8], telephoneEventPayloadType: 101, logger, ...extra,
    },
    (p: RtpPacket, _data, kind) => got.push({ kind, seq: p.sequenceNumber, pt: p.payloadType }),
  );
  opened.push(r);
  return { r, got };
}

async function sender(address = '127.0.0.1') {
  const s = await openSender(address);
  opened.push(s);
  return s;
}

describe('isUsableSource', () => {
  it('rejects the SDP placeholders that mean "latch"', () => {
    expect(isUsableSource(undefined)).toBe(false);
    expect(isUsableSource({ address: '0.0.0.0', port: 4000 })).toBe(false);
    expect(isUsableSource({ address: '::', port: 4000 })).toBe(false);
    expect(isUsableSource({ address: '10.0.0.1', port: 0 })).toBe(false);
    expect(isUsableSource({ address: 'sbc.example.com', port: 4000 })).toBe(false);
    expect(isUsableSource({ address: '10.0.0.1', port: 4000 })).toBe(true);
  });
});

describe('isPrivateAddress', () => {
  it('knows the private, CGNAT and link-local ranges', () => {
    for (const a of ['10.0.0.1', '172.16.5.4', '172.31.255.1', '192.168.1.1', '100.64.0.1', '169.254.1.1', 'fd00::1', 'fe80::1']) {
      expect(isPrivateAddress(a)).toBe(true);
    }
    for (const a of ['172.32.0.1', '192.169.0.1', '8.8.8.8', '127.0.0.1', '100.128.0.1', '2001:db8::1']) {
      expect(isPrivateAddress(a)).toBe(false);
    }
  });
});

describe('RtpReceiver', () => {
  it('latches onto the first source when the SDP gives none, and drops other sources', async () => {
    const { r, got } = await receiver();
    const a = await sender();
    const b = await sender();
    await sendRaw(a.socket, [rtp(0, 1)], r.port);
    await until(() => got.length === 1, 'first packet');
    await sendRaw(b.socket, [rtp(0, 2), rtp(0, 3)], r.port);
    await sendRaw(a.socket, [rtp(0, 4)], r.port);
    await until(() => got.length === 2, 'second packet from the latched source');
    expect(got.map((g) => g.seq)).toEqual([1, 4]);
    expect(r.wrongSource).toBe(2);
    expect(r.source).toEqual({ address: '127.0.0.1', port: a.port });
  });

  it('accepts only the negotiated address and drops packets from elsewhere', async () => {
    const good = await sender('127.0.0.2');
    const { r, got } = await receiver({ expectedSource: { address: '127.0.0.2', port: good.port } });
    const bad = await sender('127.0.0.1');
    await sendRaw(bad.socket, [rtp(0, 1)], r.port);
    await sendRaw(good.socket, [rtp(0, 2)], r.port);
    await until(() => got.length === 1, 'packet from the negotiated source');
    expect(got[0].seq).toBe(2);
    expect(r.wrongSource).toBe(1);
  });

  it('does not latch onto a datagram that is not valid RTP of a negotiated type', async () => {
    const { r, got } = await receiver();
    const stray = await sender();
    const real = await sender();
    await sendRaw(stray.socket, [Uint8Array.from([1, 2, 3]), rtp(96, 1)], r.port);
    await sendRaw(real.socket, [rtp(0, 2)], r.port);
    await until(() => got.length === 1, 'the real packet');
    expect(r.malformed).toBe(1);
    expect(r.unknownPayloadType).toBe(1);
    expect(r.source?.port).toBe(real.port);
  });

  it('classifies telephone-event and comfort noise apart from audio, and counts unknown PTs and RTCP', async () => {
    const { r, got } = await receiver();
    const s = await sender();
    const rtcpReceiverReport = Uint8Array.from([0x80, 201, 0, 1, 0, 0, 0, 7]); // RR, no report blocks
    await sendRaw(s.socket, [rtp(0, 1), rtp(101, 2), rtp(13, 3), rtp(96, 4), rtcpReceiverReport, rtp(8, 5)], r.port);
    await until(() => got.length === 4, 'four accepted packets');
    await until(() => r.rtcp === 1, 'rtcp counted');
    expect(got.map((g) => g.kind)).toEqual([PayloadKind.Audio, PayloadKind.TelephoneEvent, PayloadKind.ComfortNoise, PayloadKind.Audio]);
    expect(r.unknownPayloadType).toBe(1);
  });

  it('counts and drops random bytes without crashing, and keeps receiving', async () => {
    const { r, got } = await receiver();
    const s = await sender();
    await sendRaw(s.socket, [rtp(0, 1)], r.port);
    const rand = seededRandom(42);
    const junk = Array.from({ length: 300 }, () => Uint8Array.from({ length: Math.floor(rand() * 200) + 1 }, () => Math.floor(rand() * 256)));
    await s.send(junk.map((j) => Buffer.from(j)), r.port); // paced: loopback drops when the socket buffer fills
    await sendRaw(s.socket, [rtp(0, 2)], r.port);
    await until(() => got.some((g) => g.seq === 2 && g.pt === 0), 'the packet after the junk');
    const counted = r.malformed + r.unknownPayloadType + r.rtcp + (got.length - 2);
    expect(counted).toBe(300);
    expect(r.malformed).toBeGreaterThan(200);
  });

  it('re-latches after setExpectedSource (re-INVITE moved the sender)', async () => {
    const { r, got } = await receiver();
    const a = await sender();
    const b = await sender();
    await sendRaw(a.socket, [rtp(0, 1)], r.port);
    await until(() => got.length === 1, 'first');
    r.setExpectedSource({ address: '127.0.0.1', port: b.port });
    expect(r.source).toEqual({ address: '127.0.0.1', port: b.port });
    await sendRaw(b.socket, [rtp(0, 3)], r.port);
    await until(() => got.length === 2, 'packet from the new source');
    await sendRaw(a.socket, [rtp(0, 2)], r.port);
    await sendRaw(b.socket, [rtp(0, 4)], r.port);
    await until(() => got.length === 3, 'second packet from the new source');
    expect(got.map((g) => g.seq)).toEqual([1, 3, 4]);
    expect(r.wrongSource).toBe(1);
    r.setExpectedSource({ address: '127.0.0.1', port: b.port }); // unchanged re-INVITE: latch kept
    await sendRaw(a.socket, [rtp(0, 5)], r.port);
    await until(() => r.wrongSource === 2, 'old source still refused');
    r.close();
    r.close();
  });

  it('takes RTP from another address when the SDP address is private and silent (sender behind NAT)', async () => {
    const { r, got } = await receiver({ expectedSource: { address: '10.20.30.40', port: 4000 } });
    const natted = await sender();
    const stray = await sender();
    await sendRaw(stray.socket, [rtp(0, 500)], r.port); // one packet from elsewhere breaks no run
    await sendRaw(natted.socket, Array.from({ length: NAT_LATCH_PACKETS + 2 }, (_, i) => rtp(0, i)), r.port);
    await until(() => got.length === 3, 'packets once the NAT source is taken');
    expect(got.map((g) => g.seq)).toEqual([NAT_LATCH_PACKETS - 1, NAT_LATCH_PACKETS, NAT_LATCH_PACKETS + 1]);
    expect(r.wrongSource).toBe(1 + NAT_LATCH_PACKETS - 1);
    expect(r.source).toEqual({ address: '127.0.0.1', port: natted.port });
    await sendRaw(stray.socket, [rtp(0, 501)], r.port);
    await until(() => r.wrongSource === NAT_LATCH_PACKETS + 1, 'stray dropped after latching');
  });
});
