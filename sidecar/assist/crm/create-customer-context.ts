import type { Logger } from 'pino';
import type { CrmConfig } from '../../config/schema.js';
import type { CustomerContext } from '../ports.js';
import { CsvJsonContext } from './csv-json-context.js';
import { HubSpotContext } from './hubspot-context.js';

/**
 * Chooses the CRM adapter from config `crm`: a CSV/JSON file (default), HubSpot, or none. A file that
 * cannot be read and a missing HubSpot token are reported once and give no adapter: the calls go on
 * without customer context.
 * @param env where the HubSpot token is read from (the variable named by `crm.hubspot.accessTokenEnv`).
 */
export async function createCustomerContext(config: CrmConfig, logger?: Logger, env: NodeJS.ProcessEnv = process.env): Promise<CustomerContext | undefined> {
  if (config.provider === 'none') return undefined;
  if (config.provider === 'file') {
    if (!config.file.path) return undefined;
    try {
      const ctx = await CsvJsonContext.load({ file: config.file.path, defaultCountry: config.defaultCountry });
      for (const s of ctx.skipped) logger?.warn({ file: config.file.path }, `customer file: ${s}`);
      return ctx;
    } catch (err) {
      logger?.error({ err }, 'customer file unavailable; calls run without customer context');
      return undefined;
    }
  }
  const token = env[config.hubspot.accessTokenEnv];
  if (!token) {
    logger?.error({ variable: config.hubspot.accessTokenEnv }, 'HubSpot token not set in the environment; calls run without customer context');
    return undefined;
  }
  return new HubSpotContext({
    accessToken: token,
    basePath: config.hubspot.basePath,
    defaultCountry: config.defaultCountry,
    ...(config.hubspot.currentVendorProperty ? { currentVendorProperty: config.hubspot.currentVendorProperty } : {}),
    extraProperties: config.hubspot.extraProperties,
    timeoutMs: config.timeoutMs,
  });
}
