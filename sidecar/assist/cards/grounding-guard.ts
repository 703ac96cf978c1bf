import type { Fact } from '../ports.js';
import type { ClaimExtractionOptions } from './claims/claim-types.js';
import { extractClaims, type ExtractedClaim } from './claims/extract-claims.js';
import { buildFactEvidence, factSupports, hasNameKey, isFuture, isNegated, valueAttributed, wordKeys, type FactEvidence } from './claims/fact-evidence.js';
import { splitSentences, type ReplySentence } from './sentence-split.js';

/**
 * The grounding guard (DESIGN.md "Grounding"): checks a drafted reply sentence by sentence against the
 * facts that were in the prompt. A sentence is removed when
 * - it cites a fact id that was not in the prompt (`INVALID_CITATION`),
 * - it makes a specific claim (number, amount, percentage, date, duration, certification/standard,
 *   location, named competitor/product) and cites nothing (`UNCITED_CLAIM`),
 * - a claim does not appear in any fact the sentence cites (`UNSUPPORTED_CLAIM`), or
 * - a certification, location or name appears in the cited facts only with the opposite polarity, e.g.
 *   "we are SOC 2 certified [F-310]" where F-310 says "No SOC 2 report", or "we don't have SOC 2 yet"
 *   (a denial that announces it as coming) against the same fact (`POLARITY`).
 * - a value is stated in the cited facts only about something else than the sentence names, e.g.
 *   "Basis costs 59 DKK [F-102]" where F-102 gives 59 DKK for Plus (`MISATTRIBUTED`).
 * Sentences with no specific claim (a question, an acknowledgement) pass with or without citations.
 * Claims on both sides are normalised before comparison (see claims/claim-types.ts).
 */

/** Why a sentence was removed. */
export type RemovalReason =
  | { code: 'INVALID_CITATION'; ids: string[] }
  | { code: 'UNCITED_CLAIM'; claim: ExtractedClaim }
  | { code: 'UNSUPPORTED_CLAIM'; claim: ExtractedClaim }
  | { code: 'POLARITY'; claim: ExtractedClaim }
  | { code: 'MISATTRIBUTED'; claim: ExtractedClaim };

/** A sentence the guard removed and why. */
export interface RemovedSentence {
  text: string;
  reasons: RemovalReason[];
}

/** The guard's verdict on one sentence. */
export interface SentenceVerdict {
  sentence: ReplySentence;
  ok: boolean;
  claims: ExtractedClaim[];
  reasons: RemovalReason[];
}

/** The guard's verdict on a whole reply. */
export interface GuardResult {
  /** The kept sentences joined with single spaces (citations kept). */
  text: string;
  kept: SentenceVerdict[];
  removed: RemovedSentence[];
  /** Valid fact ids cited by kept sentences, in order of first citation. */
  cited: string[];
  /** Cited ids that were not in the prompt (from every sentence, kept or not). */
  invalidCitations: string[];
  /** Number of specific claims in kept sentences (all supported). */
  supportedClaims: number;
}

/** Options for {@link GroundingGuard}. */
export interface GroundingGuardOptions {
  /** The reply's language (`da`, `de`, `en`). */
  language: string;
  /** Competitor names (from the playbook and knowledge-base tags). */
  competitors?: readonly string[];
  /** Other names that are claims wherever they appear (third-party products, plan names). */
  names?: readonly string[];
  /**
   * Names that are never claims: the selling company's own name, the caller's company and contact
   * (from the CRM context). Competitors stay claims even when listed here.
   */
  allowedNames?: readonly string[];
  /** Treat capitalised mid-sentence words as names (en/da). Default true. */
  properNouns?: boolean;
}

/**
 * Checks replies against the facts of one prompt. Create one per draft: fact evidence is computed once
 * per fact and reused for every sentence.
 *
 * @example
 * const guard = new GroundingGuard(promptFacts, { language: 'en', competitors: ['ShiftNest'] });
 * const { text, removed } = guard.check(draft);
 */
export class GroundingGuard {
  readonly #facts = new Map<string, Fact>();
  readonly #evidence = new Map<string, FactEvidence>();
  readonly #options: GroundingGuardOptions;
  #claimOptions: ClaimExtractionOptions;
  readonly #allowed: Set<string>;
  #knownNamesReady = false;

