import { z } from 'zod';

/** Media pipeline settings. */
export const mediaSchema = z.object({
  /** Jitter buffer depth in ms: how long a missing packet is awaited before it is concealed. */
  jitterBufferMs: z.number().int().min(0).max(500).default(60),
  /** Resampler quality 0–10 (speex); 5 keeps the passband flat to 3.4 kHz. */
  resamplerQuality: z.number().int().min(0).max(10).default(5),
  /**
   * Longest RTP gap (silence suppression, SSRC change, sender timestamp jump) filled with silence frames, in ms;
   * a longer gap jumps the stream timeline instead (frame `discontinuity`). Default 5000.
   */
  maxGapFillMs: z.number().int().min(0).max(600_000).default(5000),
  /** Debug recording: write each stream of a call to a WAV file. Off by default. */
  debugRecording: z.object({
    enabled: z.boolean().default(false),
    /** Folder for the WAV files. */
    dir: z.string().default('.modsvar/recordings'),
    /** Files older than this many hours are deleted (checked at start-up and hourly). */
    retentionHours: z.number().positive().default(24),
  }).strict().prefault({}),
}).strict().prefault({});

export type MediaConfig = z.infer<typeof mediaSchema>;
