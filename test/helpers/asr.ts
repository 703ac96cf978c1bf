import type { AsrEvent, AsrSession } from '../../media/asr/asr-provider.js';

/** Reads a session to its end in the background; `events` fills as they arrive. */
export function collect(session: AsyncIterable<AsrEvent>): { events: AsrEvent[]; done: Promise<AsrEvent[]> } {
  const events: AsrEvent[] = [];
  const done = (async () => {
    for await (const ev of session) events.push(ev);
    return events;
  })();
  return { events, done };
}

/** Polls `cond` every 5 ms until true; rejects after `timeoutMs` naming `what`. No timing is asserted. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Writes PCM16 to a session in 20 ms frames of `frameSamples`. */
export function writeFrames(session: AsrSession, pcm: Int16Array, frameSamples = 320): void {
  for (let i = 0; i < pcm.length; i += frameSamples) session.write(pcm.slice(i, i + frameSamples));
}

/** Final events' texts, joined. */
export function finalText(events: AsrEvent[]): string {
  return events.filter((e) => e.type === 'final').map((e) => (e as { text: string }).text).filter(Boolean).join(' ');
}
