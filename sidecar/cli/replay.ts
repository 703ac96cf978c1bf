/**
 * `modsvar replay`: feeds a recorded call into a running sidecar as the same events a live call produces,
 * and prints each objection and card as it appears. The call shows in the agent UI and on the wall.
 *
 *   modsvar replay CALL.wav | --agent A.wav --customer C.wav | --transcript TURNS.json
 *     [--url http://127.0.0.1:8080] [--token T] [--speed 1|2|max] [--language da] [--call-id ID]
 *     [--agent-channel left|right] [--asr deepgram|sherpa-onnx|none] [--json] [--quiet]
 *
 * A WAV file shorter than its header says (cut off) is replayed as far as it goes, with a warning.
 * Speech recognition problems the sidecar reports for the call are printed as warnings and in the summary.
 *
 * Ctrl-C (SIGINT) stops the replay: the call ends as `replay-aborted` (its summary is printed when the
 * sidecar confirms within 5 s; nothing else is printed if it does not) and the exit status is 130.
 *
 * Exit status: 0 replayed, 1 replay failed (no sidecar, token refused, connection lost, the sidecar could not
 * start the call, or an audio replay got no transcript at all because speech recognition failed), 2 usage or input file error (also a call ID or language the sidecar refused, or a call ID
 * already used by a live or recent call).
 */
import { basename } from 'node:path';
import type { CallCard, CallEvent, ObjectionInfo } from '../calls/call-events.js';
import { CALL_ID_PATTERN, CALL_ID_RULE, LANGUAGE_PATTERN } from '../api/ingress-protocol.js';
import { ModsvarError } from '../core/errors.js';
import { AsrWatch } from '../replay/asr-watch.js';
import { replayCall, ReplayError, type ReplayMedia } from '../replay/replay-client.js';
import { readTranscriptFile } from '../replay/transcript-file.js';
import { readWavRecording, type WavRecording } from '../replay/wav-source.js';

const USAGE = `usage: modsvar replay CALL.wav | --agent A.wav --customer C.wav | --transcript TURNS.json [options]

Feeds a recorded call into a running sidecar (modsvar serve) through its call ingress, as the same events a
live call produces: audio goes through the media pipeline and the configured ASR provider; a transcript
(turns with role, text, startMs/endMs; see README "Replay") goes straight to detection. Prints each
objection and card as it appears; the call shows in the agent UI and on the supervisor wall.

  CALL.wav                 stereo WAV, one party per channel (any common rate and sample format)
  --agent A.wav --customer C.wav   one mono WAV per party
  --transcript TURNS.json  a transcript instead of audio (no ASR needed)
  --agent-channel left|right       which channel of CALL.wav is the agent (default left)
  --url URL                the sidecar's API (default MODSVAR_REPLAY_URL or http://127.0.0.1:8080)
  --token TOKEN            API token with role ingest (default MODSVAR_REPLAY_TOKEN)
  --speed 1|2|…|max        playback speed (default 1 = real time)
  --language TAG           call language, BCP-47 (default the transcript's, else the sidecar's)
  --call-id ID             call ID shown in the UI: letters, digits and . _ : @ + - (at most 128); not one
                           of a live or recent call (default replay-<date>-<time>-<random>)
  --asr deepgram|sherpa-onnx|none  ASR provider for this call (default the sidecar's)
  --json                   print every call event as one JSON line on stdout (status lines go to stderr)
  --quiet                  print only the summary
`;

interface Args {
  wav?: string; agentWav?: string; customerWav?: string; transcript?: string;
  url: string; token?: string; speed: number | 'max'; language?: string; callId?: string;
  agentChannel: 0 | 1; asr?: 'deepgram' | 'sherpa-onnx' | 'none'; json: boolean; quiet: boolean;
}

