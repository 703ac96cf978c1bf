import { z } from 'zod';

/**
 * The configuration schema. `config/modsvar.yaml` documents every key; environment variables override
 * it (see {@link ../config/load-config.ts}). Each section lives next to the code that reads it, as a
 * zod object with defaults, so an empty file is a valid configuration for a local trial.
 */

const portNumber = z.number().int().min(1).max(65535);

/** An IPv4/IPv6 address or a CIDR network, e.g. `192.0.2.10`, `198.51.100.0/24`, `2001:db8::/32`. */
const addressOrNetwork = z.string().min(1);

/** drachtio-server control connection (the drachtio wire protocol over TCP). */
export const drachtioSchema = z.object({
  /** drachtio-server host name or address. */
  host: z.string().min(1).default('127.0.0.1'),
  /** drachtio-server admin port (drachtio's default is 9022). */
  port: portNumber.default(9022),
  /** Shared secret; set it with MODSVAR_DRACHTIO__SECRET, never in the file. */
  secret: z.string().default('cymru'),
  /** Reconnect backoff: first delay in ms. */
  reconnectInitialMs: z.number().int().min(10).default(500),
  /** Reconnect backoff: largest delay in ms. */
  reconnectMaxMs: z.number().int().min(100).default(30_000),
  /** Deadline in ms for any SIP transaction we start through drachtio (srf has no timeouts of its own). */
  transactionTimeoutMs: z.number().int().min(100).default(10_000),
}).strict().prefault({});

/** Rules that decide whether a participant is the agent or the customer. */
export const roleRulesSchema = z.object({
  /** Domains (host part of the AoR) that belong to the company: participants there are agents. */
  internalDomains: z.array(z.string().min(1)).default([]),
  /**
   * Regular expressions matched against the AoR's user part (extension or number); a match makes the
   * participant an agent. Default: 2–6 digit internal extensions.
   */
  agentExtensionPatterns: z.array(z.string().min(1)).default(['^\\d{2,6}$']),
  /** Regular expressions that force a participant to be the customer (e.g. E.164 numbers). */
  customerPatterns: z.array(z.string().min(1)).default([]),
  /**
   * When no rule matches: `direction` uses the recorded call's direction where the metadata gives one,
   * otherwise the first participant is the customer and the second the agent (SRCs list the caller
   * first, and inbound sales calls are the common case); `unknown` leaves the role unknown.
   */
  fallback: z.enum(['direction', 'unknown']).default('direction'),
}).strict().prefault({});

/** SIPREC recording server (RFC 7866) settings. */
export const sipSchema = z.object({
  /**
   * Recording clients allowed to open sessions: addresses or CIDR networks. An INVITE from any other
   * source gets 403. Empty means loopback only.
   */
  allowedSources: z.array(addressOrNetwork).default(['127.0.0.0/8', '::1/128']),
  /** Most recording sessions at once; the next INVITE gets 503 with Retry-After. */
  maxCalls: z.number().int().min(1).default(200),
  /** Address written into the answer's c= line; the address SRCs send RTP to. */
  mediaAddress: z.string().min(1).default('127.0.0.1'),
  /** Local address the RTP sockets bind to. */
  rtpBindAddress: z.string().min(1).default('0.0.0.0'),
  /** RTP port range (inclusive). Each stream takes one even port; RTCP is not used. */
  rtpPortMin: portNumber.default(40000),
  rtpPortMax: portNumber.default(40999),
  /** Codecs we accept, in order of preference (payload names, RFC 3551). */
  codecs: z.array(z.enum(['PCMU', 'PCMA'])).min(1).default(['PCMU', 'PCMA']),
  /** Role rules (agent/customer). */
  roles: roleRulesSchema,
}).strict().prefault({}).refine((s) => s.rtpPortMin < s.rtpPortMax, {
  message: 'rtpPortMin must be below rtpPortMax',
  path: ['rtpPortMin'],
});

/** Media pipeline settings. */
export const mediaSchema = z.object({
  /** Jitter buffer depth in ms: how long a missing packet is awaited before it is concealed. */
  jitterBufferMs: z.number().int().min(0).max(500).default(60),
  /** Resampler quality 0–10 (speex); 5 keeps the passband flat to 3.4 kHz. */
  resamplerQuality: z.number().int().min(0).max(10).default(5),
  /** Debug recording: write each stream of a call to a WAV file. Off by default. */
  debugRecording: z.object({
    enabled: z.boolean().default(false),
    /** Folder for the WAV files. */
    dir: z.string().default('.modsvar/recordings'),
    /** Files older than this many hours are deleted (checked at start-up and hourly). */
    retentionHours: z.number().positive().default(24),
  }).strict().prefault({}),
}).strict().prefault({});

/** Logging. */
export const logSchema = z.object({
  /** pino level. */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Force pretty output (default: pretty when stdout is a terminal). */
  pretty: z.boolean().optional(),
}).strict().prefault({});

/** The whole configuration. */
export const configSchema = z.object({
  drachtio: drachtioSchema,
  sip: sipSchema,
  media: mediaSchema,
  log: logSchema,
}).strict();

/** Validated configuration, all defaults applied. */
export type ModsvarConfig = z.infer<typeof configSchema>;
export type RoleRulesConfig = z.infer<typeof roleRulesSchema>;
export type SipConfig = z.infer<typeof sipSchema>;
export type MediaConfig = z.infer<typeof mediaSchema>;
