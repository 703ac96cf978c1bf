/**
 * SDP offer/answer for a recording server (RFC 3264 with RFC 7866 §8.1.1): reads the SRC's offer and
 * writes our answer, or our offer for an INVITE without SDP. Parsing and writing use sdp-transform
 * (https://github.com/clux/sdp-transform). Pure.
 *
 * Answer rules: one m= line per offered m= line, same order (RFC 3264 §6); audio lines with a decodable
 * codec get our `c=` address, a port from the caller, the chosen codec (the first configured codec the
 * offer carries, by rtpmap name or RFC 3551 static payload type), the offer's telephone-event at the same
 * clock rate (RFC 4733; accepted, never decoded), the same `a=label` (RFC 4574) and `a=recvonly` — or
 * `a=inactive` when the offer holds the stream (`a=inactive`, `a=recvonly`, `c=` 0.0.0.0: RFC 3264 §8.4).
 * Every other m= line (video, SRTP, no decodable codec, port 0) is rejected with port 0.
 */
import { parse as parseSdp, write as writeSdp, type SessionDescription as SdpSession } from 'sdp-transform';
import { SiprecError, UnsupportedError } from '../core/errors.js';
import type { DecodableCodec, MediaDirection } from './siprec-types.js';

/** One payload format offered on an m= line. */
export interface OfferedCodec {
  payloadType: number;
  /** Encoding name as sent (`PCMU`, `opus`, `telephone-event`), or from RFC 3551 for static types. */
  name: string;
  clockRateHz: number;
  channels?: number;
  /** `a=fmtp` parameters, when given. */
  fmtp?: string;
}

/** One m= line of the offer. */
export interface OfferedMedia {
  /** 0-based index of the m= line. */
  index: number;
  type: string;
  port: number;
  protocol: string;
  /** Payload formats in offer order (`fmt` list, RFC 4566 §5.14). */
  formats: string[];
  codecs: OfferedCodec[];
  /** `a=sendrecv|sendonly|recvonly|inactive`, media level, else session level, else `sendrecv` (RFC 4566 §6). */
  direction: MediaDirection;
  /** `a=label` (RFC 4574), as text. */
  label?: string;
  /** `c=` address at media level, else session level; absent when the SDP has none (OpenSIPS 2.x). */
  connectionAddress?: string;
  ptimeMs?: number;
}

/** The parsed offer. */
export interface SdpOffer {
  media: OfferedMedia[];
  warnings: string[];
}

/** What we answer for one m= line. */
export interface StreamPlan {
  index: number;
  accepted: boolean;
  codec?: DecodableCodec;
  payloadType?: number;
  telephoneEventPayloadType?: number;
  /** True when the offer holds the stream; we answer `a=inactive`. */
  held: boolean;
  rejectedReason?: string;
}

/** RFC 3551 §6 static payload types (name/clock rate[/channels]). */
const STATIC_TYPES: Record<number, [string, number, number?]> = {
  0: ['PCMU', 8000], 2: ['G726-32', 8000], 3: ['GSM', 8000], 4: ['G723', 8000], 5: ['DVI4', 8000], 6: ['DVI4', 16000], 7: ['LPC', 8000],
  8: ['PCMA', 8000], 9: ['G722', 8000], 10: ['L16', 44100, 2], 11: ['L16', 44100], 12: ['QCELP', 8000], 13: ['CN', 8000],
  14: ['MPA', 90000], 15: ['G728', 8000], 16: ['DVI4', 11025], 17: ['DVI4', 22050], 18: ['G729', 8000],
  25: ['CelB', 90000], 26: ['JPEG', 90000], 28: ['nv', 90000], 31: ['H261', 90000], 32: ['MPV', 90000],
  33: ['MP2T', 90000], 34: ['H263', 90000],
};

/** Codecs the media pipeline can decode: static payload type and RTP clock rate. */
const DECODABLE: Record<DecodableCodec, { staticPt: number; clockRateHz: number }> = {
  PCMU: { staticPt: 0, clockRateHz: 8000 },
  PCMA: { staticPt: 8, clockRateHz: 8000 },
};

