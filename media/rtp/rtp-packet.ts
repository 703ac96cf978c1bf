/**
 * Pure RTP fixed-header parser (RFC 3550 §5.1), written for the per-packet hot path: it fills a
 * caller-owned {@link RtpPacket} object with byte operations and allocates nothing.
 *
 * Layout (RFC 3550 §5.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers  (CC × 32)  |
 * | header extension (X=1): profile (16) | length in words (16)   | (RFC 3550 §5.3.1, RFC 8285)
 * | payload …                                    | padding, last octet = count (P=1) |
 * ```
 */

/** Why a datagram was refused as RTP. */
export type RtpParseError =
  | 'too-short'
  | 'bad-version'
  | 'bad-csrc-length'
  | 'bad-extension-length'
  | 'bad-padding'
  | 'empty-payload';

/** The parsed fields of one RTP packet. Reused: copy what must outlive the next parse. */
export interface RtpPacket {
  /** Always 2 after a successful parse. */
  version: number;
  /** P bit: padding octets were present (already excluded from the payload). */
  padding: boolean;
  /** Number of padding octets removed from the end, including the count octet (RFC 3550 §5.1). */
  paddingBytes: number;
  /** X bit: a header extension follows the CSRC list. */
  extension: boolean;
  /** The 16-bit "defined by profile" field of the extension: 0xBEDE = RFC 8285 one-byte, 0x1000–0x100F two-byte. */
  extensionProfile: number;
  /** Offset of the extension data (after its 4-byte header) in the datagram, in bytes; 0 without one. */
  extensionOffset: number;
  /** Length of the extension data in bytes (the header's word count × 4). */
  extensionBytes: number;
  /** CSRC count (CC), 0–15. The identifiers start at byte 12 of the datagram. */
  csrcCount: number;
  /** M bit: for audio, the first packet of a talk spurt (RFC 3551 §4.1). */
  marker: boolean;
  /** Payload type, 0–127. */
  payloadType: number;
  /** Sequence number, 0–65535. */
  sequenceNumber: number;
  /** RTP timestamp, 0–2^32−1, in clock-rate units (8 kHz for G.711). */
  timestamp: number;
  /** Synchronisation source, unsigned 32-bit. */
  ssrc: number;
  /** Offset of the payload in the datagram, in bytes. */
  payloadOffset: number;
  /** Payload length in bytes, padding excluded. */
  payloadLength: number;
  /** Why the last parse failed; undefined after a successful one. */
  error: RtpParseError | undefined;
}

/** The smallest RTP packet: the 12-byte fixed header. */
export const RTP_HEADER_BYTES = 12;

/** A fresh, zeroed {@link RtpPacket}; allocate one per receiver and reuse it for every datagram. */
export function createRtpPacket(): RtpPacket {
  return {
    version: 0,
    padding: false,
    paddingBytes: 0,
    extension: false,
    extensionProfile: 0,
    extensionOffset: 0,
    extensionBytes: 0,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    payloadOffset: 0,
    payloadLength: 0,
    error: undefined,
  };
}

/**
 * Parses `data[0, length)` as an RTP packet into `out`. Returns true on success; on failure returns
 * false and sets `out.error` (other fields are then unspecified). Never throws.
 *
 * Refused: fewer than 12 bytes, version ≠ 2, a CSRC list or extension running past the end, a padding
 * count of 0 or larger than what follows the header (RFC 3550 §5.1), and packets with no payload left.
 * RTCP (PT 200–204 with the M bit, RFC 5761 §4) is not expected on an RTP-only port and parses as PT 72–76,
 * which callers treat as an unknown payload type.
 *
 * @param data the datagram
 * @param out the reused result object
 * @param length bytes of `data` to parse; default `data.length`
 */
