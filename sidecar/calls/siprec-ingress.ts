import type { RecordingSession } from '../sip/recording-session.js';
import type { SessionStreamInfo } from '../sip/recording-session-types.js';
import type { CallHandle, CallHubLike, StartCallOptions } from './call-hub-types.js';
import type { MediaHealth } from './media-health.js';

/** Per-call choices for a recorded call (e.g. from config or vendor metadata), and the media health source. */
export type SiprecCallOptions = Pick<StartCallOptions, 'language' | 'asr' | 'callDirection'> & {
  /** Per-stream RTP counters; when given, the call's `media` health is published every `healthIntervalMs` when it changed. */
  mediaHealth?: MediaHealth;
  /** Default 5000 ms. */
  healthIntervalMs?: number;
};

/**
 * Hands a SIPREC {@link RecordingSession} to the {@link CallHubLike CallHub}: the call starts with the
 * session's participants and audio streams (the session's own Call, so roles, hold and BYE show as the
 * session decides them), every decoded frame goes to `writeFrame`, streams added or removed by a
 * re-INVITE follow, participant changes follow through the shared Call, and the session's drain step
 * (`beforeClose`) is the call's `drain()`, so the ASR's last finals and the ledger's unanswered
 * objections land before the call ends.
 *
 * @returns the call's handle, or undefined when the session already closed.
 */
export function attachRecordingSession(hub: CallHubLike, session: RecordingSession, options: SiprecCallOptions = {}): CallHandle | undefined {
  if (session.closed) return undefined;
  const description = session.session;
  const handle = hub.startCall({
    callId: session.callId,
    source: 'siprec',
    call: session.call,
    participants: session.call.participants,
    streams: description.streams
      .filter((s) => s.mediaType === 'audio')
      .map((s) => ({ label: s.label, role: s.role ?? 'unknown', ...(s.participantId && { participantId: s.participantId }) })),
    ...(options.language && { language: options.language }),
    ...(options.asr && { asr: options.asr }),
    ...(options.callDirection && { callDirection: options.callDirection }),
  });
  const streams = new Map<string, SessionStreamInfo>();
  const roles = new Map<string, string>();
  session.on('stream-added', (s) => {
    streams.set(s.label, s);
    roles.set(s.label, s.role);
    handle.addStream({ label: s.label, role: s.role, ...(s.participant && { participantId: s.participant.id }) });
  });
  session.on('stream-removed', ({ label }) => {
    streams.delete(label);
    roles.delete(label);
    handle.removeStream(label);
  });
  session.on('frame', (f) => {
    // a re-INVITE may rebind a stream to another participant or role: follow the frame's tag
    if (roles.get(f.label) !== f.role) {
      roles.set(f.label, f.role);
      handle.addStream({ label: f.label, role: f.role, ...(f.participant && { participantId: f.participant.id }) });
    }
    handle.writeFrame(f.label, f.frame);
  });
  session.beforeClose(() => handle.drain());
  const media = options.mediaHealth;
  if (media) {
    let last = '';
    const timer = setInterval(() => {
      const health = media.report([...streams.values()]);
      const json = JSON.stringify(health);
      if (!health || json === last) return;
      last = json;
      handle.reportHealth(health);
    }, options.healthIntervalMs ?? 5000);
    timer.unref();
    session.once('close', () => clearInterval(timer));
  }
  return handle;
}
