/**
 * `modsvar inspect` in-process (its `run`), for the in-dialog cases without a prior INVITE: the request is
 * applied to a session reconstructed from the message itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../../sidecar/cli/inspect.js';

async function inspect(...args: string[]): Promise<{ code: number; json: Record<string, any>; stderr: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await run(args);
    return { code, json: out ? JSON.parse(out) : {}, stderr: err };
  } finally {
    vi.restoreAllMocks();
  }
}

// Defaults only: no config file (an empty MODSVAR_CONFIG means none), so ports start at 40000.
const savedConfig = process.env.MODSVAR_CONFIG;
beforeAll(() => {
  process.env.MODSVAR_CONFIG = '';
});
afterAll(() => {
  if (savedConfig === undefined) delete process.env.MODSVAR_CONFIG;
  else process.env.MODSVAR_CONFIG = savedConfig;
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('modsvar inspect in-dialog requests without --session', () => {
  it('prints the BroadWorks pause re-INVITE as a hold of its one stream', async () => {
    const r = await inspect('test/fixtures/siprec/14-broadworks-pause-reinvite-c0000.sip');
    expect(r.code).toBe(0);
    expect(r.json.change).toEqual({ type: 'hold', labels: ['1'], all: true });
    expect(r.json.response.sdp).toMatch(/a=inactive\r\na=label:1\r\n/);
    expect(r.json.session.streams.map((s: any) => [s.label, s.codec, s.held, s.localPort])).toEqual([['1', 'PCMA', true, 40000]]);
    expect(r.json.priorSession).toBe('reconstructed from the message');
  });

  it('prints the Avaya metadata-only UPDATE as the participants it brings, with no SDP in the 200', async () => {
    const r = await inspect('test/fixtures/siprec/09-avaya-sbce-update-metadata-only.sip');
    expect(r.code).toBe(0);
    expect(r.json.response.sdp).toBeUndefined();
    expect(r.json.change).toEqual({ type: 'participants-changed', added: ['b536ff63b7f3643d4d7b', '6add855be46c6970e8fd'], removed: [], reassignedLabels: [] });
    expect(r.json.session.participants.map((p: any) => p.aor)).toEqual(['sip:12125550101@10.64.110.65', 'sip:12125550102@10.64.110.32']);
    expect(r.json.session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording:1');
  });

  it('prints the partial-hold re-INVITE applied after the 01 INVITE given with --session', async () => {
    const r = await inspect('test/fixtures/siprec/02-rfc-example-partial-hold-reinvite.sip', '--session', 'test/fixtures/siprec/01-rfc-example-audio-video-complete.sip');
    expect(r.code).toBe(0);
    expect(r.json.change).toEqual({ type: 'metadata-updated' });
    expect(r.json.session.streams.filter((s: any) => s.codec).map((s: any) => [s.label, s.participantId, s.localPort])).toEqual([
      ['96', 'srfBElmCRp2QB23b7Mpk0w==', 40000], ['98', 'zSfPoSvdSDCmU3A3TRDxAw==', 40002],
    ]);
  });
  it('prints a BYE without prior INVITE as the end of a session reconstructed from the message', async () => {
    const r = await inspect('test/fixtures/siprec/10-avaya-sbce-bye.sip');
    expect(r.code).toBe(0);
    expect(r.json.method).toBe('BYE');
    expect(r.json.change).toEqual({ type: 'ended', reason: 'bye' });
    expect(r.json.priorSession).toBe('reconstructed from the message');
  });

  it('prints a role for every stream: video and not-yet-assigned streams are unknown', async () => {
    const av = await inspect('test/fixtures/siprec/01-rfc-example-audio-video-complete.sip');
    expect(av.code).toBe(0);
    expect(av.json.session.streams.map((s: any) => [s.mediaType, s.role])).toEqual([
      ['audio', 'customer'], ['video', 'unknown'], ['audio', 'agent'], ['video', 'unknown'],
    ]);
    const unassigned = await inspect('test/fixtures/siprec/extra/inactive-initial-empty-assoc.sip');
    expect(unassigned.code).toBe(0);
    expect(unassigned.json.session.streams.map((s: any) => [s.label, s.participantId, s.role])).toEqual([['1', undefined, 'unknown'], ['2', undefined, 'unknown']]);
  });

  it('reads the port range and codecs from --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-inspect-'));
    const cfg = join(dir, 'modsvar.yaml');
    writeFileSync(cfg, 'sip:\n  rtpPortMin: 30001\n  rtpPortMax: 30100\n  codecs: [PCMA]\n');
    const r = await inspect('test/fixtures/siprec/21-opensips-2x-sdp-without-c-and-t.sip', '--config', cfg);
    expect(r.code).toBe(0);
    expect(r.json.session.streams.map((s: any) => [s.codec, s.localPort])).toEqual([['PCMA', 30002], ['PCMA', 30004]]);
  });


  it('lists what the parser noticed, such as bare LF line ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-inspect-'));
    const file = join(dir, 'lf.sip');
    writeFileSync(file, 'OPTIONS sip:srs@198.51.100.20 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nCall-ID: lf-1\nCSeq: 1 OPTIONS\n\n');
    const r = await inspect(file);
    expect(r.code).toBe(0);
    expect(r.json.warnings).toEqual(['message uses bare LF line ends; read as CRLF']);
  });
  it('enforces sip.allowedSources only when --source is given', async () => {
    const r = await inspect('test/fixtures/siprec/18-audiocodes-mediant-siprec.sip', '--source', '203.0.113.30');
    expect(r.code).toBe(1);
    expect(r.json.response.status).toBe(403);
    expect(r.json.sourceAddress).toBe('203.0.113.30');
  });

  it('refuses a --source that is not an IP address as a usage error (exit 2), not as a 403', async () => {
    const r = await inspect('test/fixtures/siprec/18-audiocodes-mediant-siprec.sip', '--source', 'not-an-ip');
    expect(r.code).toBe(2);
    expect(r.json).toEqual({});
    expect(r.stderr).toContain('--source needs an IPv4 or IPv6 address, got "not-an-ip"');
    const v6 = await inspect('test/fixtures/siprec/18-audiocodes-mediant-siprec.sip', '--source', '2001:db8::30');
    expect(v6.code).toBe(1);
    expect(v6.json.response.status).toBe(403);
    expect(v6.json.sourceAddress).toBe('2001:db8::30');
  });


  it('exits 2 on a file that cannot be read and 1 on a file that is not a SIP request', async () => {
    const missing = await inspect('test/fixtures/siprec/no-such-file.sip');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read test/fixtures/siprec/no-such-file.sip');
    const dir = mkdtempSync(join(tmpdir(), 'modsvar-inspect-'));
    writeFileSync(join(dir, 'junk.sip'), 'hello');
    const junk = await inspect(join(dir, 'junk.sip'));
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain('not a SIP message');
  });
});
