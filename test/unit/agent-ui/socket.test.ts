import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for the browser WebSocket: records URLs and lets the test drive open/message/close. */
class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  onopen?: () => void;
  onmessage?: (m: { data: string }) => void;
  onclose?: () => void;
  closedWith?: [number, string];
  constructor(readonly url: string) { FakeWebSocket.all.push(this); }
  open() { this.onopen?.(); }
  deliver(e: object) { this.onmessage?.({ data: JSON.stringify(e) }); }
  close(code: number, reason: string) { this.closedWith = [code, reason]; this.onclose?.(); }
}

beforeEach(() => {
  FakeWebSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('location', { protocol: 'https:', host: 'modsvar.example' });
  vi.stubGlobal('window', globalThis);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const ev = (type: string, seq: number) => ({ type, seq, callId: 'c', atMs: 0 });

describe('ResumableSocket (agent UI)', () => {
  it('drops duplicates, reconnects on a gap with since=<last seq>, and resumes in order', async () => {
    const { ResumableSocket } = await import('../../../agent-ui/src/socket.js');
    const got: number[] = [];
    new ResumableSocket<{ type: string; seq: number }>({ path: '/api/calls/c/ws', contiguous: true, onEvent: (e) => got.push(e.seq) });
    const first = FakeWebSocket.all[0];
    expect(first.url).toBe('wss://modsvar.example/api/calls/c/ws');
    first.open();
    first.deliver(ev('snapshot', 5));
    first.deliver(ev('transcript.final', 6));
    first.deliver(ev('transcript.final', 6));
    first.deliver(ev('card.created', 7));
    first.deliver(ev('card.updated', 9));
    expect(got).toEqual([5, 6, 7]);
    expect(first.closedWith).toEqual([4000, 'gap']);
    vi.advanceTimersByTime(500);
    const second = FakeWebSocket.all[1];
    expect(second.url).toBe('wss://modsvar.example/api/calls/c/ws?since=7');
    second.open();
    second.deliver(ev('card.updated', 8));
    second.deliver(ev('card.updated', 9));
    expect(got).toEqual([5, 6, 7, 8, 9]);
  });

  it('accepts a fresh snapshot after a reconnect and backs off while the server is away', async () => {
    const { ResumableSocket } = await import('../../../agent-ui/src/socket.js');
    const got: string[] = [];
    const refused = vi.fn();
    new ResumableSocket<{ type: string; seq: number }>({ path: '/api/wall/ws', contiguous: false, onEvent: (e) => got.push(`${e.type}:${e.seq}`), onRefused: refused });
    const a = FakeWebSocket.all[0];
    a.open();
    a.deliver(ev('wall.snapshot', 10));
    a.deliver(ev('wall.call', 14));
    a.close(1006, '');
    vi.advanceTimersByTime(500);
    const b = FakeWebSocket.all[1];
    expect(b.url).toBe('wss://modsvar.example/api/wall/ws?since=14');
    b.open();
    b.deliver(ev('wall.snapshot', 3));
    expect(got).toEqual(['wall.snapshot:10', 'wall.call:14', 'wall.snapshot:3']);
    // Three failed attempts in a row without ever opening: the server refuses us; stop and say so.
    b.close(1006, '');
    vi.advanceTimersByTime(500);
    FakeWebSocket.all[2].close(1006, '');
    vi.advanceTimersByTime(1000);
    FakeWebSocket.all[3].close(1006, '');
    vi.advanceTimersByTime(2000);
    FakeWebSocket.all[4].close(1006, '');
    expect(refused).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(5);
  });
});