export function parseRtpPacket(data: Uint8Array, out: RtpPacket, length: number = data.length): boolean {
  out.error = undefined;
  if (length < RTP_HEADER_BYTES) return fail(out, 'too-short');
  const b0 = data[0];
  const version = b0 >>> 6;
  if (version !== 2) return fail(out, 'bad-version');
  const b1 = data[1];
  out.version = 2;
  out.padding = (b0 & 0x20) !== 0;
  out.extension = (b0 & 0x10) !== 0;
  out.csrcCount = b0 & 0x0f;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequenceNumber = (data[2] << 8) | data[3];
  out.timestamp = ((data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7]) >>> 0;
  out.ssrc = ((data[8] << 24) | (data[9] << 16) | (data[10] << 8) | data[11]) >>> 0;

  let offset = RTP_HEADER_BYTES + out.csrcCount * 4;
  if (offset > length) return fail(out, 'bad-csrc-length');

  out.extensionProfile = 0;
  out.extensionOffset = 0;
  out.extensionBytes = 0;
  if (out.extension) {
    if (offset + 4 > length) return fail(out, 'bad-extension-length');
    out.extensionProfile = (data[offset] << 8) | data[offset + 1];
    const words = (data[offset + 2] << 8) | data[offset + 3];
    out.extensionOffset = offset + 4;
    out.extensionBytes = words * 4;
    offset += 4 + words * 4;
    if (offset > length) return fail(out, 'bad-extension-length');
  }

  let end = length;
  out.paddingBytes = 0;
  if (out.padding) {
    const count = data[length - 1];
    if (count === 0 || count > length - offset) return fail(out, 'bad-padding');
    out.paddingBytes = count;
    end -= count;
  }
  if (end <= offset) return fail(out, 'empty-payload');
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return true;
}

function fail(out: RtpPacket, error: RtpParseError): false {
  out.error = error;
  return false;
}

/**
 * Serialises an RTP packet (for tests, benchmarks and the test RTP sender; not on the receive path).
 * Returns a new Buffer: 12-byte header, CSRCs, optional extension, payload and optional padding.
 *
 * @param fields header fields (RFC 3550 §5.1); `extension.data` length must be a multiple of 4
 * @throws TypeError when a field is out of range or the extension is not word-aligned
 */
export function buildRtpPacket(fields: {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  csrcs?: number[];
  extension?: { profile: number; data: Uint8Array };
  paddingBytes?: number;
  payload: Uint8Array;
}): Buffer {
  const csrcs = fields.csrcs ?? [];
  const padding = fields.paddingBytes ?? 0;
  if (csrcs.length > 15) throw new TypeError('at most 15 CSRCs');
  if (fields.payloadType < 0 || fields.payloadType > 127) throw new TypeError('payloadType must be 0–127');
  if (padding < 0 || padding > 255) throw new TypeError('paddingBytes must be 0–255');
  const ext = fields.extension;
  if (ext && ext.data.length % 4 !== 0) throw new TypeError('extension data must be a multiple of 4 bytes');
  const extBytes = ext ? 4 + ext.data.length : 0;
  const size = RTP_HEADER_BYTES + csrcs.length * 4 + extBytes + fields.payload.length + padding;
  const buf = Buffer.alloc(size);
  buf[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  buf[1] = (fields.marker ? 0x80 : 0) | fields.payloadType;
  buf.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(fields.timestamp >>> 0, 4);
  buf.writeUInt32BE(fields.ssrc >>> 0, 8);
  let offset = RTP_HEADER_BYTES;
  for (const csrc of csrcs) {
    buf.writeUInt32BE(csrc >>> 0, offset);
    offset += 4;
  }
  if (ext) {
    buf.writeUInt16BE(ext.profile, offset);
    buf.writeUInt16BE(ext.data.length / 4, offset + 2);
    buf.set(ext.data, offset + 4);
    offset += extBytes;
  }
  buf.set(fields.payload, offset);
  if (padding > 0) buf[size - 1] = padding;
  return buf;
}
