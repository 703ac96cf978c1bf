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
  /**
   * Which rule decided the role, for logs and the UI: `customerPattern`, `internalDomain`, `recordedParty`,
   * `extensionPattern`, `callingParty`, `complement`, `order`, `noStream`, `fallback` (see `role-rules.ts`),
   * or `override` when set per call.
   */
  roleSource?: string;
}

/** One offered m= line and what we make of it. */
export interface SessionStream {
  /**
   * `a=label` value (RFC 4574); for an m= line without a label, `m<index>`. Unique in the session: the 2nd,
   * 3rd… m= line that repeats label `L` is `L~2`, `L~3`… (the answer SDP still carries the line's own `a=label`).
   */
  label: string;
  /** Index of the m= line in the offer (0-based). */
  mediaIndex: number;
  /** SDP media type (`audio`, `video`, …). Only audio is recorded. */
  mediaType: string;
  /** The participant whose media this stream carries (RFC 7865 `participantstreamassoc`/`send`). */
  participantId?: string;
  /** Every participant the metadata says sends on this stream, when more than one (a mixed stream). */
  participantIds?: string[];
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
  /**
   * Every codec offered, as `NAME/rate[/channels]` (e.g. `PCMU/8000`, `opus/48000/2`, `telephone-event/8000`;
   * `PT<n>` for a dynamic payload type without rtpmap), in offer order.
   */
  offeredCodecs: string[];
  /** Where the SRC sends from / expects us: the connection address and port of the m= line. */
  remoteAddress?: string;
  remotePort: number;
  /** Packet time in ms from `a=ptime`, when given. */
  ptimeMs?: number;
  /** Our RTP port for this stream in the answer (even, from the configured range); absent when rejected (port 0). */
  localPort?: number;
  /** True when this stream is paused: offered `a=inactive`/`a=recvonly`, or `c=` 0.0.0.0 (RFC 3264 §8.4). */
  held?: boolean;
  /** Why the stream was answered with port 0 (not audio, no decodable codec, SRTP, port 0 offered). */
  rejectedReason?: string;
  /** The metadata `<stream>` id bound to this stream's label (RFC 7865 §6.6), when metadata gave one. */
  metadataStreamId?: string;
}

/** What a SIPREC request says about the recording session. */
export interface SessionDescription {
  /**
   * The recorded call's own ID (sipSessionID, vendor call ID), else the SIPREC dialog's Call-ID. Decided by
   * the initial INVITE and kept for the life of the recording session (a transfer does not change it).
   */
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
  /** Non-fatal oddities, one sentence each (e.g. "metadata declares stream label 2 that the SDP does not offer"). */
  warnings: string[];
  /**
   * Metadata `<stream>` ids → labels as last declared (RFC 7865 §6.6), including streams the SDP does not carry;
   * a later `partial` update (RFC 7865 §5.1, `datamode`) refers to streams by these ids.
   */
  metadataStreams?: Record<string, string>;
  /** Vendor-named PBX subscribers (the agent side) kept for later role decisions, see `role-rules.ts`. */
  recordedParties?: string[];
  /** True after we sent an SDP offer (INVITE/re-INVITE without SDP) until the SRC's answer arrives in the ACK. */
  pendingOffer?: boolean;
  /** Our SDP origin (`o=` sess-id and sess-version, RFC 4566 §5.2); each new answer in the dialog bumps the version. */
  answerOrigin?: {
    sessionId: string;
    version: number;
    /** SHA-256 (hex) of our last SDP without its `o=` line: an unchanged answer keeps its version (RFC 3264 §8). */
    digest?: string;
  };
}

/**
 * What an in-dialog request changed in a recording session. A request may make several changes; they are
 * reported in this order: ended, streams-removed, streams-added, participants-changed, hold, resume,
 * metadata-updated. `none` when nothing changed (a session refresh, OPTIONS, an identical re-INVITE).
 */
