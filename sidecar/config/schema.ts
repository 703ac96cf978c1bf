import { z } from 'zod';
import { apiSchema } from './schema-api.js';
import { asrSchema } from './schema-asr.js';
import { crmSchema } from './schema-crm.js';
import { detectionSchema } from './schema-detection.js';
import { drachtioSchema } from './schema-drachtio.js';
import { embedderSchema } from './schema-embedder.js';
import { kbSchema } from './schema-kb.js';
import { llmSchema } from './schema-llm.js';
import { logSchema } from './schema-log.js';
import { mediaSchema } from './schema-media.js';
import { sipSchema } from './schema-sip.js';

/**
 * The configuration schema. `config/modsvar.yaml` documents every key; environment variables override
 * it (see `load-config.ts`). Each section is a zod object with documented defaults in its own
 * `schema-<section>.ts` beside this file, so an empty file is a valid configuration for a local trial.
 */

export { apiOidcSchema, apiSchema, apiTokenSchema, type ApiConfig, type ApiTokenConfig } from './schema-api.js';
export { asrSchema, asrVadSchema, type AsrConfig } from './schema-asr.js';
export { asrDeepgramSchema } from './schema-asr-deepgram.js';
export { asrSherpaOnnxSchema, asrSherpaSegmentedSchema } from './schema-asr-sherpa-onnx.js';
export { crmSchema, type CrmConfig } from './schema-crm.js';
export { detectionSchema, type DetectionConfig } from './schema-detection.js';
export { drachtioSchema } from './schema-drachtio.js';
export { embedderSchema, type EmbedderConfig } from './schema-embedder.js';
export { kbSchema, type KbConfig } from './schema-kb.js';
export { llmSchema, type LlmConfig } from './schema-llm.js';
export { logSchema } from './schema-log.js';
export { mediaSchema, type MediaConfig } from './schema-media.js';
export { isAddressOrNetwork, roleRulesSchema, sipSchema, type RoleRulesConfig, type SipConfig } from './schema-sip.js';

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
