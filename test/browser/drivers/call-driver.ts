/**
 * How the browser test makes a call happen. The test only speaks to this interface, so the way the
 * call is produced can change without touching the assertions:
 *
 * - `RegistryDriver` (drivers/registry-driver.ts) publishes the call's events into the CallRegistry
 *   directly: it proves the UI and the API end to end in a real browser.
 * - A SIPREC driver plugs in here once the composition root wires SIPREC + ASR + detection + cards into
 *   the registry: `start` sends the INVITE through the drachtio test server (test/servers/drachtio-server.ts),
 *   the turns become audio/transcripts served by the Deepgram protocol server (test/servers/deepgram-server.ts),
 *   and objections and cards come from the real pipeline instead of the script.
 */
import type { ObjectionClass } from '../../../sidecar/assist/ports.js';
import type { CallCustomer, CallParticipant } from '../../../sidecar/calls/call-events.js';

/** One turn of a scripted call. */
export interface ScriptTurn {
  role: 'agent' | 'customer';
  text: string;
  /** When the turn starts, in ms from call start. */
  startMs: number;
  /**
   * What the pipeline is expected to produce for this turn (used by drivers that simulate the pipeline;
   * a real-pipeline driver ignores it and the test's assertions check the outcome instead).
   */
  expect?: {
    objection: ObjectionClass;
    reply: string;
    confidence: number;
    citations: { factId: string; text: string; source: string; location: string }[];
    removedCount?: number;
    /** Whether the agent's next turn answers the objection. */
    answered?: boolean;
  };
}

export interface CallScript {
  /** The PBX call ID (the SIPREC metadata's sipSessionID in the SIPREC driver). */
  callId: string;
  language: 'da' | 'en' | 'de';
  participants: CallParticipant[];
  customer?: CallCustomer;
  /** How long ago the call started (ms), so the timer and timeline look like a call in progress. */
  startedAgoMs: number;
  turns: ScriptTurn[];
}

export interface CallDriver {
  /** Starts the call (INVITE / upsert); resolves with its call ID. */
  start(script: CallScript): Promise<string>;
  /** Plays turns `from..to` (exclusive) of the script, as the pipeline would report them. */
  play(script: CallScript, from: number, to: number): Promise<void>;
  /** Ends the call (BYE). */
  end(callId: string): Promise<void>;
}
