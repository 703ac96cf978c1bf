/**
 * The SIPREC entry point (RFC 7866): one pure function for a new INVITE and one for requests inside a
 * recording session. The server (`srf-app.ts` / `recording-session.ts`) and `modsvar inspect` both call
 * these, so a message is judged the same way everywhere. No I/O and no state: RTP ports come from the
 * caller through {@link SiprecContext.leasePorts}. Nothing throws out of these functions; every path
 * returns a final response.
 */
import { createHash } from 'node:crypto';
import type { SipConfig } from '../config/schema.js';
import { SiprecError } from '../core/errors.js';
import { parseRsMetadata, type RsMetadata } from './rs-metadata.js';
import { applyAnswer, offerSession } from './delayed-offer.js';
import { buildAnswerSdp, parseSdpOffer, planAnswer, type SdpOffer, type StreamPlan } from './sdp-answer.js';
import { describeSession } from './session-description.js';
import { diffSessions } from './session-change.js';
import { extractSiprecBody } from './siprec-body.js';
import { offerStreamLabels } from './stream-labels.js';
import { ACCEPTED_BODIES, ALLOWED_METHODS, errorResponse, isSourceAllowed } from './siprec-response.js';
import type {
  InDialogDecision,
  SessionChange,
  SessionDescription,
  SipRequestLike,
  SiprecDecision,
  SiprecResponse,
} from './siprec-types.js';

/** The contract types, re-exported so callers need one import. */
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
   * the pool is exhausted → 503), or a fixed list of free ports whose first `count` entries are taken
   * (tests); each call leases anew, so pass only ports that are still free.
   */
  leasePorts: ((count: number) => number[]) | readonly number[];
  /** Recording sessions active now (not counting this INVITE); at `sip.maxCalls` a new INVITE gets 503. */
  activeCalls: number;
  /** Host named in Warning headers (RFC 3261 §20.43 warn-agent). Default `sip.mediaAddress`. */
  warnAgent?: string;
  /** Retry-After in seconds on a 503 (RFC 3261 §20.33). Default 5. */
  retryAfterS?: number;
  /** Largest rs-metadata part in bytes; larger → 413. Default `sip.maxMetadataBytes` (262144 = 256 KB). */
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
 * @example
 * const d = interpretInitialInvite(toRequestLike(req), { sip: config.sip, leasePorts: (n) => pool.lease(n), activeCalls });
 * if (d.response.status !== 200) { pool.release(d.leasedPorts); res.send(d.response.status, d.response.reason, { headers: d.response.headers }); }
 */
