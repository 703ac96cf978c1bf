/**
 * The delayed-offer exchange (RFC 3261 §13.2.1, §14.2; RFC 3264 §5–6): an INVITE or re-INVITE without
 * SDP gets our offer in the 200 OK, and the SRC's answer arrives in the ACK. Pure.
 */
import type { RoleRulesConfig } from '../config/schema.js';
import type { RsMetadata } from './rs-metadata.js';
import { buildOfferSdp, codecLabel, decodableCodecOf, parseSdpOffer, type LocalSdpOptions } from './sdp-answer.js';
import { describeSession } from './session-description.js';
import type { SessionDescription } from './siprec-types.js';

/** Inputs of {@link offerSession}. */
export interface OfferSessionInput {
  dialogCallId: string;
  /** One label per m=audio line we offer (from the metadata's streams, else `1`, `2`). */
  labels: readonly string[];
  /** Our RTP port per label. */
  ports: readonly number[];
  codecs: readonly string[];
  local: LocalSdpOptions;
  metadata?: RsMetadata;
  headers?: Readonly<Record<string, string>>;
  roles: RoleRulesConfig;
  previous?: SessionDescription;
}

/**
 * Writes our offer (recvonly audio, every configured codec) and the session it proposes: streams with our
 * `localPort`, no codec yet, `remotePort` 0 and `pendingOffer: true` until {@link applyAnswer}.
 */
export function offerSession(input: OfferSessionInput): { sdp: string; session: SessionDescription } {
  const sdp = buildOfferSdp(input.labels.map((label, i) => ({ label, port: input.ports[i] })), input.codecs, input.local);
  const ours = parseSdpOffer(sdp);
  const session = describeSession({
    dialogCallId: input.dialogCallId,
    offer: ours,
    plans: ours.media.map((m) => ({ index: m.index, accepted: true, held: false })),
    ports: [...input.ports],
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(input.headers ? { headers: input.headers } : {}),
    roles: input.roles,
    ...(input.previous ? { previous: input.previous } : {}),
  });
  for (const s of session.streams) {
    delete s.codec;
    delete s.payloadType;
    delete s.telephoneEventPayloadType;
    delete s.remoteAddress;
    s.offeredCodecs = [];
    s.direction = 'sendonly';
    s.remotePort = 0;
  }
  session.pendingOffer = true;
  session.answerOrigin = { ...input.local.origin };
  return { sdp, session };
}

/**
 * Applies the SRC's SDP answer (from the ACK) to the session our offer proposed: per m= line (same index),
 * the codec it chose, its address and port, its direction and hold state. A line answered with port 0, or
 * with no codec we decode, is marked rejected.
 *
 * @throws SiprecError `SIPREC_BAD_SDP` (400) when the answer is not SDP
 */
export function applyAnswer(current: SessionDescription, answerSdp: string, codecs: readonly string[]): SessionDescription {
  const answer = parseSdpOffer(answerSdp);
  const next: SessionDescription = { ...current, streams: current.streams.map((s) => ({ ...s })), warnings: [...current.warnings, ...answer.warnings] };
  delete next.pendingOffer;
  for (const s of next.streams) {
    const m = answer.media[s.mediaIndex];
    if (!m || m.port === 0) {
      s.rejectedReason = 'rejected by the SRC (port 0 in its answer)';
      delete s.localPort;
      continue;
    }
    const chosen = m.codecs.find((c) => {
      const d = decodableCodecOf(c);
      return d !== undefined && codecs.includes(d);
    });
    s.offeredCodecs = m.codecs.map(codecLabel);
    s.direction = m.direction;
    s.remotePort = m.port;
    if (m.connectionAddress) s.remoteAddress = m.connectionAddress;
    if (m.ptimeMs) s.ptimeMs = m.ptimeMs;
    s.held = m.direction === 'inactive' || m.direction === 'recvonly' || m.connectionAddress === '0.0.0.0' || m.connectionAddress === '::';
    if (!chosen) {
      s.rejectedReason = 'the SRC answered without a codec we decode';
      delete s.localPort;
      continue;
    }
    s.codec = decodableCodecOf(chosen);
    s.payloadType = chosen.payloadType;
    const te = m.codecs.find((c) => c.name.toLowerCase() === 'telephone-event' && c.clockRateHz === chosen.clockRateHz);
    if (te) s.telephoneEventPayloadType = te.payloadType;
  }
  const live = next.streams.filter((s) => s.mediaType === 'audio' && !s.rejectedReason);
  next.hold = live.length > 0 && live.every((s) => s.held);
  return next;
}
