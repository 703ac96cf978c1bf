/**
 * A small SIP message codec for the test servers (RFC 3261 §7): start line, headers (case-insensitive,
 * folded lines joined, order kept), body taken by Content-Length in bytes. It plays the part of the
 * SIP stack inside drachtio-server (sofia-sip), so the fake server can complete srf's bare responses and
 * build in-dialog requests; product code never uses it.
 */

const CRLF = '\r\n';

/** One header line as it appeared: original name and value. */
export interface SipHeader {
  name: string;
  value: string;
}

/** A parsed SIP request or response. */
export interface SipMessage {
  kind: 'request' | 'response';
  /** Request method (`INVITE`…); for responses, the CSeq method. */
  method: string;
  /** Request-URI (requests only). */
  uri?: string;
  /** Status code and reason phrase (responses only). */
  status?: number;
  reason?: string;
  headers: SipHeader[];
  /** Body as UTF-8 text (exactly Content-Length bytes when the header is present). */
  body: string;
}

/** Compact header forms (RFC 3261 §7.3.3) mapped to their long names. */
const COMPACT: Record<string, string> = {
  i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding',
};

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/**
 * Parses one SIP message. Header folding (a line starting with space/tab) is joined to the previous header.
 * The body is cut to Content-Length bytes when present, else it is the rest of the text.
 * @throws Error when the start line is not a SIP request or response line.
 */
export function parseSip(raw: string | Buffer): SipMessage {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const sep = buf.indexOf('\r\n\r\n');
  const headEnd = sep >= 0 ? sep : buf.length;
  const head = buf.subarray(0, headEnd).toString('utf8');
  const rest = sep >= 0 ? buf.subarray(sep + 4) : Buffer.alloc(0);
  const lines = head.split(/\r?\n/);
  const start = lines.shift() ?? '';
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  const lengthHeader = headers.find((h) => canonical(h.name) === 'content-length');
  const length = lengthHeader ? Number.parseInt(lengthHeader.value, 10) : NaN;
  const body = (Number.isFinite(length) ? rest.subarray(0, length) : rest).toString('utf8');
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(start);
  if (response) {
    const cseq = headers.find((h) => canonical(h.name) === 'cseq')?.value ?? '';
    return {
      kind: 'response', method: cseq.split(/\s+/)[1]?.toUpperCase() ?? '', status: Number(response[1]),
      reason: response[2], headers, body,
    };
  }
  const request = /^([A-Za-z]+)\s+(\S+)\s+SIP\/2\.0$/.exec(start.trim());
  if (!request) throw new Error(`not a SIP start line: ${JSON.stringify(start.slice(0, 80))}`);
  return { kind: 'request', method: request[1].toUpperCase(), uri: request[2], headers, body };
}

/** First value of a header (case-insensitive, compact forms understood). */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  const want = canonical(name);
  return msg.headers.find((h) => canonical(h.name) === want)?.value;
}

/** Every value of a header, in order (e.g. all Via lines). */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const want = canonical(name);
  return msg.headers.filter((h) => canonical(h.name) === want).map((h) => h.value);
}

/** Sets a header: replaces the first occurrence (dropping others), or appends it. */
export function setHeader(msg: SipMessage, name: string, value: string): void {
  const want = canonical(name);
  const first = msg.headers.findIndex((h) => canonical(h.name) === want);
  msg.headers = msg.headers.filter((h, i) => i === first || canonical(h.name) !== want);
  if (first >= 0) msg.headers[first] = { name: msg.headers[first].name, value };
  else msg.headers.push({ name, value });
}

/** Removes every occurrence of a header. */
export function removeHeader(msg: SipMessage, name: string): void {
  const want = canonical(name);
  msg.headers = msg.headers.filter((h) => canonical(h.name) !== want);
}

/** Puts headers at the top (used for Via, which must precede the others by convention). */
export function prependHeaders(msg: SipMessage, name: string, values: string[]): void {
  msg.headers = [...values.map((value) => ({ name, value })), ...msg.headers];
}

