/**
 * A CallDriver that makes a real recorded call: `start` sends a SIPREC INVITE (RFC 7866: multipart/mixed
 * with an SDP offer of two sendonly PCMU streams and RFC 7865 rs-metadata naming the participants and the
 * PBX call ID) through the fake drachtio-server to the sidecar's real drachtio-srf app; each participant's
 * stream is a live RTP flow (silence between turns, as an SBC sends); `play` speaks the turns as scripted
 * audio that the Deepgram protocol server (test/servers/deepgram-server.ts) recognises word by word
 * (amplitude k × 1000 = `vocabulary[k-1]`); `end` sends BYE. Transcripts, objections, cards and the
 * ledger then come from the sidecar's own pipeline, not from the script (`expect` is ignored).
 */
import { createSocket, type Socket } from 'node:dgram';
import alawmulaw from 'alawmulaw';
import { parse as parseSdp } from 'sdp-transform';
import type { FakeDrachtioServer, InjectedRequest } from '../../servers/drachtio-server.js';
import { scriptedSpeech } from '../../servers/deepgram-server.js';
import { getHeader, type SipMessage } from '../../servers/sip-message.js';
import type { CallDriver, CallScript } from './call-driver.js';

const { mulaw } = alawmulaw;
const SILENCE = 0xff; // μ-law silence

