/**
 * The public shapes of a SIPREC recording session as Modsvar understands it (RFC 7866 protocol,
 * RFC 7865 metadata). Pure parsing code (`siprec-body.ts`, `rs-metadata.ts`, `sdp-answer.ts`,
 * `session-description.ts`) produces them; the stateful `RecordingSession` owns them; `modsvar inspect`
 * prints them. The JSON printed by `modsvar inspect` is a documented contract: change it only additively.
 */

/** Which side of the recorded call a participant or stream belongs to. `mixed`: one stream carries both. */
export type Role = 'agent' | 'customer' | 'mixed' | 'unknown';

/** SDP media direction attribute (RFC 4566 §6, RFC 3264 §5.1) as offered by the SRC. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Codecs the media pipeline decodes (RFC 3551 payload names). */
export type DecodableCodec = 'PCMU' | 'PCMA';

/** Namespaces of RFC 7865 metadata we accept; `siprec` is the pre-RFC draft format (BroadWorks). */
export type MetadataNamespace =
  | 'urn:ietf:params:xml:ns:recording:1'
  | 'urn:ietf:params:xml:ns:recording'
  | 'urn:ietf:params:xml:ns:siprec';

/** A participant of the recorded call (RFC 7865 §6.4 `<participant>`). */
export interface Participant {
  /** The metadata's participant id (`participant_id` or draft `id`); for SDP-only sessions a synthetic id. */
  id: string;
  /** Address of record, e.g. `sip:+4520123456@example.com` or, as some SRCs send it, `+4520123456@example.com`. */
  aor: string;
  /** Display name, trimmed; absent when empty. */
  name?: string;
  /** Role from the configured rules (see `role-rules.ts`). */
  role: Role;
  /** Which rule decided the role, for logs and the UI ("internalDomain", "extensionPattern", "fallback", "override"). */
  roleSource?: string;
}

/** One offered m= line and what we make of it. */
export interface SessionStream {
  /** `a=label` value (RFC 4574); for an m= line without a label, `m<index>`. */
  label: string;
  /** Index of the m= line in the offer (0-based). */
  mediaIndex: number;
  /** SDP media type (`audio`, `video`, …). Only audio is recorded. */
  mediaType: string;
  /** The participant whose media this stream carries (RFC 7865 `participantstreamassoc`/`send`). */
  participantId?: string;
  /** Role of the stream: the participant's role, `mixed` when more than one participant sends on it. */
  role?: Role;
  /** Direction as offered (default `sendrecv` per RFC 4566 when absent). */
  direction: MediaDirection;
  /** Codec we chose for this stream, absent when none is decodable or the stream is not audio. */
  codec?: DecodableCodec;
  /** RTP payload type of the chosen codec. */
  payloadType?: number;
  /** RFC 4733 telephone-event payload type, when offered (accepted, never decoded as speech). */
  telephoneEventPayloadType?: number;
  /** Every codec offered, as `NAME/rate` (e.g. `PCMU/8000`, `telephone-event/8000`), in offer order. */
  offeredCodecs: string[];
  /** Where the SRC sends from / expects us: the connection address and port of the m= line. */
  remoteAddress?: string;
  remotePort: number;
  /** Packet time in ms from `a=ptime`, when given. */
  ptimeMs?: number;
}

/** What a SIPREC request says about the recording session. */
export interface SessionDescription {
  /** The recorded call's own ID (sipSessionID, vendor call ID), else the SIPREC dialog's Call-ID. */
  callId: string;
  /** Where `callId` came from: `sipSessionID`, `extension:<name>`, `Call-ID`. */
  callIdSource: string;
  /** The SIPREC dialog's Call-ID header. */
  dialogCallId: string;
  /** Namespace of the metadata, when metadata was present and parsed. */
  metadataNamespace?: MetadataNamespace;
  /** True when every audio stream is on hold (`a=inactive`, `c=0.0.0.0`, or port 0 is *removed*, not hold). */
  hold: boolean;
  participants: Participant[];
  streams: SessionStream[];
  /** Non-fatal oddities, one sentence each (e.g. "metadata is not well-formed XML; streams taken from SDP"). */
  warnings: string[];
}
