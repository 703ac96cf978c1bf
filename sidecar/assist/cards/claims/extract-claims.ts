import type { Claim, ClaimExtractionOptions } from './claim-types.js';
import { extractDateClaims } from './date-claims.js';
import { extractLocationClaims } from './location-claims.js';
import { extractNameClaims } from './name-claims.js';
import { extractNumericClaims } from './numeric-claims.js';
import { extractStandardClaims, type StandardHit } from './standard-claims.js';
import { blankCitations } from '../citations.js';

export type ExtractedClaim = Exclude<Claim, { kind: 'standard' }> | StandardHit;

function blank(text: string, spans: Array<{ start: number; text: string }>): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + ' '.repeat(s.text.length) + out.slice(s.start + s.text.length);
  return out;
}

/**
 * Every specific claim in `text`, in text order. Extractors run from the most to the least specific and
 * each blanks the spans it took, so `ISO 27001:2022` is one standard (not the numbers 27001 and 2022),
 * `1. juli 2024` one date and `Frankfurt` one location. Citations (`[F-123]`, `(F-115)`) are ignored.
 */
export function extractClaims(text: string, options: ClaimExtractionOptions): ExtractedClaim[] {
  let work = blankCitations(text);
  const standards = extractStandardClaims(work);
  work = blank(work, standards);
  const dates = extractDateClaims(work);
  work = blank(work, dates);
  const locations = extractLocationClaims(work);
  work = blank(work, locations);
  const names = extractNameClaims(work, {
    language: options.language,
    competitors: options.competitors,
    names: options.names,
    properNouns: options.properNouns,
    knownNames: options.knownNames,
  });
  work = blank(work, names);
  const numeric = extractNumericClaims(work, options.language);
  return [...standards, ...dates, ...locations, ...names, ...numeric].sort((a, b) => a.start - b.start);
}
