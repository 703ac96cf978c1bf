/**
 * Session labels of SIPREC streams. Everything downstream (media pipelines, transcripts, session changes)
 * keys a stream by its label, so labels must be unique in a recording session even when an SRC repeats an
 * `a=label` (RFC 4574 §5 requires uniqueness; RFC 7866 §8.1.1 still means one stream per m= line). Pure.
 */
import type { SdpOffer } from './sdp-answer.js';

/**
 * Makes stream labels unique, keeping their order: the first occurrence of a label keeps it, the n-th
 * becomes `<label>~<n>` (`1`, `1~2`, `1~3`), stepping to the next n when that text is itself a label.
 * RFC 4574 §5 requires `a=label` to be unique within a session; SRCs that repeat one still mean one
 * stream per m= line (RFC 7866 §8.1.1), and everything downstream keys streams by label.
 *
 * @param labels labels in m= line (or `<stream>` document) order
 * @returns one unique label per input, same order
 */
export function uniqueStreamLabels(labels: readonly string[]): string[] {
  const taken = new Set(labels);
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    if (n === 1) return l;
    let k = n;
    while (taken.has(`${l}~${k}`)) k++;
    taken.add(`${l}~${k}`);
    return `${l}~${k}`;
  });
}

/**
 * The session label of every m= line of an offer, by index: `a=label` (RFC 4574), else `m<index>`, made
 * unique by {@link uniqueStreamLabels}.
 */
export function offerStreamLabels(offer: SdpOffer): string[] {
  return uniqueStreamLabels(offer.media.map((m) => m.label ?? `m${m.index}`));
}
