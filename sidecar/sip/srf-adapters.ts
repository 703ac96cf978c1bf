import type { Logger } from 'pino';
import { withDeadline } from './deadline.js';
import type { InDialogRequest, SignallingDialog } from './recording-session-types.js';
import type { SipRequestLike, SiprecResponse } from './siprec-types.js';

/**
 * Thin adapters between drachtio-srf objects and our drachtio-independent shapes. They are written
 * against the few members they use (structural types below, as documented in drachtio-srf 5.0.x
 * lib/request.js, lib/response.js, lib/dialog.js), so only `srf-app.ts` imports drachtio-srf itself.
 */

/** The members of a drachtio-srf request we read. */
export interface SrfRequestLike {
  method: string;
  uri: string;
  /** Header values by lower-case name (srf's parser lower-cases and expands compact forms; `X-`/`P-` keep case). */
  headers: Record<string, unknown>;
  /** The whole body, Content-Length applied. Never `req.payload`: srf cuts each multipart part at its first blank line. */
  body?: string;
  source_address?: string;
  source_port?: number | string;
  get(name: string): string | undefined;
  on(event: 'cancel', listener: (msg: unknown) => void): unknown;
}

/** The members of a drachtio-srf response we use. */
export interface SrfResponseLike {
  finalResponseSent: boolean;
  send(status: number, reason: string, opts: { headers?: Record<string, string>; body?: string }, cb?: (err: unknown) => void): void;
}

/** The members of a drachtio-srf Dialog we use. */
export interface SrfDialogLike {
  id: string;
  on(event: 'modify' | 'update' | 'info', listener: (req: SrfRequestLike, res: SrfResponseLike) => void): unknown;
  on(event: 'destroy', listener: (req: unknown, reason?: string) => void): unknown;
  on(event: 'ack', listener: (req: unknown) => void): unknown;
  destroy(): Promise<unknown>;
}

/**
 * Builds the {@link SipRequestLike} the SIPREC logic reads from a drachtio request: upper-case method,
 * lower-case header names (folded values joined with one space, RFC 3261 §7.3.1), the full body from
 * `req.body`, and the network source (`req.source_address`) for the ACL.
 */
export function toSipRequestLike(req: SrfRequestLike): SipRequestLike {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (value === undefined || value === null) continue;
    const key = name.toLowerCase();
    const text = String(value).replace(/\r?\n[ \t]+/g, ' ');
    headers[key] = key in headers ? `${headers[key]},${text}` : text;
  }
  return {
    method: String(req.method).toUpperCase(),
    uri: req.uri,
    headers,
    body: req.body ?? '',
    sourceAddress: req.source_address,
  };
}

/** A drachtio error reply arrives as a string (`token[1]`) or an Error; always get an Error. */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Sends a final response through srf and resolves when drachtio-server echoed it as sent.
 * @throws Error when srf reports a failure, DeadlineError when no echo arrives within `timeoutMs`.
 */
export function sendResponse(res: SrfResponseLike, response: SiprecResponse, timeoutMs: number): Promise<void> {
  const work = new Promise<void>((resolve, reject) => {
    res.send(response.status, response.reason, { headers: response.headers, body: response.sdp }, (err) =>
      err ? reject(toError(err)) : resolve());
  });
  return withDeadline(work, timeoutMs, `sending ${response.status} ${response.reason}`);
}

/**
 * Adapts a drachtio-srf UAS Dialog to the session's {@link SignallingDialog}. Call it synchronously in the
 * `createUAS` callback: srf routes the next frames (a quick re-INVITE or BYE in the same TCP chunk) to the
 * Dialog before any promise continuation runs. It listens to `modify`, `update` and `info` at once, since
 * srf answers a re-INVITE itself with the *old* SDP when nobody listens to `modify` (drachtio-srf
 * lib/dialog.js). Requests and a BYE that arrive before the session registers its handlers are queued
 * and delivered on registration, never lost or left unanswered. `beforeRequest` runs before we send a
 * request in the dialog (srf-app uses it to move a dialog onto the current drachtio connection).
 */
export function adaptDialog(dialog: SrfDialogLike, timeoutMs: number, logger: Logger, beforeRequest?: (dialog: SrfDialogLike) => void): SignallingDialog {
  let onRequest: ((req: InDialogRequest) => void) | undefined;
  let onRemoteEnd: ((reason: string) => void) | undefined;
  const queued: InDialogRequest[] = [];
  let endedReason: string | undefined;
  const deliver = (req: SrfRequestLike, res: SrfResponseLike) => {
    const request: InDialogRequest = {
      request: toSipRequestLike(req),
      respond: (response) => sendResponse(res, response, timeoutMs),
    };
    if (onRequest) onRequest(request);
    else queued.push(request);
  };
  dialog.on('modify', deliver);
  dialog.on('update', deliver);
  dialog.on('info', deliver);
  // an ACK is never answered; after a delayed offer (INVITE without SDP) it carries the SRC's answer
  dialog.on('ack', (req) => {
    logger.debug('ACK received');
    const request: InDialogRequest = { request: toSipRequestLike(req as SrfRequestLike), respond: async () => undefined };
    if (onRequest) onRequest(request);
    else queued.push(request);
  });
  dialog.on('destroy', (_req, reason) => {
    endedReason = reason ?? 'normal release';
    onRemoteEnd?.(endedReason);
  });
  return {
    id: dialog.id,
    onRequest: (handler) => {
      onRequest = handler;
      for (const request of queued.splice(0)) handler(request);
    },
    onRemoteEnd: (handler) => {
      onRemoteEnd = handler;
      if (endedReason !== undefined) handler(endedReason);
    },
    end: async () => {
      beforeRequest?.(dialog);
      await withDeadline(dialog.destroy(), timeoutMs, 'BYE');
    },
  };
}