export type SessionChange =
  /** Nothing the recording cares about changed. */
  | { type: 'none' }
  /** BYE or CANCEL: drain and close every stream. `reason` is the method (`bye`, `cancel`). */
  | { type: 'ended'; reason: 'bye' | 'cancel' }
  /** New m=audio lines were accepted: open pipelines for these labels (their `localPort`s are in the session). */
  | { type: 'streams-added'; labels: string[] }
  /** m= lines now have port 0 or disappeared: drain and close these labels and release their ports. */
  | { type: 'streams-removed'; labels: string[] }
  /** Participants joined, left or changed (transfer), or a stream changed owner; roles may differ. */
  | { type: 'participants-changed'; added: string[]; removed: string[]; reassignedLabels: string[] }
  /** These streams went on hold (`a=inactive`, `recvonly`, `c=0.0.0.0`); `all` when the whole session is held. */
  | { type: 'hold'; labels: string[]; all: boolean }
  /** These streams came off hold. */
  | { type: 'resume'; labels: string[] }
  /** New metadata arrived (e.g. an UPDATE with only rs-metadata) without changing streams or participants. */
  | { type: 'metadata-updated' };

/**
 * The minimal SIP request the SIPREC logic reads, independent of drachtio-srf. Built by `sip-message.ts`
 * from raw text (`modsvar inspect`) or from a drachtio `req` (the server), so both read the same thing.
 */
export interface SipRequestLike {
  /** Upper-case method, e.g. `INVITE`. */
  method: string;
  /** Request-URI as sent. */
  uri: string;
  /**
   * Header values by lower-case full name (compact forms expanded, RFC 3261 §7.3.3); folded lines joined with
   * one space (§7.3.1); repeated headers joined with `,` (§7.3.1).
   */
  headers: Record<string, string>;
  /** The message body, exactly as received (Content-Length applied); `''` when none. */
  body: string;
  /** Network address the request came from (drachtio `req.source_address`), for the `sip.allowedSources` ACL. */
  sourceAddress?: string;
}

/** The final SIP response the SIPREC logic decided on. */
export interface SiprecResponse {
  /** SIP status code (RFC 3261 §21). `0` only for ACK: an ACK is never answered (RFC 3261 §17.2.1). */
  status: number;
  /** Reason phrase. */
  reason: string;
  /** Headers to add, by canonical name: `Warning` (`399 <host> "<text>"`, RFC 3261 §20.43), `Retry-After`, `Content-Type`, `Accept`, `Allow`. */
  headers: Record<string, string>;
  /** Our SDP (answer, or offer for a request without SDP), when the response carries one. */
  sdp?: string;
}

/** Result of `interpretInitialInvite`: the response and, for a 2xx, the session to record. */
export interface SiprecDecision {
  response: SiprecResponse;
  /** The recording session; present on a 2xx, and on a 488 when the offer could be read (for logs). */
  session?: SessionDescription;
  /** RTP ports taken from `leasePorts` for this answer; the caller releases them if it does not send a 2xx. */
  leasedPorts: number[];
  /** Non-fatal oddities (also in `session.warnings`) and, on a failure, the reason. */
  warnings: string[];
  /** Stable error code on a failure (e.g. `SIPREC_BAD_MULTIPART`), absent on success. */
  errorCode?: string;
}

/** Result of `interpretInDialog`: the response, the session after the request, and what changed. */
export interface InDialogDecision {
  response: SiprecResponse;
  /** The session after the request; the unchanged current session when the request is refused. */
  session: SessionDescription;
  /** The first entry of `changes`, or `{ type: 'none' }`. */
  change: SessionChange;
  /** Every change, in the order documented on {@link SessionChange}. */
  changes: SessionChange[];
  /** New RTP ports leased for added streams; the caller releases them if it does not send a 2xx. */
  leasedPorts: number[];
  warnings: string[];
  errorCode?: string;
}
