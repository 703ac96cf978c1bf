import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ModsvarError } from '../core/errors.js';
import { configSchema, type ModsvarConfig } from './schema.js';

/** Prefix of environment variables that override configuration keys. */
export const ENV_PREFIX = 'MODSVAR_';

/** The package root (the folder holding package.json), from this file's location in src or dist. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The documented configuration file shipped with the package. */
export function defaultConfigPath(): string {
  return resolve(packageRoot(), 'config', 'modsvar.yaml');
}

/** Thrown when configuration cannot be read or does not validate; `key` names the offending key. */
export class ConfigError extends ModsvarError {
  readonly key?: string;
  constructor(message: string, key?: string) {
    super('CONFIG_INVALID', message);
    this.key = key;
  }
}

/**
 * Turns `MODSVAR_SIP__MAX_CALLS=50` into the path `sip.maxCalls`: the prefix is removed, `__` separates
 * levels and each level's SNAKE_CASE becomes camelCase.
 */
export function envNameToPath(name: string): string[] {
  return name
    .slice(ENV_PREFIX.length)
    .split('__')
    .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
}

/** The environment variable that overrides a config path, e.g. `['sip','maxCalls']` → `MODSVAR_SIP__MAX_CALLS`. */
export function pathToEnvName(path: readonly (string | number)[]): string {
  return ENV_PREFIX + path.map((p) => String(p).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__');
}

/** Parses an environment value: JSON when it parses as JSON (numbers, booleans, arrays), else the raw string. */
function parseEnvValue(raw: string): unknown {
  const trimmed = raw.trim();
  if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Path of the YAML file. Default: `MODSVAR_CONFIG`, else `config/modsvar.yaml` in the package. */
  file?: string;
  /** Environment to read overrides from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Extra values applied last (CLI flags). */
  overrides?: Record<string, unknown>;
}

/** Result of {@link loadConfig}: the validated config and where it came from. */
export interface LoadedConfig {
  config: ModsvarConfig;
  /** File that was read, or undefined when none exists (defaults only). */
  file?: string;
  /** Environment variables that were applied (names only, values may be secret). */
  envApplied: string[];
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(extra)) {
    const cur = base[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      base[k] = v;
    }
  }
  return base;
}

/**
 * Reads the YAML file, applies `MODSVAR_*` environment overrides and validates the result.
 *
 * @throws ConfigError naming the key (`sip.maxCalls`) and its source (file or environment variable)
 *   when the file is unreadable, is not YAML, or a value fails validation.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.MODSVAR_CONFIG;
  const file = explicit ?? defaultConfigPath();
  let raw: Record<string, unknown> = {};
  let fileRead: string | undefined;
  if (explicit || existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text) ?? {};
    } catch (err) {
      throw new ConfigError(`config: ${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(`config: ${file} must hold a mapping of sections`);
    }
    raw = parsed as Record<string, unknown>;
    fileRead = file;
  }

  const envApplied: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || name === 'MODSVAR_CONFIG') continue;
    const value = env[name];
    if (value === undefined) continue;
    const path = envNameToPath(name);
    if (path.length < 2) continue; // MODSVAR_FOO (no `__`) is not a config key: left for tools and tests
    setPath(raw, path, parseEnvValue(value));
    envApplied.push(name);
  }
  if (options.overrides) deepMerge(raw, options.overrides);

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.map(String);
    const detail = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      const full = keys.map((k) => [...path, k]);
      const names = full.map((f) => f.join('.'));
      throw new ConfigError(`config: unknown key ${names.join(', ')} (from ${sourceOf(full[0], envApplied, fileRead)})`, names[0]);
    }
    const key = path.join('.') || '(root)';
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    throw new ConfigError(`config: invalid value for ${key}: ${detail} (from ${sourceOf(path, envApplied, fileRead)})${more}`, key);
  }
  return { config: result.data, file: fileRead, envApplied };
}

/**
 * Where a config path's value came from: the environment variable that set it or one of its parents
 * (`MODSVAR_SIP__CODECS` for `sip.codecs.0`) or children, else the file, else the defaults.
 */
function sourceOf(path: string[], envApplied: string[], file: string | undefined): string {
  const within = (a: string[], b: string[]) => a.every((part, i) => b[i] === part);
  const name = envApplied.find((n) => {
    const envPath = envNameToPath(n);
    return within(envPath, path) || within(path, envPath);
  });
  if (name) return `environment variable ${name}`;
  return file ?? 'defaults';
}
