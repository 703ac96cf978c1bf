/**
 * The replay client against a bare WebSocket server that answers as a sidecar might, to pin down how the
 * client ends: a refused start must end the replay (and close the socket) even when the server keeps
 * the socket open.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { replayCall, ReplayError } from '../../../../sidecar/replay/replay-client.js';

let wss: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
});

/** A server that runs `onStart` for the first text message and records when the client closed. */
async function server(onStart: (socket: WebSocket, start: Record<string, unknown>) => void): Promise<{ url: string; clientClosed: Promise<number> }> {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/api/ingress/ws' });
  await new Promise<void>((resolve) => wss!.once('listening', () => resolve()));
  let closed!: (code: number) => void;
  const clientClosed = new Promise<number>((resolve) => { closed = resolve; });
  wss.on('connection', (socket) => {
    socket.once('message', (data) => onStart(socket, JSON.parse(data.toString())));
    socket.on('close', (code) => closed(code));
  });
  return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, clientClosed };
}

const transcript = { turns: [{ role: 'customer' as const, text: 'Too expensive.', startMs: 0, endMs: 900 }] };

describe('replayCall', () => {
  it('fails with REPLAY_REFUSED and closes the socket when the server refuses the start but stays connected', async () => {
    const s = await server((socket) => socket.send(JSON.stringify({ type: 'error', code: 'INGRESS_BAD_MESSAGE', message: 'start: callId: letters, digits and . _ : @ + - (at most 128)' })));
    const err = await replayCall({ kind: 'transcript', transcript }, { url: s.url, token: 't', speed: 'max', callId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect(err).toMatchObject({ code: 'REPLAY_REFUSED', serverCode: 'INGRESS_BAD_MESSAGE', message: 'the sidecar refused the call: INGRESS_BAD_MESSAGE: start: callId: letters, digits and . _ : @ + - (at most 128)' });
    expect(await s.clientClosed).toBe(1000);
  });

  it('reports errors after started to onServerError and goes on', async () => {
    const errors: string[] = [];
    const s = await server((socket, start) => {
      socket.send(JSON.stringify({ type: 'started', callId: start.callId, source: 'transcript', streams: ['agent', 'customer'], uiPath: '/call/x' }));
      socket.send(JSON.stringify({ type: 'error', code: 'INGRESS_BAD_MESSAGE', message: 'turn: text: too long' }));
      socket.on('message', (d) => {
        if (JSON.parse(d.toString()).type === 'end') socket.send(JSON.stringify({ type: 'ended', callId: 'x', reason: 'replay-finished', framesReceived: {}, turnsReceived: 1, droppedAfterEnd: 0 }));
      });
    });
    const ended = await replayCall({ kind: 'transcript', transcript }, { url: s.url, token: 't', speed: 'max', callId: 'x', onServerError: (m) => errors.push(m.code) });
    expect(ended).toMatchObject({ type: 'ended', callId: 'x', turnsReceived: 1 });
    expect(errors).toEqual(['INGRESS_BAD_MESSAGE']);
  });
});
