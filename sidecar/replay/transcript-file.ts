/**
 * The transcript replay format: a call that was transcribed elsewhere (or scripted), replayed without
 * ASR. A JSON file holding either a list of turns or `{ "language"?, "turns": [...] }`:
 *
 * ```json
 * [
 *   { "role": "agent",    "text": "Hej Henrik, det er Mikkel fra Nordtid.", "startMs": 500,  "endMs": 3875, "language": "da" },
 *   { "role": "customer", "text": "Det lyder dyrt.",                         "startMs": 4182, "endMs": 5400 }
 * ]
 * ```
 *
 * - `role` (or `speaker`): `agent` | `customer`. Only customer turns raise objections.
 * - `text`: what was said. Long turns are sent in sentence-sized parts (the ingress takes at most
 *   3,500 characters per message), their times shared out by length.
 * - `startMs`, `endMs`: the turn's span in ms from call start (or `start`, `end` in seconds).
 * - `language` (or `lang`), optional: BCP-47 (`da`, `en-GB`); default the call's language.
 * Other fields (`turn`, `label`, …) are ignored. Turns are replayed in order of `endMs`, each when it ends.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ReplayInputError } from './wav-source.js';

/** One turn, normalised. */
export interface ReplayTurn {
  role: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  language?: string;
}

/** A transcript file, normalised. */
export interface ReplayTranscript {
  /** Call language when the file names one (`{ "language": "da", "turns": … }`), else the first turn's. */
  language?: string;
  /** Sorted by `endMs`. */
  turns: ReplayTurn[];
}

const rawTurn = z.object({
  role: z.enum(['agent', 'customer']).optional(),
  speaker: z.enum(['agent', 'customer']).optional(),
  text: z.string().trim().min(1),
  startMs: z.number().min(0).optional(),
  endMs: z.number().min(0).optional(),
  start: z.number().min(0).optional(),
  end: z.number().min(0).optional(),
  language: z.string().min(2).optional(),
  lang: z.string().min(2).optional(),
}).passthrough();

/**
 * Validates parsed JSON as a transcript.
 * @throws ReplayInputError naming the turn (1-based) and field that is wrong
 */
export function parseTranscript(json: unknown, name = 'transcript'): ReplayTranscript {
  const obj = Array.isArray(json) ? { turns: json } : json;
  if (!obj || typeof obj !== 'object' || !Array.isArray((obj as { turns?: unknown }).turns)) {
    throw new ReplayInputError(`${name}: expected a list of turns or { "turns": [...] }`);
  }
  const fileLanguage = (obj as { language?: unknown }).language;
  const turns: ReplayTurn[] = [];
  (obj as { turns: unknown[] }).turns.forEach((t, i) => {
    const r = rawTurn.safeParse(t);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new ReplayInputError(`${name}: turn ${i + 1}: ${issue.path.join('.') || 'turn'}: ${issue.message}`);
    }
    const v = r.data;
    const role = v.role ?? v.speaker;
    const startMs = v.startMs ?? (v.start !== undefined ? v.start * 1000 : undefined);
    const endMs = v.endMs ?? (v.end !== undefined ? v.end * 1000 : undefined);
    if (!role) throw new ReplayInputError(`${name}: turn ${i + 1}: role (agent | customer) is missing`);
    if (startMs === undefined || endMs === undefined) throw new ReplayInputError(`${name}: turn ${i + 1}: startMs and endMs (or start and end in seconds) are required`);
    if (endMs < startMs) throw new ReplayInputError(`${name}: turn ${i + 1}: ends (${endMs} ms) before it starts (${startMs} ms)`);
    const language = v.language ?? v.lang;
    turns.push({ role, text: v.text, startMs: Math.round(startMs), endMs: Math.round(endMs), ...(language && { language }) });
  });
  if (turns.length === 0) throw new ReplayInputError(`${name}: no turns`);
  turns.sort((a, b) => a.endMs - b.endMs);
  const language = typeof fileLanguage === 'string' ? fileLanguage : turns.find((t) => t.language)?.language;
  return { ...(language && { language }), turns };
}

/**
 * Reads and validates a transcript file.
 * @throws ReplayInputError when it cannot be read, is not JSON or does not follow the format
 */
export async function readTranscriptFile(path: string): Promise<ReplayTranscript> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ReplayInputError(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ReplayInputError(`${path}: not JSON (${(err as Error).message})`, { cause: err });
  }
  return parseTranscript(json, path);
}
