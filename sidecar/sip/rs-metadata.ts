/**
 * Reads SIPREC recording metadata (RFC 7865, `application/rs-metadata+xml`) into a plain model. Accepts
 * what SRCs send in the field: the RFC namespace `urn:ietf:params:xml:ns:recording:1`, the older
 * `urn:ietf:params:xml:ns:recording` (no `:1`), and the pre-RFC draft `<recording_metadata
 * xmlns="urn:ietf:params:xml:ns:siprec">` (BroadWorks); any namespace prefix (`tns:`); draft attribute
 * names (`id=`, `session=`, `session_id=` on streams); `<send>`/`<recv>` inside `<participant>` or in
 * `<participantstreamassoc>` (empty ones too), as text or as an `<id>` child; vendor `<extensiondata>`.
 * Pure; XML is parsed by fast-xml-parser with entities OFF (see `xml-tree.ts`).
 */
import { SiprecError } from '../core/errors.js';
import type { MetadataNamespace } from './siprec-types.js';
import { attr, childNamed, childrenNamed, descendantsNamed, parseXmlTree, type XmlElement } from './xml-tree.js';

/** A participant (RFC 7865 §6.4), with its stream associations (§6.7.1) merged in. */
export interface MetadataParticipant {
  /** `participant_id` (RFC) or `id` (draft). */
  id: string;
  /** AoR as sent (`nameID@aor` or draft `<aor>`), trimmed; absent when none is given. */
  aor?: string;
  /** Display name, trimmed, without `;param=value` tails some SRCs append; absent when empty. */
  name?: string;
  /** Metadata stream ids this participant sends (its voice). */
  sends: string[];
  /** Metadata stream ids this participant receives. */
  recvs: string[];
  /** False when only a `<participantstreamassoc>` names this id (a `partial` update). */
  declared: boolean;
  /** Vendor flag: this participant placed the call (Acme Packet `apkt:callingParty`). */
  callingParty?: boolean;
}

/** A stream (RFC 7865 §6.6). */
export interface MetadataStream {
  /** `stream_id` (RFC) or `id` (draft); may be '' (Avaya sends `stream_id=""` for a stream it has no m= line for). */
  id: string;
  /** `<label>`: the SDP `a=label` (RFC 4574) of the m= line carrying it. */
  label?: string;
  /** `<mode>` (`separate`, `mixed`), when given (draft). */
  mode?: string;
}

/** RFC 7865 metadata as Modsvar uses it. */
export interface RsMetadata {
  namespace?: MetadataNamespace;
  /** `datamode` (§6.1.1): `partial` updates carry only what changed. Default `complete`. */
  dataMode: 'complete' | 'partial';
  /** `<sipSessionID>` with whitespace removed, e.g. `ab30…;remote=4775…` (RFC 7989 Session-ID value). */
  sipSessionId?: string;
  /** Best ID of the recorded call: sipSessionID's local UUID, else a vendor call ID; absent when none. */
  callId?: { value: string; source: string };
  participants: MetadataParticipant[];
  streams: MetadataStream[];
  /**
   * True when the metadata says anything about stream association (a `<participantstreamassoc>`, or
   * `<send>`/`<recv>` inside a participant), even if empty: an empty association is a statement, not a gap.
   */
  associationsDeclared: boolean;
  /** AoRs or numbers of the party the PBX records (its own subscriber: the agent side), from vendor data. */
  recordedParties: string[];
  /**
   * AoRs or numbers of the party that placed the call, from vendor data: Metaswitch
   * `metaswitchRecordingMetadata/callingPartyNumber`, BroadWorks `callType/termCall|origCall/callingPartyNumber`.
   */
  callingParties: string[];
  warnings: string[];
}

const NAMESPACES: readonly MetadataNamespace[] = [
  'urn:ietf:params:xml:ns:recording:1',
  'urn:ietf:params:xml:ns:recording',
  'urn:ietf:params:xml:ns:siprec',
];

