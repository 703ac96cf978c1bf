/**
 * Combines an SDP offer and rs-metadata into a {@link SessionDescription}: each m=audio line is bound to
 * its participant through the metadata (`a=label` → `<stream><label>` → stream id → the participant that
 * `<send>`s it, RFC 7865 §6.6/§6.7.1) — never by position when the metadata says otherwise. Pure.
 *
 * Fallbacks, each with a warning: SDP without metadata → one synthetic participant per audio stream (or the
 * participants of Cisco network-based recording `X-Cisco-Recording-Participant` headers, by `media-index`);
 * metadata that associates no stream at all → streams bound to participants by order when the counts match;
 * labels declared in metadata but absent from the SDP (and the reverse) are reported.
 * A repeated `a=label` (or metadata `<stream><label>`) never merges streams: see `stream-labels.ts` (`L`, `L~2`…).
 * In a dialog, `previous` carries what earlier requests established: a request without metadata keeps the
 * participants and bindings; `datamode` `partial` (RFC 7865 §5.1) updates only what it names.
 */
import type { RoleRulesConfig } from '../config/schema.js';
import { assignRoles } from './role-rules.js';
import type { RsMetadata } from './rs-metadata.js';
import { codecLabel, type SdpOffer, type StreamPlan } from './sdp-answer.js';
import type { Participant, SessionDescription, SessionStream } from './siprec-types.js';
import { offerStreamLabels, uniqueStreamLabels } from './stream-labels.js';

/** Inputs of {@link describeSession}. */
export interface DescribeInput {
  /** Call-ID header of the SIPREC dialog. */
  dialogCallId: string;
  /** The offer; absent for a metadata-only request (the streams of `previous` are kept). */
  offer?: SdpOffer;
  /** Our plan per m= line (same indexes as `offer.media`). */
  plans?: readonly StreamPlan[];
  /** Our RTP port per m= line index (undefined for rejected lines). */
  ports?: readonly (number | undefined)[];
  metadata?: RsMetadata;
  /** Request headers (lower-case names), for `x-cisco-recording-participant`. */
  headers?: Readonly<Record<string, string>>;
  roles: RoleRulesConfig;
  /** The session before this request (in-dialog requests). */
  previous?: SessionDescription;
}

interface WorkingParticipant {
  id: string;
  aor: string;
  name?: string;
  /** Metadata stream ids sent, or labels (`label:<x>`) for synthetic bindings. */
  sends: Set<string>;
  callingParty?: boolean;
}

/**
 * Builds the session description.
 *
 * @returns the session; every oddity is a sentence in `warnings`. Never throws on odd input.
 */
