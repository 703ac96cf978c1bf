import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getHeader } from '../../../servers/sip-message.js';
import { FakeDrachtioServer } from '../../../servers/drachtio-server.js';
import { fixture, freshCall, startHarness, type Harness } from './srf-harness.js';

let h: Harness | undefined;
let extra: FakeDrachtioServer | undefined;
afterEach(async () => {
  await h?.close();
  await extra?.close();
  h = extra = undefined;
});

const INVITE_08 = '08-avaya-sbce-initial-dummy-participant.sip';

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SrfApp when things go wrong', () => {
  it('turns an unexpected exception in the INVITE path into 500 with a Warning and one log line, and keeps serving', async () => {
    h = await startHarness();
    const decide = h.recordings.decideInitial.bind(h.recordings);
    h.recordings.decideInitial = () => {
      throw new Error('unexpected parser bug with a "quoted" detail');
    };
    const res = await h.server.inject(fixture(INVITE_08)).final();
    expect(res.status).toBe(500);
    expect(getHeader(res, 'warning')).toBe('399 modsvar "internal error"');
    const failures = h.lines.filter((l) => l.msg === 'INVITE failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 50, status: 500 });
    h.recordings.decideInitial = decide;
    expect((await h.server.inject(freshCall(fixture(INVITE_08), 2)).final()).status).toBe(200);
  });

  it('abandons the session and frees its ports when drachtio-server never confirms the 200 OK', async () => {
    h = await startHarness({ drachtio: { transactionTimeoutMs: 300 } });
    h.server.muteSip((frame) => /^SIP\/2\.0 200/.test(frame.sip ?? ''));
    h.server.inject(fixture(INVITE_08));
    await h.server.waitFor(() => h!.lines.find((l) => /200 OK was not confirmed/.test(l.msg)), 3000, 'deadline log');
    await h.server.waitFor(() => h!.recordings.size === 0 && h!.pool.leased === 0, 3000, 'ports back');
    const line = h.lines.find((l) => /200 OK was not confirmed/.test(l.msg))!;
    expect((line.err as { code?: string }).code).toBe('DEADLINE_EXCEEDED');
  });

  it('answers 503 with Retry-After to new INVITEs once shutdown started', async () => {
    h = await startHarness();
    await h.recordings.shutdown(1000);
    const res = await h.server.inject(fixture(INVITE_08)).final();
    expect(res.status).toBe(503);
    expect(getHeader(res, 'retry-after')).toBe('30');
    expect(getHeader(res, 'warning')).toContain('shutting down');
    expect(h.pool.leased).toBe(0);
  });

  it('answers 481 to a BYE and a re-INVITE for dialogs it does not know', async () => {
    h = await startHarness();
    await h.server.waitForRoute('bye');
    const bye = await h.server.inject(fixture('10-avaya-sbce-bye.sip')).final();
    expect(bye.status).toBe(481);
    expect(getHeader(bye, 'warning')).toMatch(/^399 /);
    expect(h.lines.filter((l) => l.msg === 'BYE outside a recording session refused')).toHaveLength(1);
    const reinvite = fixture(INVITE_08).replace(/^To:(.*)$/m, 'To:$1;tag=unknown-1');
    expect((await h.server.inject(reinvite).final()).status).toBe(481);
    expect(h.recordings.size).toBe(0);
  });

  it('logs that drachtio-server is unreachable at start and connects once it is up', async () => {
    const port = await freeTcpPort();
    h = await startHarness({ drachtio: { port }, waitReady: false });
    await h.server.waitFor(() => h!.lines.some((l) => /unreachable/.test(l.msg)), 3000, 'unreachable log');
    extra = await FakeDrachtioServer.start({ port });
    await extra.waitForRoute('invite', 1, 5000);
    await extra.waitFor(() => h!.app.connected, 2000, 'connected');
    const unreachable = h.lines.filter((l) => /unreachable/.test(l.msg) && l.level === 40);
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatchObject({ port, code: 'ECONNREFUSED' });
    expect(h.lines.some((l) => l.msg === 'connected to drachtio-server')).toBe(true);
  });

  it('ends the session when drachtio-server itself ends the dialog (no ACK), and logs the reason', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08));
    expect((await invite.final()).status).toBe(200);
    const session = h.recordings.list()[0];
    const closed = new Promise((resolve) => session.once('close', resolve));
    const dialogId = [...h.server.stack.dialogs.keys()][0];
    await h.server.waitFor(() => h!.lines.some((l) => l.msg.startsWith('SIPREC INVITE accepted')), 2000, 'accepted');
    expect(h.server.serverBye(dialogId, 'SIP ;cause=408 ;text="ACK timeout"')).toBe(true);
    expect(await closed).toBe('bye');
    const ended = h.lines.find((l) => /recording session ended by the far end/.test(l.msg));
    expect(ended?.reason).toBe('ACK timeout');
    expect(h.pool.leased).toBe(0);
  });
});
