import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfigPath, envNameToPath, loadConfig, pathToEnvName } from '../../../../sidecar/config/load-config.js';

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'modsvar-config-'));
  const file = join(dir, 'modsvar.yaml');
  writeFileSync(file, text);
  return file;
}

function expectConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('validates the shipped, documented config file with its defaults', () => {
    const { config, file } = loadConfig({ file: defaultConfigPath(), env: {} });
    expect(file).toBe(defaultConfigPath());
    expect(config.sip.maxCalls).toBe(200);
    expect(config.sip.codecs).toEqual(['PCMU', 'PCMA']);
    expect(config.drachtio.port).toBe(9022);
    expect(config.media.debugRecording.enabled).toBe(false);
  });

  it('applies MODSVAR_ environment overrides on top of the file, parsing JSON values', () => {
    const file = tempFile('sip:\n  maxCalls: 10\n');
    const { config, envApplied } = loadConfig({
      file,
      env: {
        MODSVAR_SIP__MAX_CALLS: '50',
        MODSVAR_SIP__ALLOWED_SOURCES: '["10.1.0.0/16"]',
        MODSVAR_DRACHTIO__SECRET: 's3cret',
        MODSVAR_MEDIA__DEBUG_RECORDING__ENABLED: 'true',
        MODSVAR_UNRELATED: 'x',
      },
    });
    expect(config.sip.maxCalls).toBe(50);
    expect(config.sip.allowedSources).toEqual(['10.1.0.0/16']);
    expect(config.drachtio.secret).toBe('s3cret');
    expect(config.media.debugRecording.enabled).toBe(true);
    expect(envApplied).toEqual([
      'MODSVAR_DRACHTIO__SECRET',
      'MODSVAR_MEDIA__DEBUG_RECORDING__ENABLED',
      'MODSVAR_SIP__ALLOWED_SOURCES',
      'MODSVAR_SIP__MAX_CALLS',
    ]);
  });

  it('stops with a message naming the key and the file for an invalid value', () => {
    const file = tempFile('sip:\n  maxCalls: lots\n');
    const err = expectConfigError(() => loadConfig({ file, env: {} }));
    expect(err.key).toBe('sip.maxCalls');
    expect(err.message).toContain('sip.maxCalls');
    expect(err.message).toContain(file);
  });

  it('names the environment variable when the bad value came from it', () => {
    const err = expectConfigError(() => loadConfig({ file: tempFile(''), env: { MODSVAR_DRACHTIO__PORT: '99999' } }));
    expect(err.key).toBe('drachtio.port');
    expect(err.message).toContain('MODSVAR_DRACHTIO__PORT');
  });

  it('rejects unknown keys, so a typo does not silently fall back to a default', () => {
    const err = expectConfigError(() => loadConfig({ file: tempFile('sip:\n  maxCall: 5\n'), env: {} }));
    expect(err.key).toBe('sip.maxCall');
  });

  it('rejects a port range whose minimum is not below its maximum', () => {
    const err = expectConfigError(() => loadConfig({ file: tempFile('sip:\n  rtpPortMin: 5000\n  rtpPortMax: 4000\n'), env: {} }));
    expect(err.key).toBe('sip.rtpPortMin');
  });

  it('reports a file that is not YAML, and a missing explicit file, by path', () => {
    const bad = tempFile('sip: [unclosed\n');
    expect(expectConfigError(() => loadConfig({ file: bad, env: {} })).message).toContain(bad);
    expect(expectConfigError(() => loadConfig({ file: '/nonexistent/modsvar.yaml', env: {} })).message).toContain('/nonexistent/modsvar.yaml');
  });
});

describe('where a bad value came from', () => {
  it('names the environment variable for an unknown key it introduced, not the file', () => {
    const err = expectConfigError(() => loadConfig({ file: tempFile(''), env: { MODSVAR_SIP__MAX_CALL: '5' } }));
    expect(err.key).toBe('sip.maxCall');
    expect(err.message).toContain('environment variable MODSVAR_SIP__MAX_CALL');
    const section = expectConfigError(() => loadConfig({ file: tempFile(''), env: { MODSVAR_SIPP__MAX_CALLS: '3' } }));
    expect(section.key).toBe('sipp');
    expect(section.message).toContain('environment variable MODSVAR_SIPP__MAX_CALLS');
  });

  it('names the environment variable for a bad list element it set', () => {
    const err = expectConfigError(() => loadConfig({ file: tempFile(''), env: { MODSVAR_SIP__CODECS: '["G729"]' } }));
    expect(err.key).toBe('sip.codecs.0');
    expect(err.message).toContain('environment variable MODSVAR_SIP__CODECS');
  });

  it('refuses allowed SIP sources that are not addresses or CIDR networks', () => {
    for (const bad of ['999.1.1.1/40', 'example.com', '10.0.0.0/33', '2001:db8::/129', '10.0.0.1/8/2']) {
      const err = expectConfigError(() => loadConfig({ file: tempFile(''), env: { MODSVAR_SIP__ALLOWED_SOURCES: JSON.stringify([bad]) } }));
      expect(err.key).toBe('sip.allowedSources.0');
    }
    const ok = loadConfig({ file: tempFile(''), env: { MODSVAR_SIP__ALLOWED_SOURCES: '["192.0.2.7","198.51.100.0/24","2001:db8::/32","::1"]' } });
    expect(ok.config.sip.allowedSources).toHaveLength(4);
  });
});

describe('environment variable names', () => {
  it('map SNAKE_CASE levels separated by __ to camelCase paths and back', () => {
    expect(envNameToPath('MODSVAR_SIP__RTP_PORT_MIN')).toEqual(['sip', 'rtpPortMin']);
    expect(envNameToPath('MODSVAR_MEDIA__DEBUG_RECORDING__RETENTION_HOURS')).toEqual(['media', 'debugRecording', 'retentionHours']);
    expect(pathToEnvName(['media', 'debugRecording', 'retentionHours'])).toBe('MODSVAR_MEDIA__DEBUG_RECORDING__RETENTION_HOURS');
  });
});