/** Serialises a message with a Content-Length in bytes (recomputed from the body). */
export function serializeSip(msg: SipMessage): string {
  const start = msg.kind === 'request'
    ? `${msg.method} ${msg.uri} SIP/2.0`
    : `SIP/2.0 ${msg.status} ${msg.reason ?? ''}`.trimEnd();
  const headers = msg.headers.filter((h) => canonical(h.name) !== 'content-length');
  const lines = [start, ...headers.map((h) => `${h.name}: ${h.value}`), `Content-Length: ${Buffer.byteLength(msg.body, 'utf8')}`];
  return lines.join(CRLF) + CRLF + CRLF + msg.body;
}

/** A header parameter, e.g. `tag` of a From value or `branch` of a Via. */
export function headerParam(value: string | undefined, param: string): string | undefined {
  if (!value) return undefined;
  // parameters after the URI's closing '>' (or anywhere when no brackets)
  const tail = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value;
  const match = new RegExp(`;\\s*${param}=([^;\\s,]+)`, 'i').exec(tail);
  return match?.[1];
}

/** The URI inside a name-addr (`"A" <sip:a@b>;tag=1` → `sip:a@b`) or a bare addr-spec. */
export function headerUri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const bracket = /<([^>]+)>/.exec(value);
  if (bracket) return bracket[1];
  return value.split(';')[0].trim();
}

/** Creates a response to a request, copying Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2). */
export function makeResponse(request: SipMessage, status: number, reason: string, toTag?: string): SipMessage {
  const headers: SipHeader[] = [];
  for (const via of getHeaders(request, 'via')) headers.push({ name: 'Via', value: via });
  let to = getHeader(request, 'to') ?? '';
  if (toTag && !headerParam(to, 'tag')) to = `${to};tag=${toTag}`;
  headers.push({ name: 'From', value: getHeader(request, 'from') ?? '' });
  headers.push({ name: 'To', value: to });
  headers.push({ name: 'Call-ID', value: getHeader(request, 'call-id') ?? '' });
  headers.push({ name: 'CSeq', value: getHeader(request, 'cseq') ?? '' });
  return { kind: 'response', method: request.method, status, reason, headers, body: '' };
}

/** CANCEL for a pending INVITE (RFC 3261 §9.1): same Request-URI, top Via, From, To, Call-ID; CSeq number, method CANCEL. */
export function makeCancel(invite: SipMessage): SipMessage {
  const cseq = Number.parseInt(getHeader(invite, 'cseq') ?? '1', 10);
  return {
    kind: 'request', method: 'CANCEL', uri: invite.uri, body: '',
    headers: [
      { name: 'Via', value: getHeaders(invite, 'via')[0] ?? '' },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: getHeader(invite, 'from') ?? '' },
      { name: 'To', value: getHeader(invite, 'to') ?? '' },
      { name: 'Call-ID', value: getHeader(invite, 'call-id') ?? '' },
      { name: 'CSeq', value: `${cseq} CANCEL` },
    ],
  };
}

/** ACK for a 2xx to INVITE (RFC 3261 §13.2.2.4): to the Contact of the 2xx, its To (with tag), a new Via. */
export function makeAck(invite: SipMessage, response: SipMessage, via: string): SipMessage {
  const cseq = Number.parseInt(getHeader(invite, 'cseq') ?? '1', 10);
  return {
    kind: 'request', method: 'ACK', uri: headerUri(getHeader(response, 'contact')) ?? invite.uri, body: '',
    headers: [
      { name: 'Via', value: via }, { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: getHeader(invite, 'from') ?? '' }, { name: 'To', value: getHeader(response, 'to') ?? '' },
      { name: 'Call-ID', value: getHeader(invite, 'call-id') ?? '' }, { name: 'CSeq', value: `${cseq} ACK` },
    ],
  };
}
