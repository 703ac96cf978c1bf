/**
 * The call ingress end to end, in process: a real API server on a local port with the real CallHub
 * (detector, retrieval over the test knowledge base, extractive cards), fed by the replay client
 * (`replayCall`) as `modsvar replay` does, and by a raw WebSocket for protocol errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import wavefilePkg from 'wavefile';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AsrSessionOptions } from '../../../../media/asr/asr-provider.js';
import { FRAME_BYTES, packFrames, type IngressServerMessage } from '../../../../sidecar/api/ingress-protocol.js';
import { buildApiServer } from '../../../../sidecar/api/server.js';
import { CardComposer } from '../../../../sidecar/assist/cards/card-composer.js';
import { playbookMoves } from '../../../../sidecar/assist/cards/playbook-moves.js';
import { createObjectionDetector } from '../../../../sidecar/assist/detection/create-detector.js';
import { createRetrieval } from '../../../../sidecar/assist/retrieval/create-retrieval.js';
import type { CallEvent } from '../../../../sidecar/calls/call-events.js';
import { CallHub } from '../../../../sidecar/calls/call-hub.js';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import { configSchema } from '../../../../sidecar/config/schema.js';
import { packageRoot } from '../../../../sidecar/config/load-config.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { run as runReplay } from '../../../../sidecar/cli/replay.js';
import { replayCall, ReplayError } from '../../../../sidecar/replay/replay-client.js';
import { readTranscriptFile } from '../../../../sidecar/replay/transcript-file.js';
import { readWavRecording } from '../../../../sidecar/replay/wav-source.js';
import { ManualAsrProvider, ManualAsrSession } from '../../../fakes/manual-asr-provider.js';

const { WaveFile } = wavefilePkg;
const KB_DIR = new URL('../../../fixtures/kb', import.meta.url).pathname;
const DEMO_CALLS = join(packageRoot(), 'config', 'demo', 'calls');
const TOKENS = { ingest: 'ingest-token-0123456789', supervisor: 'supervisor-token-012345', agent: 'agent-token-0123456789ab' };

/** A session that keeps the audio it was given, so tests can check which channel reached which stream. */
class RecordingAsrSession extends ManualAsrSession {
  readonly chunks: Int16Array[] = [];
  override write(audio: Int16Array | Uint8Array): void {
    super.write(audio);
    this.chunks.push(Int16Array.from(audio as Int16Array));
  }
  /** Mean absolute sample value. */
  get level(): number {
    let sum = 0;
    let n = 0;
    for (const c of this.chunks) for (const s of c) { sum += Math.abs(s); n++; }
    return n ? sum / n : 0;
  }
}
class RecordingAsrProvider extends ManualAsrProvider {
  /** When set, each new session reports this failure at its first audio (and never transcribes). */
  failWith?: ProviderError;
  override open(options: AsrSessionOptions): RecordingAsrSession {
    const s = new RecordingAsrSession(options);
    if (this.failWith) s.push({ type: 'degraded', error: this.failWith, retrying: false, lostAudioMs: 0 });
    this.sessions.push(s);
    return s;
  }
}

let app: FastifyInstance;
let url: string;
let hub: CallHub;
let registry: CallRegistry;
const asr = new RecordingAsrProvider();

