/**
 * `modsvar inspect` run as a process, the way an operator runs it: JSON on stdout, exit status.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function inspect(...args: string[]): Promise<{ code: number; json: Record<string, any> | undefined; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'sidecar/bin/modsvar.ts', 'inspect', ...args], { cwd: ROOT, env: { ...process.env, MODSVAR_CONFIG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      let json: Record<string, any> | undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, json, stderr });
    });
  });
}

describe.concurrent('modsvar inspect', () => {
  it('prints the 200 answer and the session of the Sonus INVITE and exits 0', async () => {
    const r = await inspect('test/fixtures/siprec/20-sonus-sbc-tns-prefix.sip');
    expect(r.code).toBe(0);
    expect(r.json!.method).toBe('INVITE');
    expect(r.json!.response.status).toBe(200);
    expect(r.json!.response.reason).toBe('OK');
    expect(r.json!.response.sdp).toMatch(/^m=audio 40000 RTP\/AVP 0\r\n/m);
    expect(r.json!.session.callId).toBe('0a5a5f62-a606-1235-d6a2-5254003a4988');
    expect(r.json!.session.metadataNamespace).toBe('urn:ietf:params:xml:ns:recording');
    expect(r.json!.session.hold).toBe(false);
    expect(r.json!.session.participants.map((p: any) => [p.id, p.aor, p.name, p.role])).toEqual([
      ['ZjExNDNiMDItNjk1MS0xMA==', '2125550172@172.16.198.55', '2125550172', 'customer'],
      ['ZjExNDNiMDMtNjk1MS0xMA==', '2125550173@172.16.195.72', undefined, 'agent'],
    ]);
    expect(r.json!.session.streams.map((s: any) => [s.label, s.participantId, s.role, s.direction, s.codec, s.offeredCodecs, s.localPort])).toEqual([
      ['1', 'ZjExNDNiMDMtNjk1MS0xMA==', 'agent', 'sendonly', 'PCMU', ['PCMU/8000'], 40000],
      ['2', 'ZjExNDNiMDItNjk1MS0xMA==', 'customer', 'sendonly', 'PCMU', ['PCMU/8000'], 40002],
    ]);
    expect(r.json!.warnings).toEqual([]);
  });

  it('prints a 488 for an undecodable offer and exits 1', async () => {
    const r = await inspect('test/fixtures/siprec/extra/g729-opus-only.sip');
    expect(r.code).toBe(1);
    expect(r.json!.response.status).toBe(488);
    expect(r.json!.response.headers.Warning).toMatch(/^399 \S+ "no offered audio codec is supported/);
  });

  it('prints the pause re-INVITE as a hold change against the session given with --session', async () => {
    const r = await inspect('test/fixtures/siprec/14-broadworks-pause-reinvite-c0000.sip', '--session', 'test/fixtures/siprec/12-broadworks-webex-calling-metadata-first.sip');
    expect(r.code).toBe(0);
    expect(r.json!.change).toEqual({ type: 'hold', labels: ['1'], all: true });
    expect(r.json!.session.hold).toBe(true);
    expect(r.json!.session.callId).toBe('45a32b36-2a6a-4ec1-9cf3-47824099fcd4');
    expect(r.json!.session.streams[0].localPort).toBe(40000);
    expect(r.json!.priorSession).toBe('from --session');
  });

  it('exits 2 with usage on an unknown option', async () => {
    const r = await inspect('x.sip', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
    expect(r.stderr).toContain('usage: modsvar inspect FILE.sip');
  });
});
