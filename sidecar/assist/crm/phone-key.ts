import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Caller keys for CRM lookups. A SIPREC participant is known by its AoR (`sip:+4520123456@pbx.example`,
 * `tel:+49 40 123456`, `sip:20123456@10.0.0.1;user=phone`); the CRM stores numbers as people type them
 * (`+45 20 12 34 56`, `20123456`, `0049 40 123456`). Both sides are normalised to E.164 with
 * libphonenumber-js (https://gitlab.com/catamphetamine/libphonenumber-js), a national number being read
 * in the configured default country.
 */

/** The user part of a SIP/SIPS/TEL URI (or the input when it is not a URI), without parameters. */
export function aorUser(aor: string): string {
  const s = aor.trim().replace(/^<|>$/g, '');
  const m = /^(?:sips?|tel):([^@;?>]+)/i.exec(s);
  return decodeURIComponent(m ? m[1] : s.split('@')[0]);
}

/**
 * The E.164 form (`+4520123456`) of a phone number or AoR user part, or undefined when it is not a
 * plausible phone number (an extension like `2001`, a name).
 * @param defaultCountry ISO 3166 alpha-2 country used for national numbers, e.g. `DK`.
 */
export function toE164(raw: string, defaultCountry?: string): string | undefined {
  const cleaned = raw.trim().replace(/^00/, '+');
  if (!/\d{4,}/.test(cleaned.replace(/[\s().-]/g, ''))) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode | undefined);
  return parsed && parsed.isPossible() ? parsed.number : undefined;
}

/** The national significant number (`20123456` for `+4520123456`): what HubSpot's searchable phone properties hold. */
export function nationalNumber(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.nationalNumber;
}

/** The lookup key of a caller: a phone number (E.164) and/or the AoR, as the CustomerContext port takes it. */
export function callerKey(input: { phone?: string; aor?: string }, defaultCountry?: string): { phone?: string; aor?: string } {
  const phone = input.phone ? toE164(input.phone, defaultCountry) : input.aor ? toE164(aorUser(input.aor), defaultCountry) : undefined;
  return { ...(phone ? { phone } : {}), ...(input.aor ? { aor: input.aor.trim().toLowerCase() } : {}) };
}