  constructor(facts: readonly Fact[], options: GroundingGuardOptions) {
    for (const f of facts) this.#facts.set(f.id, f);
    this.#options = options;
    this.#claimOptions = {
      language: options.language,
      competitors: options.competitors,
      names: options.names,
      properNouns: options.properNouns,
    };
    this.#allowed = new Set<string>();
    for (const n of options.allowedNames ?? []) for (const k of wordKeys(n)) this.#allowed.add(k);
  }

  /** The fact ids the reply may cite. */
  get factIds(): string[] {
    return [...this.#facts.keys()];
  }

  #evidenceFor(id: string): FactEvidence {
    let ev = this.#evidence.get(id);
    if (!ev) {
      const { language: _l, ...rest } = this.#claimOptions;
      ev = buildFactEvidence(this.#facts.get(id)!, rest);
      this.#evidence.set(id, ev);
    }
    return ev;
  }

  /** The names the prompt's facts use (plans, products, customers, competitors), learnt once. */
  #learnNames(): void {
    if (this.#knownNamesReady) return;
    this.#knownNamesReady = true;
    const known = new Set<string>();
    for (const id of this.#facts.keys()) {
      for (const s of this.#evidenceFor(id).sentences) for (const c of s.claims) if (c.kind === 'name' && !hasNameKey(this.#allowed, c.key)) known.add(c.key);
    }
    this.#claimOptions = { ...this.#claimOptions, knownNames: known };
    // Read the facts again with the learnt names, so "Plus" first in a fact sentence names Plus there too.
    this.#evidence.clear();
  }

  /** Checks one sentence. */
  checkSentence(sentence: ReplySentence): SentenceVerdict {
    this.#learnNames();
    const reasons: RemovalReason[] = [];
    const invalid = sentence.citations.filter((id) => !this.#facts.has(id));
    if (invalid.length > 0) reasons.push({ code: 'INVALID_CITATION', ids: invalid });
    const claims = extractClaims(sentence.text, this.#claimOptions).filter(
      (c) => !(c.kind === 'name' && !c.competitor && hasNameKey(this.#allowed, c.key)),
    );
    const cited = sentence.citations.filter((id) => this.#facts.has(id)).map((id) => this.#evidenceFor(id));
    // "We don't have ISO 9001 yet, it is planned" is a claim that it is coming, not a denial.
    const negated = isNegated(sentence.text) && !isFuture(sentence.text);
    const names = new Set(claims.filter((c) => c.kind === 'name').map((c) => (c as { key: string }).key));
    for (const claim of claims) {
      if (cited.length === 0) { reasons.push({ code: 'UNCITED_CLAIM', claim }); continue; }
      const verdicts = cited.map((ev) => factSupports(ev, claim, negated));
      if (!verdicts.includes('supports')) {
        reasons.push({ code: verdicts.includes('opposite') ? 'POLARITY' : 'UNSUPPORTED_CLAIM', claim });
      } else if (!valueAttributed(cited, claim, names, this.#allowed)) {
        reasons.push({ code: 'MISATTRIBUTED', claim });
      }
    }
    return { sentence, ok: reasons.length === 0, claims, reasons };
  }

  /** Checks a whole reply (complete or not: an unfinished last sentence is checked as it stands). */
  check(reply: string): GuardResult {
    const kept: SentenceVerdict[] = [];
    const removed: RemovedSentence[] = [];
    const invalid: string[] = [];
    for (const s of splitSentences(reply, this.#options.language, true)) {
      const v = this.checkSentence(s);
      for (const r of v.reasons) if (r.code === 'INVALID_CITATION') for (const id of r.ids) if (!invalid.includes(id)) invalid.push(id);
      if (v.ok) kept.push(v);
      else removed.push({ text: s.text, reasons: v.reasons });
    }
    const cited: string[] = [];
    for (const v of kept) for (const id of v.sentence.citations) if (!cited.includes(id)) cited.push(id);
    return {
      text: kept.map((v) => v.sentence.text).join(' '),
      kept,
      removed,
      cited,
      invalidCitations: invalid,
      supportedClaims: kept.reduce((n, v) => n + v.claims.length, 0),
    };
  }
}

/** A one-line human summary of a removal reason, for logs and the card's "removed" note. */
export function describeReason(r: RemovalReason): string {
  switch (r.code) {
    case 'INVALID_CITATION': return `cites unknown fact ${r.ids.join(', ')}`;
    case 'UNCITED_CLAIM': return `"${r.claim.text}" has no citation`;
    case 'UNSUPPORTED_CLAIM': return `"${r.claim.text}" is not in the cited facts`;
    case 'POLARITY': return `"${r.claim.text}" contradicts the cited facts`;
    case 'MISATTRIBUTED': return `"${r.claim.text}" belongs to something else in the cited facts`;
  }
}
