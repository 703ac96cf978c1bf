import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseSdp } from 'sdp-transform';
import { getHeader } from '../../../servers/sip-message.js';
import { fixture, freshCall, intoDialog, startHarness, toTag, type Harness } from './srf-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const INVITE_08 = '08-avaya-sbce-initial-dummy-participant.sip';

describe('SrfApp with drachtio-srf against the drachtio wire protocol', () => {
  it('answers a two-stream SIPREC INVITE with 200 and a recvonly SDP answer carrying the labels', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture('18-audiocodes-mediant-siprec.sip'), { address: '192.0.2.30', port: 5060 });
    const ok = await invite.final();
    expect(ok.status).toBe(200);
    expect(invite.responses.map((r) => r.status)).toEqual([100, 200]);
    expect(getHeader(ok, 'content-type')).toBe('application/sdp');
    expect(toTag(ok)).toBeTruthy();
    const sdp = parseSdp(ok.body);
    expect(sdp.media).toHaveLength(2);
    for (const [i, m] of sdp.media.entries()) {
      expect(m.type).toBe('audio');
      expect(m.direction).toBe('recvonly');
      expect(m.invalid?.find((a) => a.value.startsWith('label:'))?.value ?? `label:${(m as { label?: string }).label}`).toBe(`label:${i + 1}`);
      expect(m.rtp.find((r) => r.payload === 0)?.codec).toBe('PCMU');
      expect(m.port).toBeGreaterThanOrEqual(h.config.sip.rtpPortMin);
      expect(m.port % 2).toBe(0);
    }
    expect(h.pool.leased).toBe(2);
    expect(h.recordings.size).toBe(1);
    const session = h.recordings.list()[0];
    expect(session.streamLabels.sort()).toEqual(['1', '2']);
    expect(session.leasedPorts.sort()).toEqual(sdp.media.map((m) => m.port).sort());
    await h.server.waitFor(() => h!.lines.some((l) => l.msg.startsWith('SIPREC INVITE accepted')), 2000, 'accepted log');
    const accepted = h.lines.filter((l) => l.msg.startsWith('SIPREC INVITE accepted'));
    expect(accepted).toHaveLength(1);
    expect(accepted[0].streams).toEqual(['1', '2']);
  });

  it('carries UTF-8 names intact: frames are sized in bytes and Content-Length counts bytes', async () => {
    h = await startHarness();
    const raw = fixture(INVITE_08)
      .replace('"H323 User 1" <sip:12125550101@192.0.2.10>', '"Søren Ærø" <sip:12125550101@192.0.2.10>')
      .replace('<nameID aor="sip:12125550101@10.64.110.65"></nameID>', '<nameID aor="sip:12125550101@10.64.110.65"><name>Åse Ødegård</name></nameID>');
    const split = raw.indexOf('\r\n\r\n');
    const body = raw.slice(split + 4);
    const text = raw.slice(0, split).replace(/^Content-Length:.*$/im, `Content-Length: ${Buffer.byteLength(body)}`) + '\r\n\r\n' + body;
    const invite = h.server.inject(text);
    const ok = await invite.final();
    expect(ok.status).toBe(200);
    expect(getHeader(ok, 'from')).toBe('"Søren Ærø" <sip:12125550101@192.0.2.10>;tag=4711SIPpTag001');
    const session = h.recordings.list()[0];
    expect(session.call.participants.map((p) => p.name)).toContain('Åse Ødegård');
  });

  it('writes each call-scoped log key once per line for an accepted session', async () => {
    h = await startHarness();
    expect((await h.server.inject(fixture(INVITE_08)).final()).status).toBe(200);
    const sessionLines = h.raw.filter((l) => l.includes('"sipCallId"'));
    expect(sessionLines.length).toBeGreaterThan(0);
    for (const line of sessionLines) {
      expect(line.match(/"sipCallId":/g)).toHaveLength(1);
      expect((line.match(/"callId":/g) ?? []).length).toBeLessThanOrEqual(1);
    }
  });

  it('refuses an INVITE from a source outside sip.allowedSources with 403, a Warning and one log line', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08), { address: '198.51.100.99', port: 5060 });
    const res = await invite.final();
    expect(res.status).toBe(403);
    expect(getHeader(res, 'warning')).toMatch(/^399 \S+ ".+"$/);
    expect(toTag(res)).toBeTruthy();
    const refused = h.lines.filter((l) => l.msg === 'SIPREC INVITE refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 403, source: '198.51.100.99:5060', level: 40 });
    expect(h.pool.leased).toBe(0);
    expect(h.recordings.size).toBe(0);
  });

  it('answers 503 with Retry-After once sip.maxCalls sessions are live', async () => {
    h = await startHarness({ sip: { maxCalls: 1 } });
    expect((await h.server.inject(freshCall(fixture(INVITE_08), 1)).final()).status).toBe(200);
    const second = await h.server.inject(freshCall(fixture(INVITE_08), 2)).final();
    expect(second.status).toBe(503);
    expect(Number(getHeader(second, 'retry-after'))).toBeGreaterThan(0);
    expect(getHeader(second, 'warning')).toBeTruthy();
    expect(h.recordings.size).toBe(1);
    expect(h.pool.leased).toBe(1);
  });

  it('answers 400 with a Warning to a multipart body whose boundary never appears', async () => {
    h = await startHarness();
    const broken = fixture(INVITE_08).replace(/boundary=([^\s;]+)/i, 'boundary=not-the-boundary');
    const res = await h.server.inject(broken).final();
    expect(res.status).toBe(400);
    expect(getHeader(res, 'warning')).toMatch(/^399 /);
    expect(h.lines.filter((l) => l.msg === 'SIPREC INVITE refused')).toHaveLength(1);
    expect(h.pool.leased).toBe(0);
  });

  it('answers OPTIONS with 200 and the methods it allows', async () => {
    h = await startHarness();
    await h.server.waitForRoute('options');
    const options = [
      'OPTIONS sip:srs@198.51.100.20 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-opt-1', 'Max-Forwards: 70',
      'From: <sip:sbc@192.0.2.10>;tag=opt1', 'To: <sip:srs@198.51.100.20>', 'Call-ID: options-1@192.0.2.10', 'CSeq: 1 OPTIONS',
      'Content-Length: 0', '', '',
    ].join('\r\n');
    const res = await h.server.inject(options).final();
    expect(res.status).toBe(200);
    expect(getHeader(res, 'allow')).toContain('INVITE');
    expect(getHeader(res, 'allow')).toContain('UPDATE');
    expect(getHeader(res, 'accept')).toContain('application/rs-metadata+xml');
  });

  it('answers a pause re-INVITE (c=0.0.0.0) with a fresh answer, emits hold and keeps the call', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture('12-broadworks-webex-calling-metadata-first.sip'));
    const ok = await invite.final();
    expect(ok.status).toBe(200);
    const session = h.recordings.list()[0];
    const holds: Array<{ labels: string[]; all: boolean }> = [];
    session.on('hold', (e) => holds.push(e));
    const reinvite = h.server.inject(intoDialog(fixture('14-broadworks-pause-reinvite-c0000.sip'), invite.request, ok));
    const res = await reinvite.final();
    expect(res.status).toBe(200);
    const answer = parseSdp(res.body);
    expect(answer.origin?.sessionVersion).toBe(parseSdp(ok.body).origin!.sessionVersion + 1);
    expect(answer.media[0].port).toBe(parseSdp(ok.body).media[0].port);
    expect(answer.media[0].direction).toBe('inactive');
    expect(holds).toEqual([{ labels: ['1'], all: true }]);
    expect(session.call.state).toBe('held');
    expect(session.closed).toBe(false);
    expect(h.recordings.size).toBe(1);
    expect(h.pool.leased).toBe(1);
  });

  it('answers a metadata-only UPDATE with 200 and no SDP, reporting the new participants', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08));
    const ok = await invite.final();
    const session = h.recordings.list()[0];
    const changes: Array<{ added: string[]; removed: string[] }> = [];
    session.on('participants-changed', (e) => changes.push(e));
    const update = await h.server.inject(intoDialog(fixture('09-avaya-sbce-update-metadata-only.sip'), invite.request, ok)).final();
    expect(update.status).toBe(200);
    expect(update.body).toBe('');
    expect(changes).toHaveLength(1);
    expect(session.call.participants.map((p) => p.aor)).toEqual(['sip:12125550101@10.64.110.65', 'sip:12125550102@10.64.110.32']);
    expect(session.streamLabels).toEqual(['10']);
    expect(h.pool.leased).toBe(1);
  });

  it('ends the session on BYE: 200, close with reason bye, ports back in the pool', async () => {
    h = await startHarness();
    const before = h.pool.available;
    const invite = h.server.inject(fixture(INVITE_08));
    const ok = await invite.final();
    const session = h.recordings.list()[0];
    expect(h.pool.available).toBe(before - 1);
    const closed = new Promise((resolve) => session.once('close', resolve));
    const bye = await h.server.inject(intoDialog(fixture('10-avaya-sbce-bye.sip'), invite.request, ok)).final();
    expect(bye.status).toBe(200);
    expect(await closed).toBe('bye');
    expect(h.pool.available).toBe(before);
    expect(h.pool.leased).toBe(0);
    expect(h.recordings.size).toBe(0);
    expect(session.call.state).toBe('ended');
    // we did not send a BYE of our own
    expect(h.server.toNetwork.filter((m) => m.kind === 'request')).toHaveLength(0);
  });

  it('handles CANCEL before the 200 OK: 487 to the INVITE, no session, ports returned', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08));
    h.server.cancel(invite);
    const final = await invite.final();
    expect(final.status).toBe(487);
    await h.server.waitFor(() => h!.lines.some((l) => /cancelled by the SRC/.test(l.msg)), 3000, 'cancel log');
    await h.server.waitFor(() => h!.recordings.size === 0 && h!.pool.leased === 0, 3000, 'ports back');
    expect(h.server.toNetwork.filter((m) => m.status === 200 && m.method === 'INVITE')).toHaveLength(0);
  });

  it('logs when drachtio-server goes away and comes back, re-sends routes and keeps live calls', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08));
    const ok = await invite.final();
    const session = h.recordings.list()[0];
    const routesBefore = h.server.routes.filter((r) => r === 'invite').length;
    await h.server.dropConnections(600);
    await h.server.waitForRoute('invite', routesBefore + 1, 5000);
    await h.server.waitFor(() => h!.app.connected, 2000, 'connected');
    const away = h.lines.filter((l) => l.msg.startsWith('drachtio-server is away'));
    const back = h.lines.filter((l) => l.msg.startsWith('drachtio-server is back'));
    expect(away).toHaveLength(1);
    expect(back).toHaveLength(1);
    expect(back[0].downMs).toBeGreaterThanOrEqual(600);
    expect(back[0].sessions).toBe(1);
    expect(session.closed).toBe(false);
    expect(h.recordings.size).toBe(1);
    // the call survives: its BYE arrives over the new connection and still ends it
    const bye = await h.server.inject(intoDialog(fixture('10-avaya-sbce-bye.sip'), invite.request, ok)).final();
    expect(bye.status).toBe(200);
    await h.server.waitFor(() => h!.recordings.size === 0 && h!.pool.leased === 0, 3000, 'session closed');
  });

  it('can still end a call from before a reconnect: its BYE goes out over the new connection', async () => {
    h = await startHarness();
    const invite = h.server.inject(fixture(INVITE_08));
    const ok = await invite.final();
    await h.server.dropConnections(300);
    await h.server.waitFor(() => h!.app.connected, 5000, 'reconnected');
    await h.recordings.shutdown(3000);
    const bye = h.server.toNetwork.find((m) => m.kind === 'request' && m.method === 'BYE');
    expect(bye).toBeDefined();
    expect(getHeader(bye!, 'call-id')).toBe(getHeader(invite.request, 'call-id'));
    expect(toTag(ok)).toBe(bye && /tag=([^;]+)/.exec(getHeader(bye, 'from') ?? '')?.[1]);
    expect(h.lines.some((l) => /sending BYE failed/.test(l.msg))).toBe(false);
    expect(h.pool.leased).toBe(0);
  });

  it('says clearly that drachtio-server rejected the secret, without logging it', async () => {
    h = await startHarness({ serverSecret: 'the-right-one', drachtio: { secret: 'wrong-secret-value' }, waitReady: false });
    await h.server.waitFor(() => h!.lines.some((l) => /rejected our secret/.test(l.msg)), 3000, 'secret log');
    expect(h.server.authAttempts[0]).toEqual({ secret: 'wrong-secret-value', ok: false });
    expect(h.server.routes).toEqual([]);
    expect(h.app.connected).toBe(false);
    const line = h.lines.find((l) => /rejected our secret/.test(l.msg))!;
    expect(line.level).toBe(50);
    expect(line.msg).toContain('MODSVAR_DRACHTIO__SECRET');
    expect(h.raw.join('\n')).not.toContain('wrong-secret-value');
  });
});
