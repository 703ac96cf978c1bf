import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefilePkg from 'wavefile';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../sidecar/config/load-config.js';
import { parseTranscript, readTranscriptFile } from '../../../../sidecar/replay/transcript-file.js';
import { readWavRecording, ReplayInputError } from '../../../../sidecar/replay/wav-source.js';
import { truncationWarning } from '../../../../sidecar/cli/replay.js';

const { WaveFile } = wavefilePkg;
const dir = mkdtempSync(join(tmpdir(), 'modsvar-replay-'));

/** A 1 kHz tone of `seconds` on channel 0 (channel 1 silent), written in the given WAV sample format. */
function toneWav(name: string, rateHz: number, channels: number, bitDepth: string, seconds = 0.5): string {
  const n = Math.round(rateHz * seconds);
  const float = bitDepth === '32f' || bitDepth === '64';
  const full = bitDepth === '8' ? 127 : float ? 1 : 2 ** (Number(bitDepth) - 1) - 1;
  const tone = Array.from({ length: n }, (_, i) => {
    const v = 0.5 * full * Math.sin((2 * Math.PI * 1000 * i) / rateHz);
    return float ? v : Math.round(v) + (bitDepth === '8' ? 128 : 0);
  });
  const silent = new Array(n).fill(bitDepth === '8' ? 128 : 0);
  const wav = new WaveFile();
  wav.fromScratch(channels, rateHz, bitDepth, channels === 1 ? tone : [tone, silent]);
  const path = join(dir, name);
  writeFileSync(path, wav.toBuffer());
  return path;
}

/** Rising zero crossings per second: the tone's frequency in Hz. */
function frequencyHz(samples: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1] < 0 && samples[i] >= 0) crossings++;
  return crossings / (samples.length / 16_000);
}

describe('readWavRecording', () => {
  it('marks a file cut off after its header as truncated and decodes what is there', async () => {
    const whole = toneWav('whole.wav', 16_000, 2, '16', 2);
    const bytes = readFileSync(whole);
    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, bytes.subarray(0, 1000));
    const rec = await readWavRecording(cut);
    expect(rec.truncated).toEqual({ presentBytes: 1000, declaredBytes: bytes.length });
    // 956 data bytes = 239 stereo PCM16 frames at 16 kHz
    expect(rec.channels.map((c) => c.samples.length)).toEqual([239, 239]);
    expect(truncationWarning(rec)).toBe(`${cut}: file shorter than its header says: 1000 of ${bytes.length} bytes; replaying what is there (00:00)`);
    const intact = await readWavRecording(whole);
    expect(intact.truncated).toBeUndefined();
    expect(truncationWarning(intact)).toBeUndefined();
  });

  const cases: Array<[string, number, number, string]> = [
    ['8 kHz 16-bit mono', 8000, 1, '16'],
    ['44.1 kHz 24-bit stereo', 44_100, 2, '24'],
    ['48 kHz 32-bit float stereo', 48_000, 2, '32f'],
    ['16 kHz 8-bit mono', 16_000, 1, '8'],
    ['22.05 kHz 32-bit stereo', 22_050, 2, '32'],
  ];
  for (const [label, rate, channels, depth] of cases) {
    it(`converts ${label} to 16 kHz PCM16 per channel, keeping length, pitch and level`, async () => {
      const rec = await readWavRecording(toneWav(`${rate}-${depth}-${channels}.wav`, rate, channels, depth));
      expect(rec.sourceRateHz).toBe(rate);
      expect(rec.durationMs).toBe(500);
      expect(rec.channels).toHaveLength(channels);
      const [tone] = rec.channels;
      expect(tone.samples.length).toBe(8000);
      expect(frequencyHz(tone.samples)).toBeGreaterThan(990);
      expect(frequencyHz(tone.samples)).toBeLessThan(1010);
      const peak = tone.samples.slice(400, 7600).reduce((m, s) => Math.max(m, Math.abs(s)), 0);
      expect(peak).toBeGreaterThan(15_000);
      expect(peak).toBeLessThan(17_500);
      if (channels === 2) expect(rec.channels[1].samples.every((s) => Math.abs(s) <= 1)).toBe(true);
    });
  }

  it('decodes the committed µ-law demo call: two channels, agent speech on the left only during turn 1', async () => {
    const wavPath = join(packageRoot(), 'config', 'demo', 'calls', 'call-04-da-facility-services.wav');
    const transcript = await readTranscriptFile(wavPath.replace(/\.wav$/, '.json'));
    const rec = await readWavRecording(wavPath);
    expect(rec.sourceRateHz).toBe(8000);
    expect(rec.sourceFormat).toBe('µ-law');
    expect(rec.channels).toHaveLength(2);
    expect(rec.durationMs).toBeGreaterThan(transcript.turns.at(-1)!.endMs);
    const first = transcript.turns[0];
    expect(first.role).toBe('agent');
    const level = (s: Int16Array) => s.slice(first.startMs * 16, first.endMs * 16).reduce((a, v) => a + Math.abs(v), 0) / ((first.endMs - first.startMs) * 16);
    expect(level(rec.channels[0].samples)).toBeGreaterThan(500);
    expect(level(rec.channels[1].samples)).toBeLessThan(20);
  });

  it('refuses a missing file and a file that is not a WAV with REPLAY_BAD_WAV naming the file', async () => {
    await expect(readWavRecording(join(dir, 'nope.wav'))).rejects.toMatchObject({ code: 'REPLAY_BAD_WAV', message: expect.stringContaining('nope.wav: cannot read') });
    const text = join(dir, 'text.wav');
    writeFileSync(text, 'hello, not audio');
    const err = await readWavRecording(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayInputError);
    expect((err as Error).message).toMatch(/text\.wav: not a WAV file/);
  });
});

