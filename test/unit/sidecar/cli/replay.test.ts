import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { describe, expect, it, vi } from 'vitest';
import type { CallCard } from '../../../../sidecar/calls/call-events.js';
import { formatCard, formatTime, parseReplayArgs, replayFailureStatus, run } from '../../../../sidecar/cli/replay.js';
import { ReplayError } from '../../../../sidecar/replay/replay-client.js';

const env = { MODSVAR_REPLAY_TOKEN: 'from-the-environment-123' };

describe('parseReplayArgs', () => {
  it('reads a stereo recording with every option', () => {
    expect(parseReplayArgs(['call.wav', '--url', 'https://modsvar.example:8443', '--token', 't-0123456789abcdef', '--speed', '2.5',
      '--language', 'da', '--call-id', 'c-1', '--agent-channel', 'right', '--asr', 'sherpa-onnx', '--json'], env)).toEqual({
      wav: 'call.wav', url: 'https://modsvar.example:8443', token: 't-0123456789abcdef', speed: 2.5, language: 'da', callId: 'c-1',
      agentChannel: 1, asr: 'sherpa-onnx', json: true, quiet: false,
    });
  });

  it('defaults: real time, left channel = agent, local sidecar, token and URL from the environment', () => {
    expect(parseReplayArgs(['--transcript', 't.json'], env)).toMatchObject({ transcript: 't.json', speed: 1, agentChannel: 0, url: 'http://127.0.0.1:8080', token: env.MODSVAR_REPLAY_TOKEN });
    expect(parseReplayArgs(['--agent', 'a.wav', '--customer', 'c.wav', '--speed', 'max'], { ...env, MODSVAR_REPLAY_URL: 'http://10.0.0.5:8080' }))
      .toMatchObject({ agentWav: 'a.wav', customerWav: 'c.wav', speed: 'max', url: 'http://10.0.0.5:8080' });
  });

  it('explains what is wrong instead of guessing', () => {
    expect(parseReplayArgs([], env)).toBe('give exactly one of: CALL.wav, --agent A.wav --customer C.wav, --transcript TURNS.json');
    expect(parseReplayArgs(['a.wav', '--transcript', 't.json'], env)).toMatch(/^give exactly one of/);
    expect(parseReplayArgs(['--agent', 'a.wav'], env)).toBe('--agent and --customer go together');
    expect(parseReplayArgs(['a.wav', '--speed', '0'], env)).toBe('--speed takes a number above 0 (at most 100) or max, not 0');
    expect(parseReplayArgs(['a.wav', '--agent-channel', 'middle'], env)).toBe('--agent-channel takes left or right, not middle');
    expect(parseReplayArgs(['a.wav', '--asr', 'whisper'], env)).toBe('--asr takes deepgram, sherpa-onnx or none, not whisper');
    expect(parseReplayArgs(['a.wav', '--bogus'], env)).toBe('unknown option --bogus');
    expect(parseReplayArgs(['a.wav', '--call-id'], env)).toBe('--call-id needs a value');
    expect(parseReplayArgs(['a.wav'], {})).toBe('no token: set --token or MODSVAR_REPLAY_TOKEN to an API token with role ingest');
    expect(parseReplayArgs(['a.wav', '--url', 'ftp://x'], env)).toBe('--url must be an http(s) URL, not ftp://x');
  });

  it('checks --call-id and --language with the ingress rules before connecting', () => {
    expect(parseReplayArgs(['a.wav', '--call-id', 'bad id!'], env)).toBe('--call-id takes letters, digits and . _ : @ + - (at most 128), not "bad id!"');
    expect(parseReplayArgs(['a.wav', '--call-id', 'x'.repeat(129)], env)).toMatch(/^--call-id takes letters/);
    expect(parseReplayArgs(['a.wav', '--call-id', 'pbx-7:a@b+c.d_e'], env)).toMatchObject({ callId: 'pbx-7:a@b+c.d_e' });
    expect(parseReplayArgs(['a.wav', '--language', 'danish!'], env)).toBe('--language takes a BCP-47 tag such as da or en-GB, not "danish!"');
  });
});

