/**
 * The SIPREC entry point (RFC 7866): one pure function for a new INVITE and one for requests inside a
 * recording session. The server (`srf-app.ts` / `recording-session.ts`) and `modsvar inspect` both call
 * these, so a message is judged the same way everywhere. No I/O and no state: RTP ports come from the
 * caller through {@link SiprecContext.leasePorts}. Nothing throws out of these functions; every path
 * returns a final response.
 */
import type { SipConfig } from '../config/schema.js';
import type {
  InDialogDecision,
  SessionDescription,
  SipRequestLike,
  SiprecDecision,
} from './siprec-types.js';

export type {
  InDialogDecision,
  SessionChange,
  SessionDescription,
  SipRequestLike,
  SiprecDecision,
  SiprecResponse,
} from './siprec-types.js';

/** What the SIPREC logic needs from its caller. */
export interface SiprecContext {
  /** The `sip` config section (ACL, maxCalls, mediaAddress, codecs, role rules). */
  sip: SipConfig;
  /**
   * RTP ports for new audio streams: a function that leases `count` even ports (it may return fewer when
   * the pool is exhausted → 503), or a fixed list used in order (inspect, tests).
   */
  leasePorts: ((count: number) => number[]) | readonly number[];
  /** Recording sessions active now (not counting this INVITE); at `sip.maxCalls` a new INVITE gets 503. */
  activeCalls: number;
  /** Host named in Warning headers (RFC 3261 §20.43 warn-agent). Default `sip.mediaAddress`. */
  warnAgent?: string;
  /** Retry-After in seconds on a 503 (RFC 3261 §20.33). Default 5. */
  retryAfterS?: number;
  /** Largest rs-metadata part in bytes; larger → 413. Default 262144 (256 KB). */
  maxMetadataBytes?: number;
  /** When false, the source-address ACL is not checked (inspect without `--source`). Default true. */
  enforceAcl?: boolean;
}

/**
 * Decides the final response to a new SIPREC INVITE (no To-tag). Checks, in order:
 * source not in `sip.allowedSources` → 403; `activeCalls >= sip.maxCalls` → 503 + Retry-After;
 * unreadable body (multipart, metadata, SDP syntax) → 400/413/415 with a Warning; offer without a
 * decodable audio stream → 488 + Warning; RTP port pool exhausted → 503; else 200 with our SDP answer
 * (one m= per offered m=, audio `a=recvonly`) — or our SDP offer when the INVITE had no SDP (delayed offer).
 *
 * @param req the INVITE, see {@link SipRequestLike}
 * @param ctx config, port leasing and load
 * @returns the decision; never throws.
 */
export function interpretInitialInvite(req: SipRequestLike, ctx: SiprecContext): SiprecDecision {
  void req;
  void ctx;
  return notReady();
}

/**
 * Interprets a request inside an established recording session: re-INVITE and UPDATE (streams added or
 * removed, participants changed, hold/resume, metadata-only updates; the session goes on), BYE/CANCEL
 * (→ 200 and `ended`), OPTIONS/INFO (→ 200), ACK (status 0: never answered). A refused re-INVITE
 * (400/488) leaves `session` unchanged.
 *
 * @param req the in-dialog request
 * @param current the session as last agreed (from `interpretInitialInvite` or an earlier call)
 * @param ctx config and port leasing (only new streams lease ports; kept labels keep their `localPort`)
 * @returns the decision with the next session and its changes; never throws.
 */
export function interpretInDialog(req: SipRequestLike, current: SessionDescription, ctx: SiprecContext): InDialogDecision {
  void req;
  void ctx;
  return { ...notReady(), session: current, change: { type: 'none' }, changes: [] };
}

function notReady(): SiprecDecision {
  return {
    response: { status: 500, reason: 'Server Internal Error', headers: { Warning: '399 modsvar "SIPREC interpretation unavailable"' } },
    leasedPorts: [],
    warnings: ['SIPREC interpretation unavailable'],
    errorCode: 'SIPREC_UNAVAILABLE',
  };
}
