/**
 * `modsvar inspect FILE.sip [--config FILE] [--session PRIOR.sip ...] [--source ADDR]`
 *
 * Reads one SIP request from a file (`-`: standard input) and prints, as JSON, what the recording server would answer and
 * which session it would record — through the same `interpretInitialInvite`/`interpretInDialog` the server
 * uses. The printed JSON is a documented, stable contract (keys are only ever added):
 *
 * `{"method", "response": {"status", "reason", "headers", "sdp"?}, "session": {"callId", "callIdSource",
 * "dialogCallId", "metadataNamespace"?, "hold", "pendingOffer"?, "participants": [{"id", "aor", "name"?, "role", "roleSource"}],
 * "streams": [{"label", "mediaIndex", "mediaType", "participantId"?, "participantIds"?, "role", "direction",
 * "held", "codec"?, "payloadType"?, "offeredCodecs", "localPort"?, "remoteAddress"?, "remotePort",
 * "rejectedReason"?}]} | null, "change"?: {"type", …}, "changes"?: [{"type", …}], "warnings": [...]}`
 *
 * A stream's `role` is always printed: `unknown` for video and for streams no participant sends (yet).
 *
 * In-dialog requests (To-tag, or BYE/UPDATE/…) are printed as the change they make: to the session built
 * from `--session` files (the first is the initial INVITE, the rest are applied in order), else to a
 * session reconstructed from the message itself (its own streams, not held, no metadata participants).
 * RTP ports are the first even ports of `sip.rtpPortMin..rtpPortMax`. The source-address ACL is checked
 * only with `--source ADDR` (a file has no network source; the top Via's `received=`/host is shown as
 * `sourceAddress`). Exit status: 0 for a 2xx, 1 otherwise, 2 for usage errors (including a `--source`
 * that is not an IP address, checked with `net.isIP`).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { loadConfig } from '../config/load-config.js';
import type { SipConfig } from '../config/schema.js';
import { isInDialog, parseSipMessage, topViaSource } from '../sip/sip-message.js';
import { interpretInDialog, interpretInitialInvite, type SiprecContext } from '../sip/siprec-request.js';
import type { SessionDescription, SipRequestLike, SiprecResponse } from '../sip/siprec-types.js';

const USAGE = `usage: modsvar inspect FILE.sip [--config FILE] [--session PRIOR.sip ...] [--source ADDR]

Prints the recording server's response and the parsed SIPREC session for one SIP request, as JSON.
FILE.sip may be - to read the message from standard input.
  --config FILE     configuration file (default: MODSVAR_CONFIG or config/modsvar.yaml)
  --session FILE    an earlier request of the same dialog (repeatable; the first is the initial INVITE);
                    FILE.sip is then interpreted inside that session
  --source ADDR     check sip.allowedSources against ADDR, an IPv4 or IPv6 address
                    (without it the ACL is not checked)
Exit status: 0 for a 2xx response, 1 otherwise, 2 for usage errors.
`;

interface Options { file: string; config?: string; sessions: string[]; source?: string }

function parseArgs(argv: string[]): Options | string {
  const opts: Options = { file: '', sessions: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--config' || a === '--session' || a === '--source') {
      const v = next();
      if (!v) return `${a} needs a value`;
      if (a === '--config') opts.config = v;
      else if (a === '--session') opts.sessions.push(v);
      else if (isIP(v) === 0) return `--source needs an IPv4 or IPv6 address, got "${v}"`;
      else opts.source = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else if (!opts.file) opts.file = a;
    else return `unexpected argument ${a}`;
  }
  return opts.file ? opts : 'no FILE.sip given';
}

/** Runs the command; resolves to the exit status. */
export async function run(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof opts === 'string') {
    process.stderr.write(`modsvar inspect: ${opts}\n\n${USAGE}`);
    return 2;
  }
  let sip: SipConfig;
  try {
    sip = loadConfig(opts.config ? { file: opts.config } : {}).config.sip;
  } catch (err) {
    process.stderr.write(`modsvar inspect: ${(err as Error).message}\n`);
    return 2;
  }
  /** The request, or an error and the exit status it deserves (2: unreadable file, 1: not a SIP request). */
  const parseWarnings: string[] = [];
  const read = (file: string): SipRequestLike | { error: string; exit: number } => {
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      return { error: `cannot read ${file}: ${(err as Error).message}`, exit: 2 };
    }
    try {
      const parsed = parseSipMessage(text);
      if (file === opts.file) parseWarnings.push(...parsed.warnings);
      return parsed.request;
    } catch (err) {
      return { error: `${file}: ${(err as Error).message}`, exit: 1 };
    }
  };

  let nextPort = sip.rtpPortMin + (sip.rtpPortMin % 2);
  const ctx: SiprecContext = {
    sip,
    activeCalls: 0,
    enforceAcl: opts.source !== undefined,
    leasePorts: (count: number) => {
      const out: number[] = [];
      while (out.length < count && nextPort <= sip.rtpPortMax) {
        out.push(nextPort);
        nextPort += 2;
      }
      return out;
    },
  };
  const withSource = (req: SipRequestLike): SipRequestLike => ({ ...req, sourceAddress: opts.source ?? topViaSource(req.headers) });

  let session: SessionDescription | undefined;
  for (const [i, file] of opts.sessions.entries()) {
    const req = read(file);
    if ('error' in req) {
      process.stderr.write(`modsvar inspect: ${req.error}\n`);
      return 2;
    }
    const d = i === 0 || !session ? interpretInitialInvite(withSource({ ...req, method: 'INVITE' }), ctx)
      : interpretInDialog(withSource(req), session, ctx);
    if (d.session && d.response.status >= 200 && d.response.status < 300) session = d.session;
    else process.stderr.write(`modsvar inspect: ${file} was answered ${d.response.status} ${d.response.reason}; ignored\n`);
  }

  const parsed = read(opts.file);
  if ('error' in parsed) {
    process.stderr.write(`modsvar inspect: ${parsed.error}\n`);
    return parsed.exit;
  }
  const req = withSource(parsed);
  const inDialog = session !== undefined || isInDialog(req) || req.method !== 'INVITE';
  let out: Record<string, unknown>;
  let status: number;
  if (!inDialog) {
    const d = interpretInitialInvite(req, ctx);
    status = d.response.status;
    out = { method: req.method, sourceAddress: req.sourceAddress, response: responseJson(d.response), session: d.session ? sessionJson(d.session) : null, warnings: [...parseWarnings, ...d.warnings] };
  } else {
    const prior = session ?? reconstruct(req, ctx);
    const d = interpretInDialog(req, prior, ctx);
    status = d.response.status;
    out = {
      method: req.method, sourceAddress: req.sourceAddress, response: responseJson(d.response),
      session: sessionJson(d.session), change: d.change, changes: d.changes,
      priorSession: session ? 'from --session' : 'reconstructed from the message', warnings: [...parseWarnings, ...d.warnings],
    };
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return status >= 200 && status < 300 ? 0 : 1;
}

