/**
 * The specific claims the grounding guard checks in a drafted reply (DESIGN.md "Grounding"): every number,
 * amount, percentage, date, duration, certification or standard, location and named competitor or product
 * in a sentence must also appear in a fact that the sentence cites.
 *
 * Claims are normalised so both sides compare by meaning, not spelling: `1.234,50 kr.` and `1,234.50 DKK`
 * are the same amount; `fourteen days`, `14 dage` and `two weeks` the same duration; `ISO/IEC 27001:2022`
 * and `ISO 27001` the same standard; `Dänemark` and `Denmark` the same country.
 */

/** Currency codes (ISO 4217) the extractor recognises. */
export type CurrencyCode = 'DKK' | 'EUR' | 'USD' | 'GBP' | 'SEK' | 'NOK' | 'CHF';

/** Duration units; `businessDay` (working day, arbejdsdag, Werktag) is kept apart from calendar days. */
export type DurationUnit = 'minute' | 'hour' | 'day' | 'businessDay' | 'week' | 'month' | 'year';

/** Fields common to every claim: the exact text span it came from (for reports and the removed list). */
interface ClaimBase {
  /** The text the claim was read from, as written. */
  text: string;
  /** Offset of `text` in the analysed string, in UTF-16 code units. */
  start: number;
}

/**
 * A bound before a number: `min` ("more than", "at least", "from", "mindst", "über", "ab"), `max` ("up to",
 * "at most", "less than", "højst", "op til", "bis zu", "unter"). A bounded claim needs a fact with the same
 * bound: "more than 5%" is not supported by "up to 5%".
 */
export type Bound = 'min' | 'max';

/** A bare number (count, year, time of day in hours, version). */
export interface NumberClaim extends ClaimBase { kind: 'number'; value: number; bound?: Bound }
/** An amount of money; `currency` is unset when the text names none. */
export interface MoneyClaim extends ClaimBase { kind: 'money'; value: number; currency?: CurrencyCode; bound?: Bound }
/** A percentage (also "percentage points", procent, Prozent). `value` is in percent: 7 % → 7. */
export interface PercentClaim extends ClaimBase { kind: 'percent'; value: number; bound?: Bound }
/** A duration: value and unit (`4–6 weeks` gives two claims, 4 and 6 weeks). */
export interface DurationClaim extends ClaimBase { kind: 'duration'; value: number; unit: DurationUnit; bound?: Bound }
/** A calendar date or part of one; only the fields the text states are set. `month` is 1–12. */
export interface DateClaim extends ClaimBase {
  kind: 'date';
  year?: number;
  month?: number;
  day?: number;
  quarter?: number;
  /** ISO weekday 1 (Monday) – 7 (Sunday). */
  weekday?: number;
}
/** A certification, attestation, standard, regulation, legal reference or security feature, e.g. `ISO27001`, `SOC2-TYPE2`, `GDPR-ART28`, `SSO`. */
export interface StandardClaim extends ClaimBase { kind: 'standard'; key: string }
/** A country, region or city, normalised to a key such as `DK`, `DE`, `EU`, `city:frankfurt`. */
export interface LocationClaim extends ClaimBase { kind: 'location'; key: string }
/** A named competitor, third-party product or other proper name; `key` is lower case without spaces. */
export interface NameClaim extends ClaimBase { kind: 'name'; key: string; competitor: boolean }

export type Claim =
  | NumberClaim
  | MoneyClaim
  | PercentClaim
  | DurationClaim
  | DateClaim
  | StandardClaim
  | LocationClaim
  | NameClaim;

export type ClaimKind = Claim['kind'];

/** Options for claim extraction. */
export interface ClaimExtractionOptions {
  /** Language of the text (`da`, `de`, `en`); decides decimal separators and words like Danish "time" (hour). */
  language: string;
  /** Competitor names (any spelling; `ShiftNest` also matches "shift nest"). */
  competitors?: readonly string[];
  /** Other names to treat as claims wherever they appear (third-party products, plan names). */
  names?: readonly string[];
  /**
   * Also treat capitalised words in the middle of a sentence as name claims (en/da only, where common
   * nouns are not capitalised). Default true.
   */
  properNouns?: boolean;
  /**
   * Name keys the facts use as names (see nameKey): such a word is a name claim anywhere, also as the
   * first word of a sentence and in German.
   */
  knownNames?: ReadonlySet<string>;
}