export function describeSession(input: DescribeInput): SessionDescription {
  const { offer, metadata, previous } = input;
  const warnings: string[] = [...(metadata?.warnings ?? [])];
  const sessionLabels = offer ? offerStreamLabels(offer) : [];
  const streams: SessionStream[] = offer ? offer.media.map((m) => {
    const plan = input.plans?.[m.index];
    const port = input.ports?.[m.index];
    const codec = plan?.accepted ? m.codecs.find((c) => c.payloadType === plan.payloadType) : undefined;
    return {
      label: sessionLabels[m.index],
      mediaIndex: m.index,
      mediaType: m.type,
      direction: m.direction,
      ...(plan?.accepted && plan.codec ? { codec: plan.codec, payloadType: codec?.payloadType } : {}),
      ...(plan?.telephoneEventPayloadType !== undefined ? { telephoneEventPayloadType: plan.telephoneEventPayloadType } : {}),
      offeredCodecs: m.codecs.map(codecLabel),
      ...(m.connectionAddress ? { remoteAddress: m.connectionAddress } : {}),
      remotePort: m.port,
      ...(m.ptimeMs ? { ptimeMs: m.ptimeMs } : {}),
      ...(plan?.accepted && port !== undefined ? { localPort: port } : {}),
      held: plan?.held ?? false,
      ...(plan && !plan.accepted ? { rejectedReason: plan.rejectedReason } : {}),
    };
  }) : (previous?.streams ?? []).map((s) => ({ ...s, offeredCodecs: [...s.offeredCodecs] }));
  const audio = streams.filter((s) => s.mediaType === 'audio');
  const raw = offer?.media.map((m) => m.label ?? `m${m.index}`) ?? [];
  for (const l of new Set(raw)) {
    const at = raw.flatMap((x, i) => (x === l ? [sessionLabels[i]] : []));
    if (at.length > 1) warnings.push(`SDP labels ${at.length} m= lines ${l}; each is its own stream, recorded as ${at.join(', ')}`);
  }

  // Metadata stream table: id → label (partial updates extend the previous table). Streams of this
  // metadata that claim the same label are made unique the way m= lines are, in document order.
  const metaStreams: Record<string, string> = metadata?.dataMode === 'partial' || !metadata ? { ...(previous?.metadataStreams ?? {}) } : {};
  const declaredStreams = (metadata?.streams ?? []).filter((s): s is typeof s & { label: string } => s.id !== '' && s.label !== undefined);
  const declaredLabels = uniqueStreamLabels(declaredStreams.map((s) => s.label));
  declaredStreams.forEach((s, i) => { metaStreams[s.id] = declaredLabels[i]; });
  for (const l of new Set(declaredStreams.map((s) => s.label))) {
    const at = declaredStreams.flatMap((s, i) => (s.label === l ? [i] : []));
    if (at.length > 1) warnings.push(`metadata streams ${at.map((i) => declaredStreams[i].id).join(', ')} claim the same label ${l}; `
      + `each is bound to its own m= line labelled ${l}, in order (${at.map((i) => declaredLabels[i]).join(', ')})`);
  }
  for (const s of metadata?.streams ?? []) if (s.id === '' && s.label !== undefined) warnings.push(`metadata stream with label ${s.label} has an empty stream id`);

  const participants = new Map<string, WorkingParticipant>();
  let bound = false; // true when stream→participant bindings come from this request's metadata
  if (metadata && metadata.dataMode === 'complete') {
    for (const p of metadata.participants) {
      if (!p.declared) warnings.push(`metadata associates streams with undeclared participant ${p.id}`);
      participants.set(p.id, { id: p.id, aor: p.aor ?? '', name: p.name, sends: new Set(p.sends), callingParty: p.callingParty });
    }
    bound = true;
  } else {
    for (const p of previous?.participants ?? []) participants.set(p.id, { id: p.id, aor: p.aor, name: p.name, sends: new Set() });
    if (metadata) {
      for (const p of metadata.participants) {
        const cur = participants.get(p.id) ?? { id: p.id, aor: p.aor ?? '', sends: new Set<string>() };
        if (p.declared) Object.assign(cur, { aor: p.aor ?? cur.aor, name: p.name ?? cur.name, callingParty: p.callingParty });
        for (const s of p.sends) cur.sends.add(s);
        participants.set(p.id, cur);
      }
      bound = true;
    }
  }

  // label → senders from this request's metadata
  const senders = new Map<string, string[]>();
  for (const p of participants.values()) {
    for (const id of p.sends) {
      const label = metaStreams[id];
      if (label === undefined) {
        if (bound) warnings.push(`participant ${p.id} sends stream ${id}, which the metadata does not declare`);
        continue;
      }
      senders.set(label, [...(senders.get(label) ?? []), p.id]);
    }
  }

  const previousByLabel = new Map((previous?.streams ?? []).map((s) => [s.label, s]));
  const anyAssoc = metadata ? metadata.participants.some((p) => p.sends.length > 0) : false;
  const assocDeclared = metadata?.associationsDeclared ?? false;
  const sdpHasLabels = audio.some((s) => offer?.media[s.mediaIndex]?.label !== undefined);

  const metaLabels = new Set(Object.values(metaStreams));
  const labelsDisjoint = offer !== undefined && sdpHasLabels && metaLabels.size > 0 && !audio.some((s) => metaLabels.has(s.label));
  if (metadata && metadata.dataMode === 'complete' && (!anyAssoc || (!sdpHasLabels && offer) || labelsDisjoint)) {
    // No stream association in the metadata (OpenSIPS), or an SDP without labels: bind by order if counts match.
    const live = audio.filter((s) => !s.rejectedReason);
    const declared = [...participants.values()];
    if (!assocDeclared && declared.length === live.length && live.length > 0) {
      live.forEach((s, i) => senders.set(s.label, [declared[i].id]));
      warnings.push('metadata associates no participant with a stream; streams bound to participants in order');
    } else if (assocDeclared && !anyAssoc) {
      warnings.push('metadata associates no stream with any participant yet; streams are unassigned until an update');
    } else if (anyAssoc && (!sdpHasLabels || labelsDisjoint) && metadata.streams.length === audio.length) {
      const orderedLabels = metadata.streams.map((s) => s.label);
      const remapped = new Map<string, string[]>();
      audio.forEach((s, i) => {
        const ml = orderedLabels[i];
        if (ml !== undefined && senders.has(ml)) remapped.set(s.label, senders.get(ml)!);
      });
      senders.clear();
      for (const [k, v] of remapped) senders.set(k, v);
      warnings.push(sdpHasLabels
        ? 'no SDP a=label matches a metadata <label>; metadata streams bound to m= lines in order'
        : 'SDP has no a=label lines; metadata streams bound to m= lines in order');
    }
  }

  for (const s of audio) {
    // Streams copied from `previous` (metadata-only request) are re-bound from scratch like fresh ones.
    delete s.participantId;
    delete s.participantIds;
    delete s.role;
    const who = senders.get(s.label);
    if (who && who.length > 0) {
      if (who.length === 1) s.participantId = who[0];
      else {
        delete s.participantId;
        s.participantIds = [...who];
      }
    } else if (!bound || metadata?.dataMode === 'partial') {
      const prev = previousByLabel.get(s.label);
      if (prev?.participantId) s.participantId = prev.participantId;
      if (prev?.participantIds) s.participantIds = [...prev.participantIds];
    }
    const metaId = Object.keys(metaStreams).find((id) => metaStreams[id] === s.label);
    if (metaId) s.metadataStreamId = metaId;
  }

  if (bound && metadata) {
    const sdpLabels = new Set(streams.map((s) => s.label));
    const missing = [...new Set(Object.values(metaStreams).filter((l) => !sdpLabels.has(l)))];
    if (offer && missing.length > 0) warnings.push(`metadata declares stream label${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the SDP does not offer`);
    for (const s of audio) {
      if (!s.rejectedReason && offer && !Object.values(metaStreams).includes(s.label) && sdpHasLabels) warnings.push(`SDP stream label ${s.label} is not declared in the metadata`);
    }
  }

  // No participants at all: Cisco NBR headers, else one synthetic participant per audio stream.
  if (participants.size === 0) {
    const nbr = ciscoRecordingParticipants(input.headers?.['x-cisco-recording-participant']);
    if (nbr.length > 0) {
      for (const p of nbr) {
        const id = `nbr-${p.mediaIndex}`;
        participants.set(id, { id, aor: p.aor, sends: new Set() });
        const s = audio.find((x) => x.mediaIndex === p.mediaIndex);
        if (s) s.participantId = id;
      }
    } else {
      for (const s of audio) {
        if (s.rejectedReason && s.remotePort === 0) continue;
        const id = `stream-${s.label}`;
        participants.set(id, { id, aor: '', sends: new Set() });
        s.participantId = id;
      }
      if (audio.length > 0) warnings.push(metadata ? 'metadata names no participant; one participant per audio stream' : 'no recording metadata; one participant per audio stream');
    }
  }

  // An SDP-only session that gains a stream later (re-INVITE): the new stream gets its own synthetic participant.
  if (!metadata && previous && !previous.metadataNamespace && participants.size > 0) {
    for (const s of audio) {
      if (s.participantId || s.participantIds || s.rejectedReason) continue;
      const id = `stream-${s.label}`;
      if (!participants.has(id)) participants.set(id, { id, aor: '', sends: new Set() });
      s.participantId = id;
    }
  }

  const recordedParties = metadata?.recordedParties.length ? metadata.recordedParties : previous?.recordedParties ?? [];
  const sending = new Set(audio.flatMap((s) => s.participantIds ?? (s.participantId ? [s.participantId] : [])));
  const roles = assignRoles(
    [...participants.values()].map((p) => ({
      id: p.id, aor: p.aor, sends: sending.has(p.id) || p.sends.size > 0,
      ...(p.callingParty !== undefined ? { callingParty: p.callingParty } : {}),
    })),
    input.roles, recordedParties, metadata?.callingParties ?? []);
  // Without complete metadata in this request the participants are the ones already known: keep their roles
  // (a re-INVITE that only pauses media must not flip who is the customer).
  const keepRoles = previous !== undefined && (!metadata || metadata.dataMode === 'partial');
  const previousById = new Map((previous?.participants ?? []).map((p) => [p.id, p]));
  const outParticipants: Participant[] = [...participants.values()].map((p) => {
    const prev = keepRoles ? previousById.get(p.id) : undefined;
    const r = prev && prev.aor === p.aor ? { role: prev.role, roleSource: prev.roleSource ?? 'fallback' }
      : roles.get(p.id) ?? { role: 'unknown' as const, roleSource: 'fallback' };
    return { id: p.id, aor: p.aor, ...(p.name ? { name: p.name } : {}), role: r.role, roleSource: r.roleSource };
  });
  const roleOf = new Map(outParticipants.map((p) => [p.id, p.role]));
  for (const s of audio) {
    if (s.participantIds && s.participantIds.length > 1) s.role = 'mixed';
    else if (s.participantId) s.role = roleOf.get(s.participantId) ?? 'unknown';
  }

  const live = audio.filter((s) => !s.rejectedReason);
  const noCustomer = live.some((s) => s.role) && !live.some((s) => s.role === 'customer' || s.role === 'mixed');
  if (noCustomer) warnings.push('no stream carries the customer: objections will not be detected; set sip.roles.internalDomains/customerPatterns');
  // The call ID is fixed for the life of the recording session (the UI keys the call by it), even when a
  // transfer brings metadata with a new vendor call ID.
  const callId = previous ? { value: previous.callId, source: previous.callIdSource } : metadata?.callId;
  const namespace = metadata?.namespace ?? previous?.metadataNamespace;
  return {
    callId: callId?.value ?? input.dialogCallId,
    callIdSource: callId?.source ?? 'Call-ID',
    dialogCallId: input.dialogCallId,
    ...(namespace ? { metadataNamespace: namespace } : {}),
    hold: live.length > 0 && live.every((s) => s.held),
    participants: outParticipants,
    streams,
    warnings: [...new Set(warnings)],
    ...(Object.keys(metaStreams).length > 0 ? { metadataStreams: metaStreams } : {}),
    ...(recordedParties.length > 0 ? { recordedParties: [...recordedParties] } : {}),
    ...(previous?.answerOrigin ? { answerOrigin: { ...previous.answerOrigin } } : {}),
  };
}

/**
 * Cisco network-based recording (not SIPREC) names the parties in `X-Cisco-Recording-Participant:
 * <uri>;media-index="N"` headers, repeated or comma-joined.
 */
export function ciscoRecordingParticipants(value: string | undefined): { aor: string; mediaIndex: number }[] {
  if (!value) return [];
  const out: { aor: string; mediaIndex: number }[] = [];
  for (const item of splitOutsideQuotes(value)) {
    const m = /^\s*<?([^;>\s]+)>?(.*)$/.exec(item);
    const idx = /;\s*media-index\s*=\s*"?(\d+)"?/i.exec(item);
    if (m && idx) out.push({ aor: m[1], mediaIndex: Number(idx[1]) });
  }
  return out;
}

function splitOutsideQuotes(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  let angle = 0;
  for (const c of s) {
    if (c === '"') q = !q;
    else if (c === '<' && !q) angle++;
    else if (c === '>' && !q) angle = Math.max(0, angle - 1);
    if (c === ',' && !q && angle === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}