/** Format of a codec for display: `PCMU/8000`, `opus/48000/2`, `PT96` for an unmapped dynamic type. */
export function codecLabel(c: OfferedCodec): string {
  if (!c.name) return `PT${c.payloadType}`;
  return `${c.name}/${c.clockRateHz}${c.channels && c.channels > 1 ? `/${c.channels}` : ''}`;
}

const DIRECTIONS = new Set<MediaDirection>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Parses an SDP offer (RFC 4566).
 *
 * @throws SiprecError `SIPREC_BAD_SDP` (400) when the text is not SDP (no `v=0` first line).
 */
export function parseSdpOffer(sdp: string): SdpOffer {
  if (!/^\s*v=0\s*$/m.test(sdp.split(/\r?\n/).find((l) => l.trim() !== '') ?? '')) {
    throw new SiprecError('SIPREC_BAD_SDP', 400, 'Bad Request', 'SDP does not start with v=0');
  }
  const warnings: string[] = [];
  let parsed: SdpSession;
  try {
    parsed = parseSdp(sdp.replace(/\r?\n/g, '\r\n'));
  } catch (err) {
    throw new SiprecError('SIPREC_BAD_SDP', 400, 'Bad Request', `SDP cannot be parsed: ${(err as Error).message}`, { cause: err });
  }
  // sdp-transform keeps an m= line it cannot read as an entry without type/port: refuse it, since
  // dropping it would shift every later m= line of our answer (RFC 3264 §6 pairs them by position).
  (parsed.media ?? []).forEach((m, i) => {
    if (!m.type || !Number.isInteger(m.port) || !m.protocol) {
      const raw = sdp.split(/\r?\n/).filter((l) => l.startsWith('m='))[i] ?? '';
      throw new SiprecError('SIPREC_BAD_SDP', 400, 'Bad Request', `SDP m= line ${i + 1} is malformed: "${raw.slice(0, 80)}"`);
    }
  });
  const sessionDir = (parsed as { direction?: string }).direction as MediaDirection | undefined;
  const sessionC = parsed.connection?.ip;
  const media: OfferedMedia[] = (parsed.media ?? []).map((m, index) => {
    const formats = String(m.payloads ?? '').trim().split(/\s+/).filter((f) => f !== '');
    const fmtp = new Map((m.fmtp ?? []).map((f) => [f.payload, f.config]));
    const rtpmap = new Map((m.rtp ?? []).map((r) => [r.payload, r]));
    const codecs: OfferedCodec[] = [];
    for (const f of formats) {
      const pt = Number(f);
      if (!Number.isInteger(pt)) continue;
      const r = rtpmap.get(pt);
      const st = STATIC_TYPES[pt];
      const channels = r?.encoding ? Number(r.encoding) : st?.[2];
      codecs.push({
        payloadType: pt,
        name: r?.codec ?? st?.[0] ?? '',
        clockRateHz: r?.rate ?? st?.[1] ?? 0,
        ...(channels ? { channels } : {}),
        ...(fmtp.has(pt) ? { fmtp: fmtp.get(pt) } : {}),
      });
    }
    const dir = (m.direction ?? sessionDir) as MediaDirection | undefined;
    const label = (m as { label?: string | number }).label;
    const address = m.connection?.ip ?? sessionC;
    return {
      index,
      type: m.type,
      port: m.port,
      protocol: m.protocol,
      formats,
      codecs,
      direction: dir && DIRECTIONS.has(dir) ? dir : 'sendrecv',
      ...(label !== undefined && String(label).trim() !== '' ? { label: String(label).trim() } : {}),
      ...(address ? { connectionAddress: address } : {}),
      ...(m.ptime ? { ptimeMs: Number(m.ptime) } : {}),
    };
  });
  if (media.some((m) => m.type === 'audio' && !m.connectionAddress && m.port !== 0)) {
    warnings.push('SDP has no c= line; RTP is taken from whatever address sends it');
  }
  return { media, warnings };
}

