/**
 * Parses the text of one SIP request (a file, a capture) into a {@link SipRequestLike}, with the header
 * parser drachtio-srf itself uses (`drachtio-srf/lib/sip-parser/parser.js`, lazy mode), so `modsvar inspect`
 * reads a message the way the server does. On top of it: header names lower-cased (srf keeps the case of
 * `X-`/`P-` headers), folded lines joined (RFC 3261 §7.3.1), compact forms expanded (§7.3.3, by srf), and the
 * body cut at Content-Length counted in bytes (§20.14; spaces around the value allowed). Bare-LF files are
 * read as CRLF. A message srf's parser refuses is read leniently with a warning, so its body can still be
 * judged. Pure.
 */
import { createRequire } from 'node:module';
import { SiprecError } from '../core/errors.js';
import type { SipRequestLike } from './siprec-types.js';

interface SrfParsed {
  method?: string;
  uri?: string;
  status?: number;
  headers: Record<string, string>;
}

const require = createRequire(import.meta.url);
const srfParser = require('drachtio-srf/lib/sip-parser/parser') as { parseSipMessage(s: string, lazy: boolean): SrfParsed | undefined };

/** A parsed request plus what the parser noticed. */
export interface ParsedSipMessage {
  request: SipRequestLike;
  warnings: string[];
}

/**
 * Parses a SIP request message.
 *
 * @param text the whole message (start line, headers, blank line, body)
 * @throws SiprecError `SIP_BAD_MESSAGE` (400) when the text is not a SIP request (a response, no start
 *   line, a header line without a colon)
 */
export function parseSipMessage(text: string): ParsedSipMessage {
  const warnings: string[] = [];
  let raw = text.replace(/^\uFEFF/, '');
  if (!raw.includes('\r\n') && raw.includes('\n')) {
    raw = raw.replace(/\n/g, '\r\n');
    warnings.push('message uses bare LF line ends; read as CRLF');
  }
  raw = raw.replace(/^(\r\n)+/, '');
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw.replace(/(\r\n)+$/, '');
  const rest = split >= 0 ? raw.slice(split + 4) : '';
  let parsed: SrfParsed | undefined;
  try {
    parsed = srfParser.parseSipMessage(head + '\r\n\r\n', true);
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    // drachtio-srf's parser refuses a bad start line or a header line without a colon; read leniently so
    // the rest of the message can still be judged, and say so.
    parsed = lenientParse(head, warnings);
    warnings.push('drachtio-srf\'s SIP parser refuses this message (start line or a header line); read leniently');
  }
  if (!parsed.method) throw new SiprecError('SIP_BAD_MESSAGE', 400, 'Bad Request', `a SIP response (${parsed.status}), not a request`);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.headers)) {
    const key = name.toLowerCase();
    const v = String(value).replace(/\r\n[ \t]+/g, ' ').trim();
    headers[key] = key in headers ? `${headers[key]},${v}` : v;
  }

  let body = rest;
  const cl = headers['content-length'];
  if (cl !== undefined) {
    const n = Number(cl.trim());
    if (!Number.isInteger(n) || n < 0) {
      warnings.push(`Content-Length "${cl}" is not a number; the whole remainder is the body`);
    } else {
      const bytes = Buffer.from(rest, 'utf8');
      if (n > bytes.length) warnings.push(`Content-Length ${n} exceeds the ${bytes.length} bytes present (truncated message?)`);
      else if (n < bytes.length && rest.slice(0).trim() !== '' && bytes.subarray(n).toString('utf8').trim() !== '') {
        warnings.push(`Content-Length ${n} is shorter than the ${bytes.length} bytes present; the rest is ignored`);
      }
      body = bytes.subarray(0, Math.min(n, bytes.length)).toString('utf8');
    }
  } else if (rest !== '') {
    warnings.push('message has a body but no Content-Length (RFC 3261 §20.14 requires it over TCP; drachtio-srf keeps only the text before the first blank line of such a body)');
  }
  return { request: { method: parsed.method.toUpperCase(), uri: parsed.uri ?? '', headers, body }, warnings };
}

/** RFC 3261 §7.3.3 compact header names. */
const COMPACT: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from',
  s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', b: 'referred-by', u: 'allow-events',
};

/** A tolerant reading of the start line and headers; lines that are not `name: value` are skipped with a warning. */
function lenientParse(head: string, warnings: string[]): SrfParsed {
  const lines = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const start = lines.shift() ?? '';
  const request = /^([A-Za-z][\w.!%*+`'~-]*)\s+(\S+)\s+SIP\s*\/\s*2\.0\s*$/i.exec(start.trim());
  if (!request) {
    const response = /^SIP\s*\/\s*2\.0\s+(\d{3})/i.exec(start.trim());
    if (response) return { status: Number(response[1]), headers: {} };
    throw new SiprecError('SIP_BAD_MESSAGE', 400, 'Bad Request', `not a SIP message: bad start line "${start.slice(0, 80)}"`);
  }
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([^\s:]+)\s*:\s*(.*)$/.exec(line);
    if (!m) {
      if (line.trim() !== '') warnings.push(`header line without a colon ignored: "${line.slice(0, 60)}"`);
      continue;
    }
    const name = m[1].toLowerCase();
    const key = COMPACT[name] ?? name;
    headers[key] = key in headers ? `${headers[key]},${m[2]}` : m[2];
  }
  return { method: request[1], uri: request[2], headers };
}

/** Host (or `received=`) of the top Via (RFC 3261 §18.2.1): where a request came from, as a server sees it. */
export function topViaSource(headers: Readonly<Record<string, string>>): string | undefined {
  const via = headers.via;
  if (!via) return undefined;
  const top = via.split(/,(?=\s*SIP\s*\/)/i)[0];
  const received = /;\s*received\s*=\s*([^;,\s]+)/i.exec(top);
  if (received) return received[1];
  const m = /SIP\s*\/\s*[\d.]+\s*\/\s*\S+\s+(\[[^\]]+\]|[^\s;:]+)/i.exec(top);
  return m ? m[1].replace(/^\[|\]$/g, '') : undefined;
}

/** True when the request has a To-tag: it belongs to an existing dialog (RFC 3261 §12.2). */
export function isInDialog(req: SipRequestLike): boolean {
  return /;\s*tag\s*=/i.test(req.headers.to ?? '');
}
