/**
 * drachtio wire protocol framing (drachtio-srf 5.0.x ⇄ drachtio-server): every message is
 * `<UTF-8 byte length>#<payload>`, payload = `<msgId>|<type>|<fields…>`, optionally followed by CRLF and
 * a raw SIP message. Source: drachtio-srf lib/wire-protocol.js (`send`, `_onData`) and
 * drachtio-server src/client.cpp; see the project's protocol notes.
 */
import { randomUUID } from 'node:crypto';

/** A frame as the fake server received it from srf. */
export interface WireFrame {
  msgId: string;
  /** Token 1: `authenticate`, `route`, `sip`, `ping`, `proxy`, `remove_route`. */
  type: string;
  /** The leader (text before the first CR) split on `|`. */
  tokens: string[];
  /** The raw SIP text after the leader's CRLF, when present. */
  sip?: string;
}

/** Encodes one frame: the length prefix counts UTF-8 bytes, not UTF-16 code units. */
export function encodeFrame(payload: string): Buffer {
  return Buffer.from(`${Buffer.byteLength(payload, 'utf8')}#${payload}`, 'utf8');
}

/** Splits a payload into leader tokens and the SIP text (srf's own rule: SIP starts 2 bytes after the first CR). */
export function decodePayload(payload: string): WireFrame {
  const cr = payload.indexOf('\r');
  const leader = cr === -1 ? payload : payload.slice(0, cr);
  const tokens = leader.split('|');
  return { msgId: tokens[0], type: tokens[1] ?? '', tokens, sip: cr === -1 ? undefined : payload.slice(cr + 2) };
}

/**
 * Incremental frame splitter for one TCP connection. Frames may arrive split across chunks or several in
 * one chunk. Like the real server, at most 5 length digits are read; anything else is a protocol error.
 */
export class FrameReader {
  #buffer = Buffer.alloc(0);

  /**
   * Appends a chunk and returns the complete payloads it finished.
   * @throws Error on a malformed length prefix (the caller drops the connection, as drachtio-server does).
   */
  push(chunk: Buffer): string[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const out: string[] = [];
    for (;;) {
      const hash = this.#buffer.indexOf('#');
      if (hash < 0) {
        if (this.#buffer.length > 5) throw new Error('drachtio frame: no length prefix in the first 5 bytes');
        return out;
      }
      const digits = this.#buffer.subarray(0, hash).toString('ascii');
      if (!/^\d{1,5}$/.test(digits)) throw new Error(`drachtio frame: bad length prefix ${JSON.stringify(digits)}`);
      const length = Number(digits);
      if (this.#buffer.length < hash + 1 + length) return out;
      out.push(this.#buffer.subarray(hash + 1, hash + 1 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(hash + 1 + length);
    }
  }
}

/** A fresh id for frames the server originates (srf never reads token 0 of server frames). */
export function newId(): string {
  return randomUUID();
}

/** drachtio-server's time stamp format `HH:MM:SS.uuuuuu`. */
export function stackTime(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds() * 1000, 6)}`;
}