/** True for `c=` hold addresses (RFC 3264 §8.4 / RFC 2543): 0.0.0.0 or ::. */
function isHoldAddress(a: string | undefined): boolean {
  return a === '0.0.0.0' || a === '::';
}

/**
 * Decides, per offered m= line, whether and how we receive it.
 *
 * @param codecs configured codecs in order of preference (`sip.codecs`)
 * @param opts.inDialog a re-INVITE/UPDATE offer: never throws; undecodable lines are simply rejected (port 0)
 * @throws (not with `inDialog`) UnsupportedError 488 `SIPREC_NO_MEDIA` (no m= lines), `SIPREC_NO_AUDIO` (no audio m= line),
 *   `SIPREC_NO_CODEC` (no audio m= line with a decodable codec); the message names what was offered.
 */
export function planAnswer(offer: SdpOffer, codecs: readonly string[], opts: { inDialog?: boolean } = {}): StreamPlan[] {
  // Inside a dialog nothing is refused with 488: every line we cannot receive is answered with port 0 and the
  // recording session goes on (streams removed), e.g. mid-transfer offers with no media or a codec switch.
  if (opts.inDialog) return offer.media.map((m) => planStream(m, codecs));
  if (offer.media.length === 0) throw new UnsupportedError('SIPREC_NO_MEDIA', 'SDP offer has no m= lines');
  const plans = offer.media.map((m) => planStream(m, codecs));
  if (!plans.some((p) => p.accepted)) {
    const audio = offer.media.filter((m) => m.type === 'audio');
    if (audio.length === 0) throw new UnsupportedError('SIPREC_NO_AUDIO', `SDP offer has no audio stream (offered: ${offer.media.map((m) => m.type).join(', ')})`);
    if (audio.every((m) => m.port === 0)) throw new UnsupportedError('SIPREC_NO_AUDIO', 'every audio stream of the SDP offer has port 0');
    const offered = [...new Set(audio.filter((m) => m.port !== 0).flatMap((m) => m.codecs.map(codecLabel)))].join(', ');
    const transport = [...new Set(plans.map((p) => p.rejectedReason ?? '').filter((r) => /SRTP|transport/.test(r)))];
    if (transport.length > 0) throw new UnsupportedError('SIPREC_NO_CODEC', `no audio stream can be received: ${transport.join('; ')}`);
    throw new UnsupportedError('SIPREC_NO_CODEC', `no offered audio codec is supported (offered: ${offered || 'none'}; supported: ${codecs.join(', ')})`);
  }
  return plans;
}

function planStream(m: OfferedMedia, codecs: readonly string[]): StreamPlan {
  const held = m.direction === 'inactive' || m.direction === 'recvonly' || isHoldAddress(m.connectionAddress);
  const reject = (reason: string): StreamPlan => ({ index: m.index, accepted: false, held, rejectedReason: reason });
  if (m.type !== 'audio') return reject(`${m.type} is not recorded`);
  if (m.port === 0) return reject('offered with port 0');
  if (/SAVP/i.test(m.protocol)) return reject(`${m.protocol} (SRTP) is not supported`);
  if (!/^RTP\/AVPF?$/i.test(m.protocol)) return reject(`transport ${m.protocol} is not RTP/AVP`);
  for (const name of codecs) {
    const want = DECODABLE[name as DecodableCodec];
    if (!want) continue;
    const found = m.codecs.find((c) => c.name.toUpperCase() === name && c.clockRateHz === want.clockRateHz);
    if (!found) continue;
    const te = m.codecs.find((c) => c.name.toLowerCase() === 'telephone-event' && c.clockRateHz === want.clockRateHz);
    return {
      index: m.index,
      accepted: true,
      codec: name as DecodableCodec,
      payloadType: found.payloadType,
      ...(te ? { telephoneEventPayloadType: te.payloadType } : {}),
      held,
    };
  }
  return reject(`no decodable codec (offered: ${m.codecs.map(codecLabel).join(', ') || 'none'})`);
}

/** Our SDP identity (RFC 4566 §5.2 `o=`) and address. */
export interface LocalSdpOptions {
  /** The `c=` and `o=` address (`sip.mediaAddress`). */
  mediaAddress: string;
  /** `o=` sess-id (digits) and sess-version; bump the version for each new SDP in a dialog (RFC 3264 §8). */
  origin: { sessionId: string; version: number };
}

