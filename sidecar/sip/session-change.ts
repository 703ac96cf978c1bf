/**
 * What changed between two descriptions of one recording session (see {@link SessionChange}). Pure.
 */
import type { SessionChange, SessionDescription, SessionStream } from './siprec-types.js';

function live(s: SessionDescription): Map<string, SessionStream> {
  return new Map(s.streams.filter((x) => x.mediaType === 'audio' && !x.rejectedReason).map((x) => [x.label, x]));
}

function owners(s: SessionStream): string {
  return (s.participantIds ?? (s.participantId ? [s.participantId] : [])).join(',');
}

/**
 * Lists the changes from `before` to `after`, in the order documented on {@link SessionChange}.
 *
 * @param metadataArrived true when the request carried rs-metadata (reported as `metadata-updated` when
 *   it changed no participant)
 * @returns the changes; empty when nothing changed
 */
export function diffSessions(before: SessionDescription, after: SessionDescription, metadataArrived: boolean): SessionChange[] {
  const out: SessionChange[] = [];
  const a = live(before);
  const b = live(after);
  const removed = [...a.keys()].filter((l) => !b.has(l));
  const added = [...b.keys()].filter((l) => !a.has(l));
  if (removed.length) out.push({ type: 'streams-removed', labels: removed });
  if (added.length) out.push({ type: 'streams-added', labels: added });

  const pa = new Map(before.participants.map((p) => [p.id, p]));
  const pb = new Map(after.participants.map((p) => [p.id, p]));
  const pAdded = [...pb.keys()].filter((id) => !pa.has(id));
  const pRemoved = [...pa.keys()].filter((id) => !pb.has(id));
  const reassigned = [...b.keys()].filter((l) => a.has(l) && owners(a.get(l)!) !== owners(b.get(l)!));
  const altered = [...pb.values()].some((p) => {
    const o = pa.get(p.id);
    return o !== undefined && (o.aor !== p.aor || o.name !== p.name || o.role !== p.role);
  });
  if (pAdded.length || pRemoved.length || reassigned.length || altered) {
    out.push({ type: 'participants-changed', added: pAdded, removed: pRemoved, reassignedLabels: reassigned });
  }

  const held = [...b.keys()].filter((l) => a.has(l) && b.get(l)!.held && !a.get(l)!.held);
  const resumed = [...b.keys()].filter((l) => a.has(l) && !b.get(l)!.held && a.get(l)!.held);
  if (held.length) out.push({ type: 'hold', labels: held, all: after.hold });
  if (resumed.length) out.push({ type: 'resume', labels: resumed });
  if (metadataArrived && !out.some((c) => c.type === 'participants-changed')) out.push({ type: 'metadata-updated' });
  return out;
}