describe('parseTranscript', () => {
  it('reads a list of turns, sorted by end, with role, text, times in ms and language', () => {
    const t = parseTranscript([
      { speaker: 'customer', text: ' Too expensive. ', startMs: 3000, endMs: 4000, lang: 'da', label: 'price' },
      { role: 'agent', text: 'Hej', startMs: 0, endMs: 900 },
    ]);
    expect(t).toEqual({
      language: 'da',
      turns: [
        { role: 'agent', text: 'Hej', startMs: 0, endMs: 900 },
        { role: 'customer', text: 'Too expensive.', startMs: 3000, endMs: 4000, language: 'da' },
      ],
    });
  });

  it('reads { language, turns } with times in seconds', () => {
    const t = parseTranscript({ language: 'en', turns: [{ role: 'customer', text: 'We must ask the board.', start: 1.25, end: 2.5 }] });
    expect(t).toEqual({ language: 'en', turns: [{ role: 'customer', text: 'We must ask the board.', startMs: 1250, endMs: 2500 }] });
  });

  it('names the turn and the field that is wrong', () => {
    expect(() => parseTranscript([{ role: 'agent', text: 'a', startMs: 0, endMs: 1 }, { role: 'boss', text: 'b', startMs: 0, endMs: 1 }], 'f.json'))
      .toThrow(/^f\.json: turn 2: role: /);
    expect(() => parseTranscript([{ role: 'agent', text: 'a' }], 'f.json')).toThrow('f.json: turn 1: startMs and endMs (or start and end in seconds) are required');
    expect(() => parseTranscript([{ role: 'agent', text: 'a', startMs: 5, endMs: 1 }], 'f.json')).toThrow('f.json: turn 1: ends (1 ms) before it starts (5 ms)');
    expect(() => parseTranscript([{ text: 'a', startMs: 0, endMs: 1 }], 'f.json')).toThrow('f.json: turn 1: role (agent | customer) is missing');
    expect(() => parseTranscript({ calls: [] }, 'f.json')).toThrow('f.json: expected a list of turns or { "turns": [...] }');
    expect(() => parseTranscript([], 'f.json')).toThrow('f.json: no turns');
  });
});

describe('splitTurn', () => {
  it('sends a long monologue in sentence-sized parts that fit one message, times shared out by length', async () => {
    const { splitTurn } = await import('../../../../sidecar/replay/replay-client.js');
    const sentence = 'Vi har æbler, økologiske pærer og grønne åbne løsninger til hele året. ';
    const text = sentence.repeat(80).trim();
    const parts = splitTurn({ role: 'customer', text, startMs: 1000, endMs: 61_000, language: 'da' });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(Buffer.byteLength(JSON.stringify({ type: 'turn', ...p }), 'utf8')).toBeLessThan(4096);
      expect(p.text.endsWith('året.')).toBe(true);
      expect(p).toMatchObject({ role: 'customer', language: 'da' });
    }
    expect(parts.map((p) => p.text).join(' ')).toBe(text);
    expect(parts[0].startMs).toBe(1000);
    expect(parts.at(-1)!.endMs).toBe(61_000);
    for (let i = 1; i < parts.length; i++) expect(parts[i].startMs).toBe(parts[i - 1].endMs);
    const short = { role: 'agent' as const, text: 'Hej.', startMs: 0, endMs: 500 };
    expect(splitTurn(short)).toEqual([short]);
  });
});