function sessionBase(opts: LocalSdpOptions): SdpSession {
  const ipVer = opts.mediaAddress.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: { username: 'modsvar', sessionId: opts.origin.sessionId, sessionVersion: opts.origin.version, netType: 'IN', ipVer, address: opts.mediaAddress },
    name: 'modsvar',
    connection: { version: ipVer, ip: opts.mediaAddress },
    timing: { start: 0, stop: 0 },
    media: [],
  } as unknown as SdpSession;
}

/**
 * Writes our answer.
 *
 * @param ports our RTP port per m= line index (undefined for rejected lines)
 * @returns SDP text with CRLF line ends
 */
export function buildAnswerSdp(offer: SdpOffer, plans: readonly StreamPlan[], ports: readonly (number | undefined)[], opts: LocalSdpOptions): string {
  const sdp = sessionBase(opts);
  for (const plan of plans) {
    const m = offer.media[plan.index];
    const port = ports[plan.index];
    if (!plan.accepted || plan.payloadType === undefined || port === undefined) {
      sdp.media.push({ type: m.type, port: 0, protocol: m.protocol, payloads: m.formats[0] ?? '0', rtp: [], fmtp: [] } as never);
      continue;
    }
    const codec = m.codecs.find((c) => c.payloadType === plan.payloadType)!;
    const te = m.codecs.find((c) => c.payloadType === plan.telephoneEventPayloadType);
    const rtp = [{ payload: codec.payloadType, codec: codec.name, rate: codec.clockRateHz }];
    const fmtp: { payload: number; config: string }[] = [];
    if (te) {
      rtp.push({ payload: te.payloadType, codec: te.name, rate: te.clockRateHz });
      if (te.fmtp) fmtp.push({ payload: te.payloadType, config: te.fmtp });
    }
    sdp.media.push({
      type: 'audio',
      port,
      protocol: m.protocol,
      payloads: te ? `${codec.payloadType} ${te.payloadType}` : `${codec.payloadType}`,
      rtp,
      fmtp,
      ...(m.ptimeMs ? { ptime: m.ptimeMs } : {}),
      direction: plan.held ? 'inactive' : 'recvonly',
      ...(m.label !== undefined ? { label: m.label } : {}),
    } as never);
  }
  return writeSdp(sdp);
}

/** One stream of our own offer (delayed-offer INVITE). */
export interface OfferStream {
  label: string;
  port: number;
}

/**
 * Writes our offer for an INVITE or re-INVITE that came without SDP (RFC 3261 §13.2.1 delayed offer):
 * one `m=audio` per stream, `a=recvonly`, every configured codec plus telephone-event/8000 (PT 101).
 */
export function buildOfferSdp(streams: readonly OfferStream[], codecs: readonly string[], opts: LocalSdpOptions): string {
  const sdp = sessionBase(opts);
  const usable = codecs.filter((c): c is DecodableCodec => c in DECODABLE);
  for (const s of streams) {
    const rtp: { payload: number; codec: string; rate: number }[] = usable.map((c) => ({ payload: DECODABLE[c].staticPt, codec: c, rate: DECODABLE[c].clockRateHz }));
    rtp.push({ payload: 101, codec: 'telephone-event', rate: 8000 });
    sdp.media.push({
      type: 'audio', port: s.port, protocol: 'RTP/AVP', payloads: rtp.map((r) => r.payload).join(' '), rtp,
      fmtp: [{ payload: 101, config: '0-16' }], direction: 'recvonly', label: s.label,
    } as never);
  }
  return writeSdp(sdp);
}

/** The codec we decode for a payload type of an offer line, when it is one of ours. */
export function decodableCodecOf(c: OfferedCodec): DecodableCodec | undefined {
  const name = c.name.toUpperCase() as DecodableCodec;
  return DECODABLE[name] && DECODABLE[name].clockRateHz === c.clockRateHz ? name : undefined;
}
