/** The server's event contract (sidecar/calls/call-events.ts), imported as types only. */
export type {
  CallCard, CallEvent, CallSnapshot, CallSummary, CardCitation, ComponentHealth, FeedbackKind, LedgerEntry,
  TranscriptSegment, WallEvent, CallParticipant, CallCustomer,
} from '../../sidecar/calls/call-events';