/** One participant's RTP stream: a 20 ms PCMU packet every 20 ms, speech when queued, silence otherwise. */
class LiveRtpStream {
  readonly #socket: Socket;
  #queue: Uint8Array = new Uint8Array(0);
  #waiters: Array<{ until: number; resolve: () => void }> = [];
  #sentBytes = 0;
  #queuedBytes = 0;
  #seq = Math.floor(Math.random() * 0x8000);
  #ts = Math.floor(Math.random() * 0x7fffffff);
  readonly #ssrc = Math.floor(Math.random() * 0xffffffff);
  #timer?: NodeJS.Timeout;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async open(): Promise<LiveRtpStream> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new LiveRtpStream(socket);
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  /** Starts sending to `port` on a drift-corrected 20 ms schedule. */
  start(port: number): void {
    const t0 = performance.now();
    let n = 0;
    const tick = () => {
      const payload = new Uint8Array(160).fill(SILENCE);
      const take = Math.min(160, this.#queue.length);
      payload.set(this.#queue.subarray(0, take));
      this.#queue = this.#queue.subarray(take);
      this.#sentBytes += take;
      const packet = Buffer.alloc(172);
      packet[0] = 0x80;
      packet[1] = n === 0 ? 0x80 : 0; // PT 0 (PCMU), marker on the first packet
      packet.writeUInt16BE(this.#seq++ & 0xffff, 2);
      packet.writeUInt32BE(this.#ts >>> 0, 4);
      this.#ts = (this.#ts + 160) >>> 0;
      packet.writeUInt32BE(this.#ssrc >>> 0, 8);
      packet.set(payload, 12);
      this.#socket.send(packet, port, '127.0.0.1');
      this.#waiters = this.#waiters.filter((w) => (this.#sentBytes >= w.until ? (w.resolve(), false) : true));
      n++;
      this.#timer = setTimeout(tick, Math.max(0, t0 + n * 20 - performance.now()));
    };
    tick();
  }

  /** Queues 8 kHz speech; resolves once its last sample was sent. */
  play(samples8k: Int16Array): Promise<void> {
    const bytes = mulaw.encode(samples8k);
    const next = new Uint8Array(this.#queue.length + bytes.length);
    next.set(this.#queue);
    next.set(bytes, this.#queue.length);
    this.#queue = next;
    this.#queuedBytes += bytes.length;
    const until = this.#queuedBytes;
    return new Promise((resolve) => this.#waiters.push({ until, resolve }));
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#socket.close();
  }
}

interface LiveCall {
  invite: InjectedRequest;
  ok: SipMessage;
  streams: LiveRtpStream[];
  cseq: number;
}

/** Options of a {@link SiprecDriver}. */
export interface SiprecDriverOptions {
  /** The fake drachtio-server the sidecar's srf app is connected to. */
  drachtio: FakeDrachtioServer;
  /** The Deepgram test server's vocabulary: every word of every played turn must be in it. */
  vocabulary: readonly string[];
  /** Silence after each turn, ms (longer than the ASR endpointing). Default 900. */
  turnGapMs?: number;
}

export class SiprecDriver implements CallDriver {
  readonly #o: SiprecDriverOptions;
  readonly #calls = new Map<string, LiveCall>();

  constructor(options: SiprecDriverOptions) {
    this.#o = options;
  }

  async start(script: CallScript): Promise<string> {
    const streams = await Promise.all(script.participants.map(() => LiveRtpStream.open()));
    const invite = this.#o.drachtio.inject(siprecInvite(script, streams.map((s) => s.localPort)));
    const ok = await invite.final(10_000);
    if (ok.status !== 200) throw new Error(`SIPREC INVITE for ${script.callId} answered ${ok.status}`);
    const req = invite.request;
    this.#o.drachtio.inject([
      `ACK ${contactUri(ok)} SIP/2.0`, `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack-${Math.random().toString(36).slice(2)}`, 'Max-Forwards: 70',
      `From: ${getHeader(req, 'from')}`, `To: ${getHeader(ok, 'to')}`, `Call-ID: ${getHeader(req, 'call-id')}`, 'CSeq: 1 ACK', 'Content-Length: 0', '', '',
    ].join('\r\n'));
    const answer = parseSdp(ok.body);
    streams.forEach((s, i) => s.start(answer.media[i].port));
    this.#calls.set(script.callId, { invite, ok, streams, cseq: 1 });
    return script.callId;
  }

  async play(script: CallScript, from: number, to: number): Promise<void> {
    const call = this.#calls.get(script.callId);
    if (!call) throw new Error(`call ${script.callId} was not started`);
    for (let i = from; i < to; i++) {
      const turn = script.turns[i];
      const index = script.participants.findIndex((p) => p.role === turn.role);
      const items = [{ k: 0, ms: 100 }];
      for (const word of words(turn.text)) {
        const k = this.#o.vocabulary.indexOf(word) + 1;
        if (k === 0) throw new Error(`"${word}" is not in the Deepgram test vocabulary`);
        items.push({ k, ms: 200 }, { k: 0, ms: 40 });
      }
      items.push({ k: 0, ms: this.#o.turnGapMs ?? 900 });
      await call.streams[index].play(scriptedSpeech(items, 8000));
    }
  }

  async end(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (!call) return;
    this.#calls.delete(callId);
    const req = call.invite.request;
    const bye = [
      `BYE ${contactUri(call.ok)} SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bye-' + Math.random().toString(36).slice(2),
      'Max-Forwards: 70', `From: ${getHeader(req, 'from')}`, `To: ${getHeader(call.ok, 'to')}`, `Call-ID: ${getHeader(req, 'call-id')}`,
      `CSeq: ${++call.cseq} BYE`, 'Content-Length: 0', '', '',
    ].join('\r\n');
    const res = await this.#o.drachtio.inject(bye).final(10_000);
    for (const s of call.streams) s.close();
    if (res.status !== 200) throw new Error(`BYE for ${callId} answered ${res.status}`);
  }

  /** Stops every stream (test teardown). */
  close(): void {
    for (const c of this.#calls.values()) for (const s of c.streams) s.close();
    this.#calls.clear();
  }
}

/** Lower-case words without punctuation, as the scripted recogniser returns them. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s'-]/gu, ' ').split(/\s+/).filter(Boolean);
}

function contactUri(ok: SipMessage): string {
  const contact = getHeader(ok, 'contact') ?? '';
  return /<([^>]+)>/.exec(contact)?.[1] ?? contact.split(';')[0];
}

/** The SIPREC INVITE an SBC sends for `script`: stream i+1 carries participant i. */
function siprecInvite(script: CallScript, ports: number[]): string {
  const tag = Math.random().toString(36).slice(2, 10);
  const sessionId = Buffer.from(`session-${script.callId}`).toString('base64');
  const pid = (i: number) => Buffer.from(`participant-${i}`).toString('base64');
  const sid = (i: number) => Buffer.from(`stream-${i}`).toString('base64');
  const sdp = [
    'v=0', 'o=SBC 1001 1 IN IP4 127.0.0.1', 's=SIPREC', 'c=IN IP4 127.0.0.1', 't=0 0',
    ...ports.flatMap((port, i) => [`m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendonly', `a=label:${i + 1}`]),
  ].join('\r\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const metadata = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
    '<datamode>complete</datamode>',
    `<session session_id="${sessionId}"><sipSessionID>${esc(script.callId)}</sipSessionID></session>`,
    ...script.participants.map((p, i) => `<participant participant_id="${pid(i)}"><nameID aor="${esc(p.aor)}">${p.name ? `<name>${esc(p.name)}</name>` : ''}</nameID></participant>`),
    ...script.participants.map((_, i) => `<stream stream_id="${sid(i)}" session_id="${sessionId}"><label>${i + 1}</label></stream>`),
    ...script.participants.map((_, i) => `<participantstreamassoc participant_id="${pid(i)}"><send>${sid(i)}</send></participantstreamassoc>`),
    '</recording>',
  ].join('\r\n');
  const body = [
    '--siprec-boundary', 'Content-Type: application/sdp', '', sdp, '',
    '--siprec-boundary', 'Content-Type: application/rs-metadata+xml', 'Content-Disposition: recording-session', '', metadata, '',
    '--siprec-boundary--', '',
  ].join('\r\n');
  return [
    'INVITE sip:srs@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${tag}`, 'Max-Forwards: 70',
    `From: "SBC" <sip:sbc@192.0.2.10>;tag=${tag}`, 'To: <sip:srs@127.0.0.1>', `Call-ID: siprec-${tag}@192.0.2.10`, 'CSeq: 1 INVITE',
    'Contact: <sip:sbc@192.0.2.10:5060>;+sip.src', 'Require: siprec', 'Accept: application/sdp, application/rs-metadata',
    'Content-Type: multipart/mixed;boundary=siprec-boundary', `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
}
