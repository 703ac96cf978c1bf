import { z } from 'zod';

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

export type CrmConfig = z.infer<typeof crmSchema>;