export function interpretInitialInvite(req: SipRequestLike, ctx: SiprecContext): SiprecDecision {
  const warnAgent = ctx.warnAgent ?? ctx.sip.mediaAddress;
  const leased: number[] = [];
  let partial: SessionDescription | undefined;
  try {
    const method = req.method.toUpperCase();
    if (method === 'ACK') return { response: { status: 0, reason: 'ACK is not answered', headers: {} }, leasedPorts: [], warnings: [] };
    if (method === 'OPTIONS') return { response: okResponse(undefined, { Allow: ALLOWED_METHODS, Accept: ACCEPTED_BODIES }), leasedPorts: [], warnings: [] };
    if (method !== 'INVITE') {
      throw new SiprecError('SIPREC_NO_SESSION', 481, 'Call/Transaction Does Not Exist', `${method} outside a recording session`);
    }
    if (ctx.enforceAcl !== false && !isSourceAllowed(req.sourceAddress, ctx.sip.allowedSources)) {
      throw new SiprecError('SIPREC_SOURCE_NOT_ALLOWED', 403, 'Forbidden', `source ${req.sourceAddress ?? '(unknown)'} is not in sip.allowedSources`);
    }
    if (ctx.activeCalls >= ctx.sip.maxCalls) {
      throw new SiprecError('SIPREC_OVERLOAD', 503, 'Service Unavailable', `${ctx.activeCalls} recording sessions active (sip.maxCalls ${ctx.sip.maxCalls})`);
    }
    const { offer, metadata, warnings } = readBody(req, ctx);
    const dialogCallId = req.headers['call-id']?.trim() || '(no Call-ID)';
    if (!req.headers['call-id']) warnings.push('request has no Call-ID header');
    const origin = { sessionId: originSessionId(dialogCallId), version: 1 };

    if (!offer) {
      // Delayed offer (RFC 3261 §13.2.1): we offer recvonly audio, one stream per metadata stream, else 2.
      const labels = metadata?.streams.map((x) => x.label).filter((l): l is string => !!l) ?? [];
      const streamLabels = labels.length > 0 ? [...new Set(labels)] : ['1', '2'];
      const ports = lease(ctx, streamLabels.length, leased);
      const { sdp, session } = offerSession({
        dialogCallId, labels: streamLabels, ports, codecs: ctx.sip.codecs, local: { mediaAddress: ctx.sip.mediaAddress, origin },
        ...(metadata ? { metadata } : {}), headers: req.headers, roles: ctx.sip.roles,
      });
      session.warnings.push(...warnings, 'INVITE has no SDP (delayed offer): our offer is in the 200 OK, the answer comes in the ACK');
      return ok(okResponse(sdp), session, leased);
    }

    const plans = planWithSession(offer, ctx, () => describeSession({ dialogCallId, offer, metadata, headers: req.headers, roles: ctx.sip.roles }), (s) => { partial = s; });
    const accepted = plans.filter((p) => p.accepted);
    const ports = lease(ctx, accepted.length, leased);
    const byIndex: (number | undefined)[] = [];
    accepted.forEach((p, i) => { byIndex[p.index] = ports[i]; });
    const sdp = buildAnswerSdp(offer, plans, byIndex, { mediaAddress: ctx.sip.mediaAddress, origin });
    const session = describeSession({ dialogCallId, offer, plans, ports: byIndex, metadata, headers: req.headers, roles: ctx.sip.roles });
    session.answerOrigin = { ...origin, digest: sdpDigest(sdp) };
    session.warnings.unshift(...warnings.filter((w) => !session.warnings.includes(w)));
    return ok(okResponse(sdp), session, leased);
  } catch (err) {
    const e = errorResponse(err, warnAgent, ctx.retryAfterS ?? 5);
    return {
      response: e.response,
      ...(partial ? { session: partial } : {}),
      leasedPorts: leased,
      warnings: [...(partial?.warnings ?? []), e.message],
      errorCode: e.code,
    };
  }
}

/**
 * Interprets a request inside an established recording session: re-INVITE and UPDATE (streams added or
 * removed, participants changed, hold/resume, metadata-only updates; the session goes on), BYE/CANCEL
 * (→ 200 and `ended`), OPTIONS/INFO (→ 200), ACK (status 0: never answered; when our 200 carried an offer,
 * the ACK's SDP answer completes the streams), anything else → 405. An offer is never refused for its media:
 * lines we cannot receive get port 0 and are reported as `streams-removed` (a 488 could make the SRC end the
 * recording). A refused request (400/413/415 unreadable body, 503 no ports) leaves `session` unchanged
 * (RFC 3261 §14.1).
 *
 * @param req the in-dialog request
 * @param current the session as last agreed (from `interpretInitialInvite` or an earlier call)
 * @param ctx config and port leasing (only new streams lease ports; kept labels keep their `localPort`)
 * @returns the decision with the next session and its changes; never throws.
 */
