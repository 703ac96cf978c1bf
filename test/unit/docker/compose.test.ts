/**
 * docker/compose.yaml, docker/Dockerfile and docker/drachtio.conf.xml cannot be run here (no Docker):
 * these tests keep them consistent with the sidecar's configuration by reading them. Compose variables
 * (`${VAR:-default}`, `${VAR:?message}`) are interpolated as Docker Compose does, with a sample `.env`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfigPath, envNameToPath, loadConfig, packageRoot } from '../../../sidecar/config/load-config.js';

const dockerDir = join(packageRoot(), 'docker');
const compose = parseYaml(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8')) as {
  services: Record<string, { image?: string; environment?: Record<string, string>; ports?: string[]; volumes?: string[]; command?: string[]; entrypoint?: string[] }>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
const drachtioConf = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false })
  .parse(readFileSync(join(dockerDir, 'drachtio.conf.xml'), 'utf8')) as {
    drachtio: { admin: { '@port': string; '#text': string }; sip: { contacts: { contact: string | string[] } } };
  };

/** A filled-in docker/.env, as a user would write it from docker/env.example. */
const sampleDotEnv: Record<string, string> = {
  PUBLIC_IP: '192.0.2.10',
  DRACHTIO_SECRET: 'b7f1c0e2a9d84c6f0e3a5b7c9d1e2f30',
  SBC_ADDRESSES: '["192.0.2.20/32"]',
  MODSVAR_API_TOKENS: '[{"token":"0123456789abcdef0123","role":"agent","aors":["1001"]},{"token":"fedcba9876543210fedc","role":"ingest"}]',
  DEEPGRAM_API_KEY: 'dg-sample-key',
};

/** Docker Compose interpolation: `$$` → `$`, `${V}`, `${V:-default}`, `${V-default}`, `${V:?err}` (throws when unset). */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}/g, (m, name: string, dash, def: string, q, err: string) => {
    if (m === '$$') return '$';
    const v = env[name];
    if (dash) return (dash === ':-' ? v : v ?? undefined) || (v === '' && dash === '-' ? '' : def);
    if (q && (v === undefined || (q === ':?' && v === ''))) throw new Error(`compose: ${name} is required: ${err}`);
    return v ?? '';
  });
}

/** The compose variables a value refers to (`${NAME...}`). */
const variablesIn = (value: string): string[] => [...value.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]);

function serviceEnv(service: string, env = sampleDotEnv): Record<string, string> {
  const raw = compose.services[service].environment ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), env)]));
}

/** `ENV A=1 \ B=2` lines of the Dockerfile. */
function dockerfileEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  const joined = dockerfile.replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1].trim().split(/\s+/)) {
      const [k, v] = pair.split('=');
      out[k] = v;
    }
  }
  return out;
}

/** Parses a compose port entry `"40000-40999:40000-40999/udp"` → host/container ranges and protocol. */
function parsePort(entry: string) {
  const [mapping, protocol = 'tcp'] = entry.split('/');
  const parts = mapping.split(':');
  const range = (s: string) => { const [a, b] = s.split('-').map(Number); return { min: a, max: b ?? a }; };
  return { host: range(parts[parts.length - 2]), container: range(parts[parts.length - 1]), protocol };
}

function valueAt(config: unknown, path: string[]): unknown {
  let node: unknown = config;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in (node as object))) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const modsvarEnv = { ...dockerfileEnv(), ...serviceEnv('modsvar') };
const loaded = loadConfig({ file: defaultConfigPath(), env: modsvarEnv });
const config = loaded.config;

