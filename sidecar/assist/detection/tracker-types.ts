import type { ObjectionClass } from '../ports.js';

/**
 * The objection tracker's contract: the transcript events it consumes (the ASR side maps its interim
 * and final results to {@link TranscriptInput}) and the objection events it emits.
 */

/** Who spoke on a stream. Only `customer` speech can raise an objection; `mixed` streams (agent and customer on one stream) are ignored. */
export type SpeakerRole = 'customer' | 'agent' | 'mixed' | 'unknown';

/** One interim hypothesis or final transcript of one utterance on one stream. */
export interface TranscriptInput {
  /** `interim`: the open utterance's current hypothesis (replaces the previous one); `final`: its last text. */
  type: 'interim' | 'final';
  /** Stable id of the utterance; interim hypotheses and the final of one utterance share it. */
  utteranceId: string;
  /** Transcript text as the ASR gave it (any case, punctuation optional). */
  text: string;
  role: SpeakerRole;
  participantId: string;
  /** SIPREC stream label (`a=label`, RFC 7866 §7.1.1). */
  streamLabel: string;
  /** ISO 639-1 language (`da`, `de`, `en`; `da-DK` accepted). */
  language: string;
  /** Utterance start and (current) end in ms from call start. */
  startMs: number;
  endMs: number;
  /** When the ASR event reached us (epoch ms); default: the tracker's clock at push time. */
  receivedAtMs?: number;
}

/** Stage timestamps of an objection event (epoch ms). */
export interface ObjectionStages {
  /** When the transcript event that caused this objection event arrived from the ASR. */
  asrAtMs: number;
  /** When the detector decided. */
  detectedAtMs: number;
}

/** An objection event. One objection keeps its `objectionId` through raised → updated… → (withdrawn). */
export interface ObjectionEvent {
  type: 'objection-raised' | 'objection-updated' | 'objection-withdrawn';
  /** `<callId>:<n>`, stable for the life of the objection (one card). */
  objectionId: string;
  callId: string;
  utteranceId: string;
  participantId: string;
  streamLabel: string;
  language: string;
  objectionClass: ObjectionClass;
  /** For `objection-updated` when the class changed: the class before. */
  previousClass?: ObjectionClass;
  /** Calibrated confidence 0–1. */
  confidence: number;
  /** The utterance text the decision was made on. */
  text: string;
  /** True when the decision was made on a final transcript. */
  isFinal: boolean;
  /** Utterance start/end in ms from call start. */
  startMs: number;
  endMs: number;
  /** Same as `stages.detectedAtMs` (epoch ms). */
  detectedAt: number;
  stages: ObjectionStages;
}

/** Tracker events (typed emitter map). */
export type ObjectionTrackerEvents = {
  'objection-raised': [ObjectionEvent];
  'objection-updated': [ObjectionEvent];
  'objection-withdrawn': [ObjectionEvent];
  close: [string];
};

/** Interim stability and card rules (config `detection.stability`). */
export interface StabilityOptions {
  /** Consecutive interim hypotheses that must agree on the class before a card is raised or changed. Default 2. */
  interimAgreement: number;
  /** An interim hypothesis unchanged this long (ms) also counts as stable; 0 = off. Default 300. */
  interimQuietMs: number;
  /** Interim hypotheses with fewer words are not scored. Default 2. */
  interimMinWords: number;
  /** Least confidence to raise a card from an interim hypothesis. Default 0.6. */
  interimMinConfidence: number;
  /** Least confidence to raise a card from a final. Default 0.5. */
  minConfidence: number;
  /** Smaller confidence changes do not emit `objection-updated`. Default 0.05. */
  updateMinDelta: number;
  /** The same class again on the same stream within this many ms of an objection's end updates that objection. Default 4000. */
  mergeWindowMs: number;
}

/** Defaults of {@link StabilityOptions}. */
export const DEFAULT_STABILITY: StabilityOptions = {
  interimAgreement: 2,
  interimQuietMs: 300,
  interimMinWords: 2,
  interimMinConfidence: 0.6,
  minConfidence: 0.5,
  updateMinDelta: 0.05,
  mergeWindowMs: 4000,
};
