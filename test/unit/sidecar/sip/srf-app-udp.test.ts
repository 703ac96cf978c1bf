import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { getHeader, makeAck, parseSip, serializeSip, type SipMessage } from '../../../servers/sip-message.js';
import { fixture, startHarness, type Harness } from './srf-harness.js';

let h: Harness | undefined;
let udp: Socket | undefined;
afterEach(async () => {
  udp?.close();
  await h?.close();
  h = udp = undefined;
});

describe('SrfApp behind the fake drachtio-server, SIP over UDP', () => {
  it('answers a retransmitted INVITE from the transaction: srf sees it once, one session, one set of ports', async () => {
    h = await startHarness({ udp: true });
    const received: SipMessage[] = [];
    udp = createSocket('udp4');
    udp.on('message', (data) => received.push(parseSip(data)));
    await new Promise<void>((resolve) => udp!.bind(0, '127.0.0.1', () => resolve()));
    const localPort = udp.address().port;
    const invite = fixture('08-avaya-sbce-initial-dummy-participant.sip')
      .replace(/^Via:.*$/m, `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK-udp-retrans-1`)
      .replace(/^Contact:.*$/m, `Contact: <sip:src@127.0.0.1:${localPort}>;+sip.src`);
    const send = (text: string) => udp!.send(Buffer.from(text, 'utf8'), h!.server.sipPort, '127.0.0.1');
    send(invite);
    const ok = await h.server.waitFor(() => received.find((m) => m.status === 200), 5000, '200 OK over UDP');
    send(invite); // the SRC did not see our answer in time and retransmits
    await h.server.waitFor(() => received.filter((m) => m.status === 200).length >= 2, 5000, 'the 200 OK again');
    const retransmitted = received.filter((m) => m.status === 200);
    expect(retransmitted[1].body).toBe(ok.body);
    expect(getHeader(retransmitted[1], 'to')).toBe(getHeader(ok, 'to'));
    const srfAnswers = h.server.frames.filter((f) => f.type === 'sip' && /^SIP\/2\.0 200/.test(f.sip ?? ''));
    expect(srfAnswers).toHaveLength(1);
    expect(h.recordings.size).toBe(1);
    expect(h.pool.leased).toBe(1);
    send(serializeSip(makeAck(parseSip(invite), ok, `SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK-udp-ack-1`)));
    await h.server.waitFor(() => h!.lines.some((l) => l.msg === 'ACK received'), 3000, 'ACK at the dialog');
  });
});