/** The session an in-dialog request is applied to when no earlier request is given (see the file comment). */
function reconstruct(req: SipRequestLike, ctx: SiprecContext): SessionDescription {
  const callId = req.headers['call-id']?.trim() || '(no Call-ID)';
  const empty: SessionDescription = { callId, callIdSource: 'Call-ID', dialogCallId: callId, hold: false, participants: [], streams: [], warnings: [] };
  if (!/application\/sdp|multipart\//i.test(req.headers['content-type'] ?? '')) return empty;
  const d = interpretInitialInvite({ ...req, method: 'INVITE' }, { ...ctx, enforceAcl: false });
  if (!d.session || d.response.status !== 200 || !d.response.sdp) return empty;
  const s = d.session;
  const fromMetadata = s.metadataNamespace !== undefined;
  return {
    ...empty,
    streams: s.streams.map((x) => {
      const y = { ...x, held: false, direction: x.direction === 'inactive' || x.direction === 'recvonly' ? 'sendonly' as const : x.direction };
      if (fromMetadata) { delete y.participantId; delete y.participantIds; delete y.role; }
      return y;
    }),
    participants: fromMetadata ? [] : s.participants,
    ...(s.answerOrigin ? { answerOrigin: s.answerOrigin } : {}),
  };
}

function responseJson(r: SiprecResponse): Record<string, unknown> {
  return { status: r.status, reason: r.reason, headers: r.headers, ...(r.sdp ? { sdp: r.sdp } : {}) };
}

function sessionJson(s: SessionDescription): Record<string, unknown> {
  return {
    callId: s.callId,
    callIdSource: s.callIdSource,
    dialogCallId: s.dialogCallId,
    ...(s.metadataNamespace ? { metadataNamespace: s.metadataNamespace } : {}),
    hold: s.hold,
    ...(s.pendingOffer ? { pendingOffer: true } : {}),
    participants: s.participants.map((p) => ({ id: p.id, aor: p.aor, ...(p.name ? { name: p.name } : {}), role: p.role, ...(p.roleSource ? { roleSource: p.roleSource } : {}) })),
    streams: s.streams.map((x) => ({
      label: x.label, mediaIndex: x.mediaIndex, mediaType: x.mediaType,
      ...(x.participantId ? { participantId: x.participantId } : {}),
      ...(x.participantIds ? { participantIds: x.participantIds } : {}),
      role: x.role ?? 'unknown',
      direction: x.direction, held: x.held ?? false,
      ...(x.codec ? { codec: x.codec, payloadType: x.payloadType } : {}),
      offeredCodecs: x.offeredCodecs,
      ...(x.localPort !== undefined ? { localPort: x.localPort } : {}),
      ...(x.remoteAddress ? { remoteAddress: x.remoteAddress } : {}),
      remotePort: x.remotePort,
      ...(x.rejectedReason ? { rejectedReason: x.rejectedReason } : {}),
    })),
  };
}