/**
 * Parses rs-metadata XML.
 *
 * @param xml the metadata body (UTF-8 text)
 * @returns the model; tolerated oddities are listed in `warnings`
 * @throws SiprecError `SIPREC_METADATA_DTD` (400): DOCTYPE/ENTITY present (never expanded);
 *   `SIPREC_BAD_METADATA` (400): not well-formed, or the root is not `<recording>`/`<recording_metadata>`.
 */
export function parseRsMetadata(xml: string): RsMetadata {
  const root = parseXmlTree(xml);
  const warnings: string[] = [];
  const rootName = root.name.toLowerCase();
  if (rootName !== 'recording' && rootName !== 'recording_metadata') {
    throw new SiprecError('SIPREC_BAD_METADATA', 400, 'Bad Request', `rs-metadata root element is <${root.name}>, not <recording>`);
  }
  const namespace = NAMESPACES.find((n) => n === root.ns);
  if (!namespace) warnings.push(`rs-metadata namespace "${root.ns}" is not a SIPREC namespace; read as RFC 7865`);

  const modeEl = childNamed(root, 'datamode');
  const modeText = modeEl?.text.trim().toLowerCase();
  if (modeEl && modeEl.name !== 'datamode') warnings.push(`rs-metadata uses <${modeEl.name}> for <datamode>`);
  const dataMode = modeText === 'partial' ? 'partial' : 'complete';

  const streams: MetadataStream[] = childrenNamed(root, 'stream').map((s) => ({
    id: attr(s, 'stream_id', 'id') ?? '',
    label: optionalText(childNamed(s, 'label')),
    mode: optionalText(childNamed(s, 'mode')),
  }));

  const participants: MetadataParticipant[] = [];
  const byId = new Map<string, MetadataParticipant>();
  for (const p of childrenNamed(root, 'participant')) {
    const id = attr(p, 'participant_id', 'id') ?? '';
    if (id === '') warnings.push('a <participant> has no participant_id; kept with an empty id');
    const nameId = childNamed(p, 'nameID');
    const aor = (nameId ? attr(nameId, 'aor') : undefined) ?? optionalText(childNamed(p, 'aor'));
    const name = cleanName(optionalText(nameId ? childNamed(nameId, 'name') : undefined) ?? optionalText(childNamed(p, 'name')));
    const callingText = descendantsNamed(p, 'callingParty')[0]?.text.trim().toLowerCase();
    const participant: MetadataParticipant = {
      id,
      ...(aor ? { aor } : {}),
      ...(name ? { name } : {}),
      sends: streamRefs(p, 'send'),
      recvs: streamRefs(p, 'recv'),
      declared: true,
      ...(callingText === 'true' || callingText === 'false' ? { callingParty: callingText === 'true' } : {}),
    };
    if (byId.has(id)) {
      warnings.push(`participant ${id} is declared twice; the first declaration is kept`);
      continue;
    }
    byId.set(id, participant);
    participants.push(participant);
  }
  for (const a of childrenNamed(root, 'participantstreamassoc')) {
    const id = attr(a, 'participant_id', 'participant', 'id') ?? '';
    let p = byId.get(id);
    if (!p) {
      p = { id, sends: [], recvs: [], declared: false };
      byId.set(id, p);
      participants.push(p);
    }
    for (const s of streamRefs(a, 'send')) if (!p.sends.includes(s)) p.sends.push(s);
    for (const r of streamRefs(a, 'recv')) if (!p.recvs.includes(r)) p.recvs.push(r);
  }

  const sessionEl = childNamed(root, 'session');
  const sipSessionRaw = (sessionEl ? childNamed(sessionEl, 'sipSessionID')?.text : undefined) ?? descendantsNamed(root, 'sipSessionID')[0]?.text;
  const sipSessionId = sipSessionRaw?.replace(/\s+/g, '') || undefined;
  const callId = pickCallId(root, sipSessionId);

  return {
    ...(namespace ? { namespace } : {}),
    dataMode,
    ...(sipSessionId ? { sipSessionId } : {}),
    ...(callId ? { callId } : {}),
    participants,
    streams,
    associationsDeclared: childrenNamed(root, 'participantstreamassoc').length > 0
      || childrenNamed(root, 'participant').some((p) => childrenNamed(p, 'send').length > 0 || childrenNamed(p, 'recv').length > 0),
    recordedParties: recordedParties(root),
    callingParties: callingParties(root),
    warnings,
  };
}