beforeAll(async () => {
  const config = configSchema.parse({});
  const { detector } = createObjectionDetector(config.detection);
  const stack = await createRetrieval(config.kb, config.embedder, { kbDir: KB_DIR, persist: false });
  await stack.index.ingest();
  const composer = new CardComposer({ retriever: stack.retriever, moves: playbookMoves().lookup, retrieveK: config.llm.cards.retrieveK, extractive: config.llm.cards });
  registry = new CallRegistry({});
  hub = new CallHub({
    registry, assist: { detector, composer }, defaultLanguage: 'en', logger: silentLogger(),
    asr: { forCall: (o) => (o?.provider === 'none' ? undefined : { provider: asr, name: 'deepgram', language: o?.language ?? 'en' }), vadPool: undefined },
    asrSettings: { vad: false, finishTimeoutMs: 500 },
  });
  const env = { T_INGEST: TOKENS.ingest, T_SUP: TOKENS.supervisor, T_AGENT: TOKENS.agent };
  app = await buildApiServer({
    config: configSchema.parse({
      api: { tokens: [{ tokenEnv: 'T_INGEST', role: 'ingest' }, { tokenEnv: 'T_SUP', role: 'supervisor' }, { tokenEnv: 'T_AGENT', role: 'agent', aors: ['agent'] }] },
    }).api,
    registry, hub, env, uiDir: null, processMetrics: false,
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await hub?.close();
  registry?.close();
});

/** Objection classes of the scripted call's customer turns, in order. */
async function scriptedObjections(file: string): Promise<string[]> {
  const turns = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8'))) as Array<{ objection: boolean; label: string }>;
  return turns.filter((t) => t.objection).map((t) => t.label);
}

describe('transcript replay through /api/ingress/ws', () => {
  for (const name of ['call-04-da-facility-services', 'call-01-en-hotel-group']) {
    it(`makes ${name} appear in the registry with its scripted objections and one card each`, async () => {
      const file = join(DEMO_CALLS, `${name}.json`);
      const transcript = await readTranscriptFile(file);
      const events: CallEvent[] = [];
      let started: IngressServerMessage | undefined;
      const ended = await replayCall({ kind: 'transcript', transcript }, {
        url, token: TOKENS.ingest, speed: 'max', callId: name, onEvent: (e) => events.push(e), onStarted: (m) => { started = m; },
      });
      expect(started).toEqual({ type: 'started', callId: name, source: 'transcript', streams: ['agent', 'customer'], uiPath: `/call/${name}` });
      expect(ended).toMatchObject({ type: 'ended', callId: name, reason: 'replay-finished', turnsReceived: transcript.turns.length, droppedAfterEnd: 0 });

      const expected = await scriptedObjections(file);
      const view = registry.snapshot(name)!.call;
      expect(view.summary.state).toBe('ended');
      expect(view.summary.language).toBe(transcript.language);
      // Labelled as a transcript replay, also in what the REST API serialises for the UI.
      expect(view.summary.source).toBe('transcript');
      const rest = await app.inject({ url: `/api/calls/${name}`, headers: { authorization: `Bearer ${TOKENS.supervisor}` } });
      expect(rest.json().call.summary.source).toBe('transcript');
      expect(view.participants.map((p) => [p.role, p.aor])).toEqual([['agent', 'sip:agent@replay.invalid'], ['customer', 'sip:customer@replay.invalid']]);
      expect(view.transcript.map((s) => s.text)).toEqual(transcript.turns.map((t) => t.text));
      expect(view.objections.map((o) => o.objectionClass)).toEqual(expected);
      expect(view.cards.map((c) => c.objectionClass).reverse()).toEqual(expected);
      for (const c of view.cards) expect(c.citations.length).toBeGreaterThan(0);
      // The sender saw the same objections and cards, as they appeared.
      expect(events.filter((e) => e.type === 'objection').map((e) => (e as Extract<CallEvent, { type: 'objection' }>).objection.objectionClass)).toEqual(expected);
      expect(events.filter((e) => e.type === 'card.created')).toHaveLength(expected.length);
    });
  }
});

function writeStereoWav(rateHz: number, seconds: number): string {
  const n = Math.round(rateHz * seconds);
  const left = new Int16Array(n);
  const right = new Int16Array(n);
  for (let i = 0; i < n; i++) left[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rateHz));
  const wav = new WaveFile();
  wav.fromScratch(2, rateHz, '16', [left, right]);
  const path = join(mkdtempSync(join(tmpdir(), 'modsvar-ingress-')), `call-${rateHz}.wav`);
  writeFileSync(path, wav.toBuffer());
  return path;
}

describe('audio replay through /api/ingress/ws', () => {
  it('feeds each channel of a stereo recording to its party\'s ASR stream as 16 kHz 20 ms frames', async () => {
    const rec = await readWavRecording(writeStereoWav(44_100, 1));
    const before = asr.sessions.length;
    const ended = await replayCall({ kind: 'audio', agent: rec.channels[1].samples, customer: rec.channels[0].samples }, {
      url, token: TOKENS.ingest, speed: 'max', callId: 'audio-1', language: 'da',
    });
    expect(ended.framesReceived).toEqual({ agent: 50, customer: 50 });
    const sessions = asr.sessions.slice(before) as RecordingAsrSession[];
    expect(sessions).toHaveLength(2);
    // The session's logger is bound to its stream label.
    const byRole = Object.fromEntries(sessions.map((s) => [String(s.options.logger.bindings().streamLabel), s]));
    expect(Object.keys(byRole).sort()).toEqual(['agent', 'customer']);
    for (const s of sessions) {
      expect(s.writtenMs).toBe(1000);
      expect(s.options.language).toBe('da');
      expect(s.finished).toBe(true);
    }
    // The tone was on the left channel, replayed as the customer (agent channel = right).
    expect(byRole.customer.level).toBeGreaterThan(4000);
    expect(byRole.agent.level).toBe(0);
    expect(registry.get('audio-1')!.summary()).toMatchObject({ state: 'ended', source: 'replay', language: 'da' });
  });
});

/** Runs `modsvar replay` in process; returns its exit status and what it wrote. */
async function replayCli(argv: string[], signal?: AbortSignal, speed = 'max'): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
  try {
    const status = await runReplay([...argv, '--url', url, '--token', TOKENS.ingest, '--speed', speed], { signal });
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('modsvar replay: what it reports', () => {
  it('warns about a WAV cut off after its header and replays the frames that are there', async () => {
    const whole = writeStereoWav(16_000, 2);
    const cut = whole.replace(/\.wav$/, '-cut.wav');
    writeFileSync(cut, readFileSync(whole).subarray(0, 1000));
    const r = await replayCli([cut, '--call-id', 'cut-1']);
    expect(r.stderr).toContain(`modsvar replay: warning: ${cut}: file shorter than its header says: 1000 of ${readFileSync(whole).length} bytes; replaying what is there (00:00)`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('call cut-1 ended (replay-finished): 0 objection(s), 0 card(s), 2 audio frames');
  });

  it('ends the call as replay-aborted on Ctrl-C, prints its summary and exits 130', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modsvar-ingress-')), 'slow.json');
    writeFileSync(file, JSON.stringify([
      { role: 'customer', text: 'We already have a supplier.', startMs: 0, endMs: 100 },
      { role: 'customer', text: 'That is too expensive.', startMs: 600_000, endMs: 601_000 },
    ]));
    const abort = new AbortController();
    const running = replayCli(['--transcript', file, '--call-id', 'abort-1'], abort.signal, '1');
    await vi_waitFor(() => (registry.snapshot('abort-1')?.call.transcript.length ?? 0) === 1);
    abort.abort();
    const r = await running;
    expect(r.status).toBe(130);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('call abort-1 ended (replay-aborted): ');
    expect(registry.get('abort-1')!.summary().state).toBe('ended');
  });

  it('prints ASR failures on the sidecar as warnings and in the summary, and fails when no transcript came back', async () => {
    asr.failWith = new ProviderError('deepgram', 'authentication', 'Deepgram refused the API key (401)');
    try {
      const r = await replayCli([writeStereoWav(16_000, 1), '--call-id', 'asr-fail-1']);
      const line = 'speech recognition down (authentication): Deepgram refused the API key (401)';
      expect(r.stderr).toContain(`modsvar replay: warning: ${line}\n`);
      expect(r.stdout).toContain(`call asr-fail-1 ended (replay-finished): 0 objection(s), 0 card(s), 100 audio frames\n  warning: ${line}\n`);
      expect(r.stderr).toContain('modsvar replay: no transcript: speech recognition failed on the sidecar for this call');
      expect(r.status).toBe(1);
    } finally {
      asr.failWith = undefined;
    }
  });
});

/** A raw ingress socket collecting the server's messages. */
async function rawSocket(token?: string): Promise<{ ws: WebSocket; messages: IngressServerMessage[]; next(n: number): Promise<IngressServerMessage[]>; closed: Promise<[number, string]> }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ingress/ws`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const messages: IngressServerMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => { messages.push(JSON.parse(d.toString())); waiters.splice(0).forEach((w) => w()); });
  const closed = new Promise<[number, string]>((resolve) => ws.on('close', (c, r) => resolve([c, r.toString()])));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('unexpected-response', (_q, res) => reject(new Error(String(res.statusCode)))); });
  const next = async (n: number) => {
    while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
    return messages.slice(0, n);
  };
  return { ws, messages, next, closed };
}

describe('ingress protocol errors', () => {
  it('refuses the upgrade without an ingest token: 401 without a token, 403 for supervisors and agents', async () => {
    await expect(rawSocket()).rejects.toThrow('401');
    await expect(rawSocket(TOKENS.supervisor)).rejects.toThrow('403');
    await expect(rawSocket(TOKENS.agent)).rejects.toThrow('403');
    const err = await replayCall({ kind: 'transcript', transcript: { turns: [] } }, { url, token: TOKENS.supervisor, speed: 'max' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err).toMatchObject({ code: 'REPLAY_CONNECT', status: 403 });
  });

  it('answers bad messages with an error and keeps the call going', async () => {
    const s = await rawSocket(TOKENS.ingest);
    s.ws.send(packFrames(0, [new Int16Array(320)]));
    s.ws.send('{not json');
    s.ws.send(JSON.stringify({ type: 'start', source: 'transcript', callId: 'errors-1', streams: [{ label: 'a', role: 'agent' }, { label: 'c', role: 'customer' }] }));
    s.ws.send(Buffer.alloc(1 + FRAME_BYTES - 2));
    s.ws.send(packFrames(7, [new Int16Array(320)]));
    s.ws.send(JSON.stringify({ type: 'turn', role: 'customer', text: 'hello', startMs: 900, endMs: 100 }));
    s.ws.send(JSON.stringify({ type: 'turn', role: 'customer', text: 'That is more than we pay today.', startMs: 100, endMs: 900 }));
    s.ws.send(JSON.stringify({ type: 'start', source: 'transcript' }));
    s.ws.send(JSON.stringify({ type: 'end' }));
    const [code] = await s.closed;
    expect(code).toBe(1000);
    const errors = s.messages.filter((m) => m.type === 'error').map((m) => (m as { code: string }).code);
    expect(errors).toEqual(['INGRESS_NOT_STARTED', 'INGRESS_BAD_MESSAGE', 'INGRESS_BAD_FRAME', 'INGRESS_UNKNOWN_STREAM', 'INGRESS_BAD_MESSAGE', 'INGRESS_ALREADY_STARTED']);
    expect(s.messages.find((m) => m.type === 'error' && m.code === 'INGRESS_BAD_MESSAGE' && /endMs/.test(m.message))).toBeDefined();
    expect(s.messages.at(-1)).toMatchObject({ type: 'ended', callId: 'errors-1', turnsReceived: 1, framesReceived: { a: 0, c: 0 } });
    expect(registry.snapshot('errors-1')!.call.transcript.map((t) => t.text)).toEqual(['That is more than we pay today.']);
  });

  it('refuses a second live call with the same ID and closes with 1008', async () => {
    const first = await rawSocket(TOKENS.ingest);
    first.ws.send(JSON.stringify({ type: 'start', source: 'transcript', callId: 'dup-1' }));
    await first.next(1);
    const second = await rawSocket(TOKENS.ingest);
    second.ws.send(JSON.stringify({ type: 'start', source: 'transcript', callId: 'dup-1' }));
    expect((await second.closed)[0]).toBe(1008);
    expect(second.messages).toEqual([expect.objectContaining({ type: 'error', code: 'INGRESS_CALL_EXISTS' })]);
    first.ws.send(JSON.stringify({ type: 'end' }));
    await first.closed;
  });

  it('refuses a start with a bad field and closes with 1008, creating no call', async () => {
    const s = await rawSocket(TOKENS.ingest);
    s.ws.send(JSON.stringify({ type: 'start', source: 'transcript', callId: 'bad id!' }));
    expect(await s.closed).toEqual([1008, 'INGRESS_BAD_MESSAGE']);
    expect(s.messages).toEqual([{ type: 'error', code: 'INGRESS_BAD_MESSAGE', message: 'start: callId: letters, digits and . _ : @ + - (at most 128)' }]);
    expect(registry.get('bad id!')).toBeUndefined();
  });

  it('ends a replay whose start is refused at once, with the server\'s code and message', async () => {
    const transcript = { turns: [{ role: 'customer' as const, text: 'Too expensive.', startMs: 0, endMs: 900 }] };
    const err = await replayCall({ kind: 'transcript', transcript }, { url, token: TOKENS.ingest, speed: 'max', callId: 'bad id!' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err).toMatchObject({
      code: 'REPLAY_REFUSED', serverCode: 'INGRESS_BAD_MESSAGE',
      message: 'the sidecar refused the call: INGRESS_BAD_MESSAGE: start: callId: letters, digits and . _ : @ + - (at most 128)',
    });
  });

  it('refuses to replay into a recent call\'s ID: the second replay is refused, the first call stays as it was', async () => {
    const turns = (text: string) => ({ kind: 'transcript' as const, transcript: { turns: [{ role: 'customer' as const, text, startMs: 0, endMs: 900 }] } });
    await replayCall(turns('The first call.'), { url, token: TOKENS.ingest, speed: 'max', callId: 'reuse-1' });
    const before = registry.snapshot('reuse-1')!.call;
    const err = await replayCall(turns('The second call.'), { url, token: TOKENS.ingest, speed: 'max', callId: 'reuse-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    const endedAt = new Date(before.summary.endedAtMs!).toISOString().slice(0, 19).replace('T', ' ');
    expect(err).toMatchObject({
      code: 'REPLAY_REFUSED', serverCode: 'INGRESS_CALL_EXISTS',
      message: `the sidecar refused the call: INGRESS_CALL_EXISTS: call ID reuse-1 was used by a call that ended at ${endedAt} UTC (still in the recent calls); choose another --call-id`,
    });
    const after = registry.snapshot('reuse-1')!.call;
    expect(after.transcript.map((t) => t.text)).toEqual(['The first call.']);
    expect(after.summary).toEqual(before.summary);
    expect(after.summary.endedAtMs).toBeGreaterThanOrEqual(after.summary.startedAtMs);
  });

  it('binds the default streams to the participants the sender names, by role', async () => {
    const s = await rawSocket(TOKENS.ingest);
    s.ws.send(JSON.stringify({ type: 'start', source: 'transcript', callId: 'parts-1', participants: [
      { id: 'c9', aor: 'sip:+4520123456@carrier.example', name: 'Henrik', role: 'customer' },
      { id: 'a7', aor: 'sip:1001@pbx.example.com', name: 'Mikkel', role: 'agent' },
    ] }));
    expect((await s.next(1))[0]).toMatchObject({ type: 'started', callId: 'parts-1', streams: ['agent', 'customer'] });
    s.ws.send(JSON.stringify({ type: 'turn', role: 'customer', text: 'Hej.', startMs: 0, endMs: 400 }));
    s.ws.send(JSON.stringify({ type: 'end' }));
    await s.closed;
    const snap = registry.snapshot('parts-1')!.call;
    expect(snap.participants.map((p) => [p.id, p.role, p.aor])).toEqual([['c9', 'customer', 'sip:+4520123456@carrier.example'], ['a7', 'agent', 'sip:1001@pbx.example.com']]);
    expect(snap.summary.agent).toEqual({ aor: 'sip:1001@pbx.example.com', name: 'Mikkel' });
    expect(snap.transcript.map((t) => [t.streamLabel, t.role, t.speaker, t.text])).toEqual([['customer', 'customer', 'Henrik', 'Hej.']]);
  });

  it('ends the call with ingress-closed when the sender disappears without end', async () => {
    const s = await rawSocket(TOKENS.ingest);
    s.ws.send(JSON.stringify({ type: 'start', source: 'replay', callId: 'gone-1' }));
    await s.next(1);
    expect(registry.get('gone-1')!.summary().state).toBe('active');
    s.ws.terminate();
    await vi_waitFor(() => registry.get('gone-1')?.summary().state === 'ended');
    const state = registry.eventsSince('gone-1', 0)!.filter((e) => e.type === 'call.state');
    expect(state.at(-1)).toMatchObject({ state: 'ended', reason: 'ingress-closed' });
  });
});

async function vi_waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}
