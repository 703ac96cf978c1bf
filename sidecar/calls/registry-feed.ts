/**
 * Wiring help for the composition root: feeds one call's domain events (the `Call` owned by its
 * RecordingSession, and its `Transcript`) into the {@link CallRegistry} the API reads. Objections,
 * cards, ledger entries and health are published by their producers with the factories in
 * `call-events.ts` (`registry.publish(cardCreated({ callId, card }))`).
 *
 * @example
 * const detach = feedCallToRegistry(registry, call, { transcript, language: 'da' });
 * // … nothing else: `call.end(reason)` publishes `call.state` = ended and detaches.
 */
import type { Participant } from '../sip/siprec-types.js';
import type { Call } from './call.js';
import type { CallCustomer, CallParticipant } from './call-events.js';
import type { CallRegistry } from './call-registry.js';
import { toSegment, type Transcript, type Utterance } from './transcript.js';

export interface FeedOptions {
  transcript?: Transcript;
  /** The call's language (ISO 639-1), when known; picks the UI language. */
  language?: string;
  /** CRM context, when already looked up (later: `registry.publish(customerResolved(...))`). */
  customer?: CallCustomer;
}

/** RFC 7865 participants as the API shows them. */
export function toCallParticipants(participants: readonly Participant[]): CallParticipant[] {
  return participants.map((p) => ({ id: p.id, aor: p.aor, role: p.role, ...(p.name && { name: p.name }) }));
}

/**
 * Registers the call and forwards its events until it ends. Returns a function that stops forwarding
 * (idempotent); it is also called when the call ends.
 */
export function feedCallToRegistry(registry: CallRegistry, call: Call, options: FeedOptions = {}): () => void {
  const { callId } = call;
  registry.upsertCall({
    callId, startedAtMs: call.startedAtMs, participants: toCallParticipants(call.participants),
    ...(options.language && { language: options.language }),
    ...(options.customer && { customer: options.customer }),
  });
  const speaker = (u: Utterance) => (u.participantId ? call.participants.find((p) => p.id === u.participantId)?.name : undefined);
  const segment = (u: Utterance) => {
    const name = speaker(u);
    return name ? { ...toSegment(u), speaker: name } : toSegment(u);
  };
  const onParticipants = (p: Participant[]) => registry.publish({ type: 'call.participants', callId, participants: toCallParticipants(p) });
  const onState = ({ state }: { state: 'active' | 'held' | 'ended' }) => {
    if (state !== 'ended') registry.publish({ type: 'call.state', callId, state });
  };
  const onEnded = ({ reason }: { reason: string }) => {
    registry.endCall(callId, reason);
    detach();
  };
  const onInterim = (u: Utterance) => registry.publish({ type: 'transcript.interim', callId, segment: segment(u) });
  const onFinal = (u: Utterance) => registry.publish({
    type: 'transcript.final', callId, segment: segment(u), ...(u.asrDelayMs !== undefined && { asrDelayMs: u.asrDelayMs }),
  });
  call.on('participants', onParticipants);
  call.on('state', onState);
  call.on('ended', onEnded);
  options.transcript?.on('interim', onInterim);
  options.transcript?.on('final', onFinal);
  let attached = true;
  function detach(): void {
    if (!attached) return;
    attached = false;
    call.off('participants', onParticipants);
    call.off('state', onState);
    call.off('ended', onEnded);
    options.transcript?.off('interim', onInterim);
    options.transcript?.off('final', onFinal);
  }
  if (call.state === 'ended') registry.endCall(callId, 'ended');
  return detach;
}
