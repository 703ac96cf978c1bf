import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../sidecar/config/schema.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import { InvalidStateError } from '../../../../sidecar/core/errors.js';
import { RecordingSession } from '../../../../sidecar/sip/recording-session.js';
import type { InDialogRequest, SignallingDialog } from '../../../../sidecar/sip/recording-session-types.js';
import { interpretInitialInvite } from '../../../../sidecar/sip/siprec-request.js';
import { parseSipMessage } from '../../../../sidecar/sip/sip-message.js';
import type { SiprecResponse } from '../../../../sidecar/sip/siprec-types.js';
import type { StreamCloseReason, StreamPipelineOptions } from '../../../../media/stream-pipeline-types.js';
import { PortPool } from '../../../../media/rtp/port-pool.js';
import { fixture } from './srf-harness.js';

/** A scripted stream pipeline: records how it was opened and closed, emits frames on demand. */
class FakePipeline extends EventEmitter {
  closeReasons: StreamCloseReason[] = [];
  held: boolean[] = [];
  constructor(readonly options: StreamPipelineOptions) {
    super();
  }
  frame(startMs: number): void {
    this.emit('frame', { samples: new Int16Array(320).fill(1000), startMs, concealed: false });
  }
  setHold(held: boolean): void {
    this.held.push(held);
  }
  async close(reason: StreamCloseReason): Promise<void> {
    this.closeReasons.push(reason);
    this.frame(9_999); // the jitter buffer's last frame, flushed during close
    this.emit('close', reason);
  }
}