/** Parses the arguments; a string is a usage error. */
export function parseReplayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Args | string {
  const a: Args = { url: env.MODSVAR_REPLAY_URL ?? 'http://127.0.0.1:8080', token: env.MODSVAR_REPLAY_TOKEN, speed: 1, agentChannel: 0, json: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case '--agent': a.agentWav = value(); break;
      case '--customer': a.customerWav = value(); break;
      case '--transcript': a.transcript = value(); break;
      case '--url': a.url = value() ?? ''; break;
      case '--token': a.token = value(); break;
      case '--language': a.language = value(); break;
      case '--call-id': a.callId = value(); break;
      case '--json': a.json = true; break;
      case '--quiet': a.quiet = true; break;
      case '--speed': {
        const v = value();
        if (v === 'max') a.speed = 'max';
        else if (v && Number(v) > 0 && Number(v) <= 100) a.speed = Number(v);
        else return `--speed takes a number above 0 (at most 100) or max, not ${v ?? 'nothing'}`;
        break;
      }
      case '--agent-channel': {
        const v = value();
        if (v !== 'left' && v !== 'right') return `--agent-channel takes left or right, not ${v ?? 'nothing'}`;
        a.agentChannel = v === 'left' ? 0 : 1;
        break;
      }
      case '--asr': {
        const v = value();
        if (v !== 'deepgram' && v !== 'sherpa-onnx' && v !== 'none') return `--asr takes deepgram, sherpa-onnx or none, not ${v ?? 'nothing'}`;
        a.asr = v;
        break;
      }
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        if (a.wav) return `one recording at a time (got ${a.wav} and ${arg})`;
        a.wav = arg;
    }
    if (argv[i] === undefined) return `${arg} needs a value`;
  }
  if (a.callId !== undefined && !CALL_ID_PATTERN.test(a.callId)) return `--call-id takes ${CALL_ID_RULE}, not ${JSON.stringify(a.callId)}`;
  if (a.language !== undefined && !LANGUAGE_PATTERN.test(a.language)) return `--language takes a BCP-47 tag such as da or en-GB, not ${JSON.stringify(a.language)}`;
  const inputs = [a.wav, a.transcript, a.agentWav ?? a.customerWav].filter(Boolean).length;
  if (inputs !== 1) return 'give exactly one of: CALL.wav, --agent A.wav --customer C.wav, --transcript TURNS.json';
  if ((a.agentWav === undefined) !== (a.customerWav === undefined)) return '--agent and --customer go together';
  if (!a.token) return 'no token: set --token or MODSVAR_REPLAY_TOKEN to an API token with role ingest';
  try {
    const u = new URL(a.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    return `--url must be an http(s) URL, not ${a.url}`;
  }
  return a;
}

/** The warning for a WAV file cut off before the end its header declares. */
export function truncationWarning(rec: Pick<WavRecording, 'path' | 'truncated' | 'durationMs'>): string | undefined {
  const t = rec.truncated;
  return t && `${rec.path}: file shorter than its header says: ${t.presentBytes} of ${t.declaredBytes} bytes; replaying what is there (${formatTime(rec.durationMs)})`;
}

/** Loads the media named by the arguments. @throws ModsvarError (REPLAY_BAD_WAV) on unusable input */
async function loadMedia(a: Args): Promise<{ media: ReplayMedia; describe: string; warnings: string[] }> {
  if (a.transcript) {
    const transcript = await readTranscriptFile(a.transcript);
    const last = transcript.turns[transcript.turns.length - 1];
    return { media: { kind: 'transcript', transcript }, describe: `${basename(a.transcript)}: ${transcript.turns.length} turns, ${formatTime(last.endMs)} (transcript replay, no ASR)`, warnings: [] };
  }
  if (a.wav) {
    const rec = await readWavRecording(a.wav);
    if (rec.channels.length !== 2) {
      throw new ModsvarError('REPLAY_BAD_WAV', `${a.wav}: ${rec.channels.length} channel(s); a call recording needs one channel per party (stereo), or use --agent A.wav --customer C.wav`);
    }
    const agent = rec.channels[a.agentChannel].samples;
    const customer = rec.channels[1 - a.agentChannel].samples;
    return {
      media: { kind: 'audio', agent, customer }, warnings: [truncationWarning(rec)].filter((w): w is string => !!w),
      describe: `${basename(a.wav)}: ${formatTime(rec.durationMs)}, ${rec.sourceRateHz} Hz ${rec.sourceFormat} stereo (agent ${a.agentChannel === 0 ? 'left' : 'right'})`,
    };
  }
  const [agent, customer] = await Promise.all([readWavRecording(a.agentWav!), readWavRecording(a.customerWav!)]);
  for (const r of [agent, customer]) {
    if (r.channels.length !== 1) throw new ModsvarError('REPLAY_BAD_WAV', `${r.path}: ${r.channels.length} channels; --agent and --customer take mono files`);
  }
  return {
    media: { kind: 'audio', agent: agent.channels[0].samples, customer: customer.channels[0].samples },
    describe: `${basename(agent.path)} + ${basename(customer.path)}: ${formatTime(Math.max(agent.durationMs, customer.durationMs))}`,
    warnings: [truncationWarning(agent), truncationWarning(customer)].filter((w): w is string => !!w),
  };
}