describe('replayFailureStatus', () => {
  it('is 2 for a start refused over what the user chose, 1 for any other failure', () => {
    expect(replayFailureStatus(new ReplayError('REPLAY_REFUSED', 'm', undefined, 'INGRESS_BAD_MESSAGE'))).toBe(2);
    expect(replayFailureStatus(new ReplayError('REPLAY_REFUSED', 'm', undefined, 'INGRESS_CALL_EXISTS'))).toBe(2);
    expect(replayFailureStatus(new ReplayError('REPLAY_REFUSED', 'm', undefined, 'INGRESS_START_FAILED'))).toBe(1);
    expect(replayFailureStatus(new ReplayError('REPLAY_LOST', 'm'))).toBe(1);
    expect(replayFailureStatus(new ReplayError('REPLAY_CONNECT', 'm', 401))).toBe(1);
  });
});

describe('card view', () => {
  it('prints the objection, the card, its reply and its citations; flags cards below 0.80', () => {
    const card: CallCard = {
      cardId: 'c1', objectionId: 'o1', objectionClass: 'price', status: 'extractive', text: 'You only pay for active employees. [F-102]',
      citations: [{ factId: 'F-102', text: '…', source: 'price-list.csv', location: 'row 4' }], confidence: 0.72, removedCount: 0,
      createdAtMs: 0, updatedAtMs: 0, stages: {},
    };
    expect(formatCard(card, { objectionId: 'o1', objectionClass: 'price', confidence: 0.91, utteranceId: 'u1', text: 'That is a lot.', raisedMs: 64_400 }))
      .toBe([
        '[01:04] customer: "That is a lot."  → price 0.91',
        '  PRICE card 0.72 extractive  (not verified)',
        '    You only pay for active employees. [F-102]',
        '    · F-102 price-list.csv (row 4)',
      ].join('\n'));
    expect(formatTime(3_599_000)).toBe('59:59');
  });
});

describe('Ctrl-C during a replay', () => {
  it('stops quietly with 130 when the sidecar (stopped by the same Ctrl-C) closes the connection without ended', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/api/ingress/ws' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const received: string[] = [];
    const abort = new AbortController();
    wss.on('connection', (socket) => socket.on('message', (d) => {
      const msg = JSON.parse(d.toString()) as { type: string; reason?: string };
      received.push(msg.reason ? `${msg.type}:${msg.reason}` : msg.type);
      if (msg.type === 'start') {
        socket.send(JSON.stringify({ type: 'started', callId: 'ctrl-c-1', source: 'transcript', streams: ['agent', 'customer'], uiPath: '/call/ctrl-c-1' }));
      }
      if (msg.type === 'end') socket.terminate();
    }));
    const file = join(mkdtempSync(join(tmpdir(), 'modsvar-replay-cli-')), 'turns.json');
    writeFileSync(file, JSON.stringify([{ role: 'customer', text: 'Too expensive.', startMs: 600_000, endMs: 601_000 }]));
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((x) => {
      stdout += String(x);
      // The user presses Ctrl-C once the call started, while its first turn is still minutes away.
      if (String(x).startsWith('call ctrl-c-1 started')) abort.abort();
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((x) => { stderr += String(x); return true; });
    try {
      const status = await run(['--transcript', file, '--url', `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, '--token', 't-0123456789abcdef', '--call-id', 'ctrl-c-1'], { signal: abort.signal });
      expect(status).toBe(130);
    } finally {
      out.mockRestore();
      err.mockRestore();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    expect(received).toEqual(['start', 'end:replay-aborted']);
    expect(stderr).toBe('');
    expect(stdout).not.toContain('closed the connection');
    expect(stdout).not.toContain('keeps running');
  });
});