describe('docker/compose.yaml against the sidecar configuration', () => {
  it('uses only MODSVAR_* names that are configuration keys, each applied with a valid value', () => {
    const names = Object.keys(modsvarEnv).filter((n) => n.startsWith('MODSVAR_'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const path = envNameToPath(name);
      expect(path.length, `${name} has no section`).toBeGreaterThanOrEqual(2);
      expect(valueAt(config, path), `${name} → ${path.join('.')} is not a config key`).not.toBeUndefined();
      expect(loaded.envApplied).toContain(name);
    }
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.llm.provider).toBe('ollama');
    expect(config.api.tokens.map((t) => t.role)).toEqual(['agent', 'ingest']);
  });

  it('publishes exactly the configured RTP port range over UDP, host and container ports alike', () => {
    const rtp = (compose.services.modsvar.ports ?? []).map(parsePort).filter((p) => p.protocol === 'udp');
    expect(rtp).toHaveLength(1);
    expect(rtp[0].container).toEqual({ min: config.sip.rtpPortMin, max: config.sip.rtpPortMax });
    expect(rtp[0].host).toEqual(rtp[0].container);
    // The schema's defaults are what a deployment without overrides uses: the same range.
    const defaults = loadConfig({ file: defaultConfigPath(), env: {} }).config.sip;
    expect([defaults.rtpPortMin, defaults.rtpPortMax]).toEqual([config.sip.rtpPortMin, config.sip.rtpPortMax]);
    expect(dockerfile).toMatch(new RegExp(`EXPOSE .*\\b${config.sip.rtpPortMin}-${config.sip.rtpPortMax}/udp`));
  });

  it('publishes the API port the sidecar listens on, and the image exposes it', () => {
    const tcp = (compose.services.modsvar.ports ?? []).map(parsePort).filter((p) => p.protocol === 'tcp');
    expect(tcp.map((p) => p.container.min)).toEqual([config.api.port]);
    expect(dockerfile).toMatch(new RegExp(`EXPOSE ${config.api.port}/tcp`));
  });

  it('connects the sidecar to the drachtio service on the admin port its configuration file opens', () => {
    expect(Object.keys(compose.services)).toContain(config.drachtio.host);
    expect(Number(drachtioConf.drachtio.admin['@port'])).toBe(config.drachtio.port);
    expect(Number(serviceEnv('drachtio').DRACHTIO_ADMIN_TCP_PORT)).toBe(config.drachtio.port);
    // The admin port is never published to the host.
    const published = (compose.services.drachtio.ports ?? []).map(parsePort).map((p) => p.container.min);
    expect(published).not.toContain(config.drachtio.port);
  });

  it('gives drachtio-server and the sidecar the same secret, from one required variable', () => {
    const drachtioRaw = compose.services.drachtio.environment!.DRACHTIO_SECRET;
    const sidecarRaw = compose.services.modsvar.environment!.MODSVAR_DRACHTIO__SECRET;
    expect(variablesIn(drachtioRaw)).toEqual(['DRACHTIO_SECRET']);
    expect(variablesIn(sidecarRaw)).toEqual(['DRACHTIO_SECRET']);
    expect(config.drachtio.secret).toBe(sampleDotEnv.DRACHTIO_SECRET);
    expect(serviceEnv('drachtio').DRACHTIO_SECRET).toBe(sampleDotEnv.DRACHTIO_SECRET);
    const { DRACHTIO_SECRET: _unset, ...withoutSecret } = sampleDotEnv;
    expect(() => serviceEnv('modsvar', withoutSecret)).toThrow(/DRACHTIO_SECRET is required/);
  });

  it('opens SIP on 5060 over UDP and TCP, in drachtio\'s configuration and on the host', () => {
    const contacts = [drachtioConf.drachtio.sip.contacts.contact].flat();
    expect(contacts).toEqual(['sip:*:5060;transport=udp,tcp']);
    const ports = (compose.services.drachtio.ports ?? []).map(parsePort);
    expect(ports.map((p) => `${p.container.min}/${p.protocol}`).sort()).toEqual(['5060/tcp', '5060/udp']);
    expect(compose.services.drachtio.command).toContain('/etc/drachtio.conf.xml');
    expect(compose.services.drachtio.volumes).toContain('./drachtio.conf.xml:/etc/drachtio.conf.xml:ro');
    expect(compose.services.drachtio.image).toMatch(/^drachtio\/drachtio-server:/);
  });

  it('mounts a declared volume at every folder the configuration keeps state in', () => {
    const mounts = new Map((compose.services.modsvar.volumes ?? []).map((v) => { const [src, dst] = v.split(':'); return [dst, src]; }));
    for (const dir of [config.kb.dir, config.kb.indexDir, config.asr.sherpaOnnx.modelsDir]) {
      expect(mounts.has(dir), `${dir} is not mounted`).toBe(true);
      expect(Object.keys(compose.volumes)).toContain(mounts.get(dir));
    }
    for (const dir of mounts.keys()) expect(dockerfile).toContain(`"${dir}"`);
  });

  it('points the sidecar at the Ollama service and pulls the same model on first start', () => {
    const host = new URL(config.llm.ollama.host);
    expect(compose.services[host.hostname]?.image).toMatch(/^ollama\/ollama:/);
    expect(host.port).toBe('11434');
    const pull = compose.services['ollama-pull'];
    expect(pull.image).toBe(compose.services.ollama.image);
    expect(pull.entrypoint?.join(' ')).toMatch(/ollama pull "\$\$MODEL"/);
    expect(serviceEnv('ollama-pull').MODEL).toBe(config.llm.ollama.model);
    expect(serviceEnv('ollama-pull').OLLAMA_HOST).toBe(config.llm.ollama.host);
  });

  it('builds a non-root image with a health check on /healthz that needs no token', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(config.api.probesRequireToken).toBe(false);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
  });
});