class FakeDialog implements SignallingDialog {
  readonly id = 'call-1@192.0.2.10;from-tag=src-1';
  ends = 0;
  #request?: (req: InDialogRequest) => void;
  #remoteEnd?: (reason: string) => void;
  onRequest(handler: (req: InDialogRequest) => void): void {
    this.#request = handler;
  }
  onRemoteEnd(handler: (reason: string) => void): void {
    this.#remoteEnd = handler;
  }
  async end(): Promise<void> {
    this.ends++;
  }
  bye(): void {
    this.#remoteEnd?.('normal release');
  }
  send(text: string): Promise<SiprecResponse> {
    return new Promise((resolve) => this.#request?.({ request: parseSipMessage(text).request, respond: async (r) => resolve(r) }));
  }
}

const config = configSchema.parse({ sip: { allowedSources: ['0.0.0.0/0'], rtpPortMin: 30000, rtpPortMax: 30010 } });

async function makeSession(file = '18-audiocodes-mediant-siprec.sip', drainTimeoutMs = 1000) {
  const pool = new PortPool({ minPort: 30000, maxPort: 30010, bindAddress: '127.0.0.1', probe: false });
  const request = parseSipMessage(fixture(file)).request;
  const ports = await pool.lease(2);
  const decision = interpretInitialInvite({ ...request, sourceAddress: '192.0.2.30' }, { sip: config.sip, leasePorts: ports, activeCalls: 0 });
  pool.release(ports.filter((p) => !decision.leasedPorts.includes(p)));
  expect(decision.response.status).toBe(200);
  const pipelines: FakePipeline[] = [];
  const session = new RecordingSession({
    session: decision.session!, leasedPorts: decision.leasedPorts, sip: config.sip, media: config.media, ports: pool,
    openPipeline: (o) => {
      const p = new FakePipeline(o);
      pipelines.push(p);
      return p;
    },
    activeCalls: () => 1, logger: silentLogger(), drainTimeoutMs,
  });
  const dialog = new FakeDialog();
  return { session, pool, pipelines, dialog };
}

describe('RecordingSession lifecycle', () => {
  it('opens one pipeline per recorded stream with its leased port, codec and expected source', async () => {
    const { session, pipelines, pool } = await makeSession();
    await session.start();
    expect(pipelines.map((p) => p.options.label)).toEqual(['1', '2']);
    expect(pipelines.map((p) => p.options.port).sort()).toEqual(session.leasedPorts.sort());
    expect(pipelines[0].options.payloadTypes).toEqual({ 0: 'PCMU' });
    expect(pipelines[0].options.expectedSource).toEqual({ address: '203.0.113.30', port: 7232 });
    expect(pipelines[1].options.expectedSource).toEqual({ address: '203.0.113.30', port: 7236 });
    expect(pipelines[0].options.telephoneEventPayloadType).toBe(101);
    expect(pool.leased).toBe(2);
  });

  it('tags frames with the stream label, participant and role', async () => {
    const { session, pipelines } = await makeSession();
    await session.start();
    const frames: Array<{ label: string; aor?: string; role: string; startMs: number }> = [];
    session.on('frame', (f) => frames.push({ label: f.label, aor: f.participant?.aor, role: f.role, startMs: f.frame.startMs }));
    pipelines[1].frame(20);
    const stream2 = session.session.streams.find((s) => s.label === '2')!;
    const owner = session.session.participants.find((p) => p.id === stream2.participantId);
    expect(frames).toEqual([{ label: '2', aor: owner?.aor, role: stream2.role, startMs: 20 }]);
  });

  it('emits close once, returns the same promise on repeat calls and passes session-ended to its pipelines', async () => {
    const { session, pipelines, pool, dialog } = await makeSession();
    await session.start();
    session.attachDialog(dialog);
    const closes: string[] = [];
    session.on('close', (r) => closes.push(r));
    const first = session.close('bye');
    const second = session.close('shutdown');
    expect(second).toBe(first);
    await first;
    await session.close('local');
    expect(closes).toEqual(['bye']);
    expect(pipelines.map((p) => p.closeReasons)).toEqual([['session-ended'], ['session-ended']]);
    expect(pool.leased).toBe(0);
    expect(session.leasedPorts).toEqual([]);
    expect(dialog.ends).toBe(0); // the SRC ended it: no BYE from us
    expect(session.call.state).toBe('ended');
  });

  it('passes shutdown to its pipelines and sends BYE when it ends the session itself', async () => {
    const { session, pipelines, dialog } = await makeSession();
    await session.start();
    session.attachDialog(dialog);
    await session.close('shutdown');
    expect(pipelines.flatMap((p) => p.closeReasons)).toEqual(['shutdown', 'shutdown']);
    expect(dialog.ends).toBe(1);
  });

  it('throws InvalidStateError from its methods after close and answers late in-dialog requests 481', async () => {
    const { session, dialog } = await makeSession();
    await session.start();
    session.attachDialog(dialog);
    await session.close('local');
    expect(() => session.beforeClose(async () => undefined)).toThrow(InvalidStateError);
    await expect(session.start()).rejects.toThrow(InvalidStateError);
    expect(() => session.attachDialog(new FakeDialog())).toThrow(InvalidStateError);
    const late = await dialog.send(fixture('02-rfc-example-partial-hold-reinvite.sip'));
    expect(late.status).toBe(481);
  });

  it('runs the drain hooks after intake stopped, before ports are released, and forwards the flushed frames', async () => {
    const { session, pipelines, pool } = await makeSession();
    await session.start();
    const order: string[] = [];
    session.on('frame', (f) => order.push(`frame:${f.label}:${f.frame.startMs}`));
    session.beforeClose(async (reason) => {
      order.push(`drain:${reason}:leased=${pool.leased}`);
    });
    session.on('close', () => order.push('close'));
    await session.close('bye');
    pipelines[0].frame(10_000); // a frame after close is counted and dropped
    expect(order).toEqual(['frame:1:9999', 'frame:2:9999', 'drain:bye:leased=2', 'close']);
    expect(session.lateFrames).toBe(1);
  });

  it('closes even when a drain hook never finishes and a pipeline fails to close', async () => {
    const { session, pipelines, pool, dialog } = await makeSession(undefined, 50);
    await session.start();
    session.attachDialog(dialog);
    pipelines[0].close = async () => {
      throw new Error('socket already gone');
    };
    session.beforeClose(() => new Promise<void>(() => undefined));
    const closed: string[] = [];
    session.on('close', (r) => closed.push(r));
    await session.close('local');
    expect(closed).toEqual(['local']);
    expect(pipelines[1].closeReasons).toEqual(['session-ended']);
    expect(pool.leased).toBe(0);
    expect(dialog.ends).toBe(1);
  });

  it('pauses the pipelines and marks the call held on an all-inactive re-INVITE, then resumes', async () => {
    const { session, pipelines, dialog, pool } = await makeSession();
    await session.start();
    session.attachDialog(dialog);
    const events: string[] = [];
    session.on('hold', (e) => events.push(`hold:${e.labels.join(',')}:${e.all}`));
    session.on('resume', (e) => events.push(`resume:${e.labels.join(',')}`));
    session.call.on('state', (e) => events.push(`call:${e.state}`));
    const hold = await dialog.send(reinvite((sdp) => sdp.replace(/a=sendonly/g, 'a=inactive'), 2));
    expect(hold.status).toBe(200);
    expect(hold.sdp?.match(/a=inactive/g)).toHaveLength(2);
    expect(pipelines.map((p) => p.held)).toEqual([[true], [true]]);
    const resume = await dialog.send(reinvite((sdp) => sdp, 3));
    expect(resume.status).toBe(200);
    expect(resume.sdp?.match(/a=recvonly/g)).toHaveLength(2);
    expect(pipelines.map((p) => p.held)).toEqual([[true, false], [true, false]]);
    expect(events).toEqual(['call:held', 'hold:1,2:true', 'call:active', 'resume:1,2']);
    expect(session.closed).toBe(false);
    expect(pool.leased).toBe(2);
  });

  it('closes a removed stream with stream-removed and returns its port, keeping the other', async () => {
    const { session, pipelines, dialog, pool } = await makeSession();
    await session.start();
    session.attachDialog(dialog);
    const port2 = pipelines[1].options.port;
    const removed: unknown[] = [];
    session.on('stream-removed', (e) => removed.push(e));
    const res = await dialog.send(reinvite((sdp) => sdp.replace('m=audio 7236 ', 'm=audio 0 '), 2));
    expect(res.status).toBe(200);
    expect(removed).toEqual([{ label: '2', reason: 'stream-removed' }]);
    expect(pipelines[1].closeReasons).toEqual(['stream-removed']);
    expect(pipelines[0].closeReasons).toEqual([]);
    expect(session.streamLabels).toEqual(['1']);
    expect(pool.isLeased(port2)).toBe(false);
    expect(pool.leased).toBe(1);
  });
});

/** A re-INVITE in the 18-audiocodes dialog: the initial INVITE with a To-tag, a new CSeq and an edited body. */
function reinvite(edit: (body: string) => string, cseq: number): string {
  const raw = fixture('18-audiocodes-mediant-siprec.sip');
  const split = raw.indexOf('\r\n\r\n');
  const body = edit(raw.slice(split + 4));
  const head = raw.slice(0, split)
    .replace(/^To:(.*)$/m, 'To:$1;tag=srs-1')
    .replace(/^CSeq:.*$/m, `CSeq: ${cseq} INVITE`)
    .replace(/^Content-Length:.*$/m, `Content-Length: ${Buffer.byteLength(body)}`);
  return `${head}\r\n\r\n${body}`;
}