/** `mm:ss` of a call-timeline time in ms. */
export function formatTime(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The terminal view of one card. */
export function formatCard(card: CallCard, objection: ObjectionInfo | undefined): string {
  const flag = card.confidence < 0.8 ? '  (not verified)' : '';
  const lines = [
    `  ${card.objectionClass.toUpperCase()} ${card.status === 'no_answer' ? 'no verified answer' : `card ${card.confidence.toFixed(2)} ${card.status}`}${flag}`,
  ];
  if (objection) lines.unshift(`[${formatTime(objection.raisedMs)}] customer: "${objection.text}"  → ${objection.objectionClass} ${objection.confidence.toFixed(2)}`);
  if (card.text) lines.push(...wrap(card.text, 96).map((l) => `    ${l}`));
  if (card.playbookMove) lines.push(`    ask: ${card.playbookMove}`);
  for (const c of card.citations) lines.push(`    · ${c.factId} ${c.source}${c.location ? ` (${c.location})` : ''}`);
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Exit status of a failed replay: 2 when the sidecar refused the start for something the user chose
 * (a malformed field such as --call-id or --language, or a call ID already in use), else 1.
 */
export function replayFailureStatus(err: ReplayError): 1 | 2 {
  return err.code === 'REPLAY_REFUSED' && (err.serverCode === 'INGRESS_BAD_MESSAGE' || err.serverCode === 'INGRESS_CALL_EXISTS') ? 2 : 1;
}

/**
 * Runs the command; resolves to the exit status.
 * @param options.signal stops the replay as Ctrl-C does (for embedding and tests)
 */
export async function run(argv: string[], options: { signal?: AbortSignal } = {}): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = parseReplayArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`modsvar replay: ${args}\n\n${USAGE}`);
    return 2;
  }
  let loaded: Awaited<ReturnType<typeof loadMedia>>;
  try {
    loaded = await loadMedia(args);
  } catch (err) {
    process.stderr.write(`modsvar replay: ${(err as Error).message}\n`);
    return 2;
  }
  const out = (s: string) => { if (!args.quiet) process.stdout.write(`${s}\n`); };
  // With --json, stdout carries only events (one JSON object a line); status lines go to stderr.
  const info = (s: string) => { if (!args.quiet) (args.json ? process.stderr : process.stdout).write(`${s}\n`); };
  const warn = (s: string) => process.stderr.write(`modsvar replay: warning: ${s}\n`);
  loaded.warnings.forEach(warn);
  info(`replaying ${loaded.describe} at ${args.speed === 'max' ? 'maximum speed' : `${args.speed}x`}`);

  const objections = new Map<string, ObjectionInfo>();
  const printed = new Map<string, string>();
  let cards = 0;
  const asr = new AsrWatch();
  const onEvent = (e: CallEvent) => {
    const asrWarning = asr.see(e);
    if (asrWarning) warn(asrWarning);
    if (e.type === 'objection') objections.set(e.objection.objectionId, { ...e.objection, state: e.state ?? 'raised' });
    if (e.type === 'card.created' && args.json) cards++;
    if (args.json) { out(JSON.stringify(e)); return; }
    if (e.type !== 'card.created' && e.type !== 'card.updated') return;
    // A card prints when it appears and again when its final text differs (the drafted reply).
    const key = `${e.card.status === 'drafting' ? 'drafting' : e.card.status}:${e.card.text}`;
    if (e.type === 'card.updated' && (e.card.status === 'drafting' || printed.get(e.card.cardId) === key)) return;
    if (e.type === 'card.created') cards++;
    printed.set(e.card.cardId, key);
    out(formatCard(e.card, e.type === 'card.created' ? objections.get(e.card.objectionId) : undefined));
  };
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  options.signal?.addEventListener('abort', onSignal, { once: true });
  const STOPPED = 130;
  try {
    const ended = await replayCall(loaded.media, {
      url: args.url, token: args.token!, speed: args.speed, callId: args.callId, language: args.language, asrProvider: args.asr,
      signal: abort.signal, onEvent,
      onStarted: (m) => info(`call ${m.callId} started: ${new URL(m.uiPath, args.url).href}`),
      onServerError: (m) => process.stderr.write(`modsvar replay: the sidecar refused a message: ${m.code}: ${m.message}\n`),
    });
    const frames = Object.values(ended.framesReceived).reduce((s, n) => s + n, 0);
    const summary = args.json ? process.stderr : process.stdout;
    summary.write(`call ${ended.callId} ended (${ended.reason}): ${[...objections.values()].filter((o) => o.state !== 'withdrawn').length} objection(s), ${cards} card(s)`
      + `${frames ? `, ${frames} audio frames` : ''}${ended.turnsReceived ? `, ${ended.turnsReceived} turns` : ''}\n`);
    for (const p of asr.problems) summary.write(`  warning: ${p}\n`);
    if (abort.signal.aborted) return STOPPED;
    if (loaded.media.kind === 'audio' && asr.failedWithoutTranscript) {
      process.stderr.write('modsvar replay: no transcript: speech recognition failed on the sidecar for this call (see the warnings above and the sidecar\'s log)\n');
      return 1;
    }
    return 0;
  } catch (err) {
    // Stopped by the user: whatever the connection did after that (a sidecar stopping with the same Ctrl-C closes it) is no news.
    if (abort.signal.aborted) return STOPPED;
    process.stderr.write(`modsvar replay: ${(err as Error).message}\n`);
    return err instanceof ReplayError ? replayFailureStatus(err) : 1;
  } finally {
    process.off('SIGINT', onSignal);
    options.signal?.removeEventListener('abort', onSignal);
  }
}