export function interpretInDialog(req: SipRequestLike, current: SessionDescription, ctx: SiprecContext): InDialogDecision {
  const warnAgent = ctx.warnAgent ?? ctx.sip.mediaAddress;
  const leased: number[] = [];
  const method = req.method.toUpperCase();
  const done = (response: SiprecResponse, session: SessionDescription, changes: SessionChange[], warnings: string[] = []): InDialogDecision =>
    ({ response, session, change: changes[0] ?? { type: 'none' }, changes, leasedPorts: leased, warnings });
  try {
    if (method === 'BYE' || method === 'CANCEL') {
      return done(okResponse(), current, [{ type: 'ended', reason: method === 'BYE' ? 'bye' : 'cancel' }]);
    }
    if (method === 'ACK') return ack(req, current, ctx);
    if (method === 'OPTIONS' || method === 'INFO') {
      return done(method === 'OPTIONS' ? okResponse(undefined, { Allow: ALLOWED_METHODS }) : okResponse(), current, []);
    }
    if (method !== 'INVITE' && method !== 'UPDATE') {
      throw new SiprecError('SIPREC_METHOD_NOT_ALLOWED', 405, 'Method Not Allowed', `${method} is not handled inside a recording session`);
    }
    const { offer, metadata, warnings } = readBody(req, ctx);
    const dialogCallId = current.dialogCallId;
    const origin = { sessionId: current.answerOrigin?.sessionId ?? originSessionId(dialogCallId), version: (current.answerOrigin?.version ?? 0) + 1 };

    if (!offer) {
      const next = describeSession({ dialogCallId, metadata, headers: req.headers, roles: ctx.sip.roles, previous: current });
      const changes = diffSessions(current, next, metadata !== undefined);
      if (method === 'UPDATE' || req.body.trim() !== '' && !metadata) return done(okResponse(), next, changes, next.warnings);
      // re-INVITE without SDP: RFC 3261 §14.2 — the 200 carries an offer of the streams we have now.
      const kept = next.streams.filter((x) => x.mediaType === 'audio' && x.localPort !== undefined);
      if (kept.length === 0) return done(okResponse(), next, changes, next.warnings);
      const offered = offerSession({
        dialogCallId, labels: kept.map((x) => x.label), ports: kept.map((x) => x.localPort!), codecs: ctx.sip.codecs,
        local: { mediaAddress: ctx.sip.mediaAddress, origin }, roles: ctx.sip.roles, previous: next,
      });
      return done(okResponse(offered.sdp), offered.session, diffSessions(current, offered.session, metadata !== undefined), offered.session.warnings);
    }

    const plans = planAnswer(offer, ctx.sip.codecs, { inDialog: true });
    const keep = new Map(current.streams.filter((s) => s.localPort !== undefined).map((s) => [s.label, s.localPort!]));
    const byIndex: (number | undefined)[] = [];
    const needs: number[] = [];
    const labels = offerStreamLabels(offer);
    for (const p of plans) {
      if (!p.accepted) continue;
      const label = labels[p.index];
      const port = keep.get(label);
      if (port !== undefined) { byIndex[p.index] = port; keep.delete(label); } else needs.push(p.index);
    }
    const fresh = lease(ctx, needs.length, leased);
    needs.forEach((idx, i) => { byIndex[idx] = fresh[i]; });
    // RFC 3264 §8: a changed SDP gets version + 1; an unchanged one (session refresh) keeps its version.
    let sdp = buildAnswerSdp(offer, plans, byIndex, { mediaAddress: ctx.sip.mediaAddress, origin });
    const digest = sdpDigest(sdp);
    if (current.answerOrigin && current.answerOrigin.digest === digest) {
      origin.version = current.answerOrigin.version;
      sdp = buildAnswerSdp(offer, plans, byIndex, { mediaAddress: ctx.sip.mediaAddress, origin });
    }
    const next = describeSession({ dialogCallId, offer, plans, ports: byIndex, metadata, headers: req.headers, roles: ctx.sip.roles, previous: current });
    next.answerOrigin = { ...origin, digest };
    if (!plans.some((p) => p.accepted)) warnings.push('the offer has no audio stream we can receive; every stream is answered with port 0 and the session goes on');
    next.warnings.unshift(...warnings.filter((w) => !next.warnings.includes(w)));
    return done(okResponse(sdp), next, diffSessions(current, next, metadata !== undefined), next.warnings);
  } catch (err) {
    const e = errorResponse(err, warnAgent, ctx.retryAfterS ?? 5);
    return { ...done(e.response, current, [], [e.message]), errorCode: e.code };
  }
}

/** ACK: never answered; when our 200 carried an offer, the ACK carries the SRC's answer (RFC 3261 §13.2.1). */
function ack(req: SipRequestLike, current: SessionDescription, ctx: SiprecContext): InDialogDecision {
  const response: SiprecResponse = { status: 0, reason: 'ACK is not answered', headers: {} };
  const base = { response, leasedPorts: [], change: { type: 'none' } as SessionChange, changes: [] as SessionChange[] };
  if (!current.pendingOffer) return { ...base, session: current, warnings: [] };
  try {
    const body = extractSiprecBody(req.headers['content-type'], req.body ?? '', { maxMetadataBytes: metadataCap(ctx) });
    if (body.sdp === undefined) {
      return { ...base, session: current, warnings: ['ACK carries no SDP answer to our offer; the streams stay without a codec'] };
    }
    const next = applyAnswer(current, body.sdp, ctx.sip.codecs);
    const changes = diffSessions(current, next, false);
    return { ...base, session: next, change: changes[0] ?? { type: 'none' }, changes, warnings: next.warnings.filter((w) => !current.warnings.includes(w)) };
  } catch (err) {
    return { ...base, session: current, warnings: [`ACK answer unreadable: ${(err as Error).message}`], errorCode: (err as { code?: string }).code ?? 'SIPREC_INTERNAL' };
  }
}

