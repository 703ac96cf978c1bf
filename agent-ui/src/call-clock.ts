/**
 * The call clock: one definition of "now" on a call's own timeline, shared by the header timer, the
 * objection timeline and the card times, so that everything on the page reads in the same clock as the
 * transcript (ms from call start, `…Ms` in sidecar/calls/call-events.ts).
 *
 * Definition: call time = the latest position the call's events have reached on its timeline (the end
 * of the newest transcript segment, interim or final, or the start of the newest objection), in ms.
 * - Replays (`source` `replay` or `transcript`) run at any speed (`modsvar replay --speed 2`), so wall time
 *   says nothing about their timeline: their call time is that latest position only. It advances as the
 *   replay delivers events and stands still while the replay is silent or paused.
 * - Live SIPREC calls run at 1×: the wall clock since `startedAtMs` (until `endedAtMs`) is the same clock
 *   and keeps it moving between utterances; call time is the larger of the two (the ASR's delay keeps the
 *   event position slightly behind the wall clock).
 */
import type { CallCard, CallSummary, LedgerEntry, TranscriptSegment } from './types';

/** True for a call fed in by `modsvar replay` (recording or transcript), whose timeline is not wall time. */
export function isReplay(source: CallSummary['source']): boolean {
  return source === 'replay' || source === 'transcript';
}

/**
 * Latest position reached on the call's timeline, in ms from call start (0 when nothing happened yet).
 * `segments`: transcript finals and interims; `objectionStartsMs`: objections' `raisedMs`.
 */
export function timelinePositionMs(segments: Iterable<Pick<TranscriptSegment, 'startMs' | 'endMs'>>, objectionStartsMs: Iterable<number> = []): number {
  let pos = 0;
  for (const s of segments) pos = Math.max(pos, s.endMs, s.startMs);
  for (const ms of objectionStartsMs) pos = Math.max(pos, ms);
  return Number.isFinite(pos) ? pos : 0;
}

/**
 * Call time in ms from call start, by the definition above.
 * @param summary the call's `source`, `startedAtMs` and `endedAtMs` (epoch ms)
 * @param positionMs {@link timelinePositionMs} of the events seen so far
 * @param nowMs wall clock, epoch ms
 */
export function callTimeMs(summary: Pick<CallSummary, 'source' | 'startedAtMs' | 'endedAtMs'>, positionMs: number, nowMs: number): number {
  if (isReplay(summary.source)) return Math.max(0, positionMs);
  const wallMs = (summary.endedAtMs ?? nowMs) - summary.startedAtMs;
  return Math.max(0, wallMs, positionMs);
}

/**
 * The time a card shows, in ms from call start: when the objection it answers was raised (the start of
 * the customer's words, so the card lines up with its transcript line). Falls back to the ledger's
 * `raisedMs`, then, for live calls only, to the card's creation (`createdAtMs − startedAtMs`: at 1× the
 * same clock). Undefined when no call-relative time is known (a replayed card without its objection).
 */
export function cardCallMs(
  card: Pick<CallCard, 'objectionId' | 'createdAtMs'>,
  objections: ReadonlyArray<{ objectionId: string; raisedMs: number }>,
  ledger: Iterable<Pick<LedgerEntry, 'objectionId' | 'raisedMs'>>,
  summary: Pick<CallSummary, 'source' | 'startedAtMs'>,
): number | undefined {
  const o = objections.find((x) => x.objectionId === card.objectionId);
  if (o) return Math.max(0, o.raisedMs);
  for (const l of ledger) if (l.objectionId === card.objectionId) return Math.max(0, l.raisedMs);
  if (isReplay(summary.source)) return undefined;
  return Math.max(0, card.createdAtMs - summary.startedAtMs);
}

/**
 * A wall row's call time (its duration column), in ms, by the definition above: the summary's timeline
 * position (`callMs`, sent by the server with every row) for a replay; for a live call the wall clock
 * since `startedAtMs` (until `endedAtMs`), or that position when it is ahead. A server older than
 * `callMs` gives replays 0 (unknown) rather than their wall-clock age.
 * @param nowMs wall clock, epoch ms
 */
export function summaryCallTimeMs(summary: Pick<CallSummary, 'source' | 'startedAtMs' | 'endedAtMs' | 'callMs'>, nowMs: number): number {
  return callTimeMs(summary, summary.callMs ?? 0, nowMs);
}