function optionalText(el: XmlElement | undefined): string | undefined {
  const t = el?.text.trim();
  return t ? t : undefined;
}

/** `<send>id</send>` or draft `<send><id>id</id></send>`; empty elements give nothing. */
function streamRefs(el: XmlElement, kind: 'send' | 'recv'): string[] {
  const out: string[] = [];
  for (const s of childrenNamed(el, kind)) {
    const ids = childrenNamed(s, 'id');
    const values = ids.length > 0 ? ids.map((i) => i.text.trim()) : [s.text.trim()];
    for (const v of values) if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** `test_user;lang=en-US;id=22` → `test_user` (OpenSIPS appends URI-style parameters to the name text). */
function cleanName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const m = /^(.*?)((?:;[\w.-]+=[^;\s]*)+)$/.exec(name);
  const cleaned = (m && m[1].trim() !== '' ? m[1] : name).trim();
  return cleaned || undefined;
}

/**
 * The recorded call's ID: RFC 7989 Session-ID local UUID from `<sipSessionID>` (the remote UUID when the
 * local one is the null UUID), else a vendor ID: Sonus/Ribbon `callData/callid` (the recorded call's
 * Call-ID), BroadWorks `extTrackingID` (one ID for both call halves), Avaya/Acme `ucid`.
 */
function pickCallId(root: XmlElement, sipSessionId: string | undefined): { value: string; source: string } | undefined {
  if (sipSessionId) {
    const [local, ...params] = sipSessionId.split(';');
    const remote = params.find((p) => /^remote=/i.test(p))?.slice(7);
    const isNull = (u: string | undefined): boolean => !u || /^0+$/.test(u);
    const value = !isNull(local) ? local : !isNull(remote) ? remote! : local;
    if (value) return { value, source: 'sipSessionID' };
  }
  const vendors: [container: string, child: string, source: string][] = [
    ['callData', 'callid', 'extension:callData'],
    ['broadWorksRecordingMetadata', 'extTrackingID', 'extension:broadWorksRecordingMetadata'],
  ];
  for (const [container, child, source] of vendors) {
    for (const c of descendantsNamed(root, container)) {
      const v = optionalText(childNamed(c, child));
      if (v) return { value: v, source };
    }
  }
  const ucid = descendantsNamed(root, 'ucid').map((u) => u.text.trim()).find((t) => t !== '');
  if (ucid) return { value: ucid, source: 'extension:ucid' };
  return undefined;
}

/** Vendor data naming the PBX's own (recorded) subscriber: Metaswitch `recordedParty`, BroadWorks `userID`. */
function recordedParties(root: XmlElement): string[] {
  const out: string[] = [];
  for (const el of descendantsNamed(root, 'metaswitchRecordingMetadata')) {
    const v = optionalText(childNamed(el, 'recordedParty'));
    if (v) out.push(v);
  }
  for (const el of descendantsNamed(root, 'broadWorksRecordingMetadata')) {
    const v = optionalText(childNamed(el, 'userID'));
    if (v) out.push(v);
  }
  return out;
}

/** Vendor data naming the caller: Metaswitch and BroadWorks `callingPartyNumber` (under `callType` for BroadWorks). */
function callingParties(root: XmlElement): string[] {
  const out: string[] = [];
  for (const el of descendantsNamed(root, 'metaswitchRecordingMetadata')) {
    const v = optionalText(childNamed(el, 'callingPartyNumber'));
    if (v) out.push(v);
  }
  for (const el of descendantsNamed(root, 'broadWorksRecordingMetadata')) {
    for (const call of childNamed(el, 'callType')?.children ?? []) {
      const v = optionalText(childNamed(call, 'callingPartyNumber'));
      if (v) out.push(v);
    }
  }
  return out;
}