/** Reads body → offer + metadata; errors carry the SIP status. */
function readBody(req: SipRequestLike, ctx: SiprecContext): { offer?: SdpOffer; metadata?: RsMetadata; warnings: string[] } {
  const body = extractSiprecBody(req.headers['content-type'], req.body ?? '', { maxMetadataBytes: metadataCap(ctx) });
  const warnings = [...body.warnings];
  if (body.ignoredParts.length) warnings.push(`ignored body part${body.ignoredParts.length > 1 ? 's' : ''}: ${body.ignoredParts.join(', ')}`);
  let metadata: RsMetadata | undefined;
  if (body.metadata !== undefined) {
    try {
      metadata = parseRsMetadata(body.metadata);
    } catch (err) {
      const truncated = body.warnings.some((w) => w.includes('no closing delimiter'));
      if (err instanceof SiprecError && truncated) {
        throw new SiprecError(err.code, err.sipStatus, err.sipReason, `${err.message} (the multipart body has no closing delimiter: truncated?)`, { cause: err });
      }
      // Vendors do send metadata that is not well-formed XML. With an SDP to record from, the session
      // goes on without metadata (streams and participants from the SDP alone) and says so. A DOCTYPE or
      // entity declaration is still refused: that is an attack shape, not a vendor quirk.
      if (err instanceof SiprecError && err.code === 'SIPREC_BAD_METADATA' && body.sdp !== undefined) {
        warnings.push(`${err.message}; metadata ignored, streams taken from the SDP alone`);
      } else {
        throw err;
      }
    }
  }
  const offer = body.sdp !== undefined ? parseSdpOffer(body.sdp) : undefined;
  if (offer) warnings.push(...offer.warnings);
  return { ...(offer ? { offer } : {}), ...(metadata ? { metadata } : {}), warnings };
}

/** planAnswer, keeping a description of the offer for the 488 decision's `session`. */
function planWithSession(offer: SdpOffer, ctx: SiprecContext, describe: () => SessionDescription, keep: (s: SessionDescription) => void): StreamPlan[] {
  try {
    return planAnswer(offer, ctx.sip.codecs);
  } catch (err) {
    try { keep(describe()); } catch { /* the error below is the answer */ }
    throw err;
  }
}

function lease(ctx: SiprecContext, count: number, leased: number[]): number[] {
  if (count === 0) return [];
  let ports: number[];
  if (typeof ctx.leasePorts === 'function') {
    try {
      ports = [...ctx.leasePorts(count)];
    } catch (err) {
      throw new SiprecError('SIPREC_NO_PORTS', 503, 'Service Unavailable', `no RTP ports: ${(err as Error).message}`, { cause: err });
    }
  } else {
    ports = ctx.leasePorts.slice(0, count);
  }
  leased.push(...ports);
  if (ports.length < count) {
    throw new SiprecError('SIPREC_NO_PORTS', 503, 'Service Unavailable', `RTP port range exhausted: ${count} needed, ${ports.length} free`);
  }
  return ports;
}

/** SHA-256 (hex) of an SDP without its `o=` line, to tell whether our SDP changed. */
function sdpDigest(sdp: string): string {
  return createHash('sha256').update(sdp.replace(/^o=.*$/m, '')).digest('hex');
}

/** Our `o=` sess-id: digits derived from the dialog's Call-ID, stable for the dialog (RFC 4566 §5.2). */
function originSessionId(callId: string): string {
  return BigInt('0x' + createHash('sha256').update(callId).digest('hex').slice(0, 13)).toString();
}

function okResponse(sdp?: string, extra: Record<string, string> = {}): SiprecResponse {
  return { status: 200, reason: 'OK', headers: { ...extra, ...(sdp ? { 'Content-Type': 'application/sdp' } : {}) }, ...(sdp ? { sdp } : {}) };
}

function ok(response: SiprecResponse, session: SessionDescription, leased: number[]): SiprecDecision {
  return { response, session, leasedPorts: leased, warnings: [...session.warnings] };
}

function metadataCap(ctx: SiprecContext): number | undefined {
  return ctx.maxMetadataBytes ?? (ctx.sip as { maxMetadataBytes?: number }).maxMetadataBytes;
}
