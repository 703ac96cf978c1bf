import { extractClaims } from './claims/extract-claims.js';
import { splitSentences } from './sentence-split.js';

/**
 * Picks the one sentence of a fact that carries its claim, so an extractive reply can be read in the pause
 * after a turn: knowledge-base facts often lead with a heading-like sentence ("Volume discount (All
 * plans).") and end with side notes, while the claim the agent needs sits in one sentence
 * ("Additional 7% off subscription fees from 1000 billable employees.").
 *
 * Score per sentence = 3 × its specifics (numbers, amounts, percentages, dates, durations, certifications,
 * locations; claims/extract-claims.ts; capitalised words and references to other facts such as `F-113` not
 * counted) + the customer's content words (4
 * letters or more) it repeats. A sentence under 4 words without a specific ("Yes.", a heading such as
 * "Onboarding included.") only wins when every sentence is like that. Ties go to the earlier sentence. The sentence is returned verbatim (a substring of the fact), so
 * the reply still states only what the knowledge base does.
 */

const WORD = /[\p{L}\p{N}]+/gu;
/** A bare reference to another fact ("Cannot be combined with F-113."): not a specific of its own. */
const FACT_REF = /\b[A-Z]{1,3}-\d+\b/g;

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * The claim-carrying sentence of `factText`.
 * @param factText the fact as stored (one or more sentences).
 * @param language the fact's language (ISO 639-1; decides decimal separators and abbreviations).
 * @param utterance the customer's words (for the overlap part of the score); may be empty.
 * @returns one sentence of the fact, trimmed; the whole fact when it is a single sentence.
 */
export function claimSentence(factText: string, language: string, utterance = ''): string {
  const text = factText.replace(/\s+/g, ' ').trim();
  const sentences = splitSentences(text, language).map((s) => s.text);
  if (sentences.length <= 1) return text;
  const asked = new Set(words(utterance).filter((w) => w.length >= 4));
  let best = '';
  let bestScore = -Infinity;
  for (const s of sentences) {
    const ws = words(s);
    const specifics = extractClaims(s.replace(FACT_REF, ' '), { language, properNouns: false }).filter((c) => c.kind !== 'name').length;
    const overlap = ws.filter((w) => asked.has(w)).length;
    const score = (ws.length < 4 && specifics === 0 ? -100 : 0) + 3 * specifics + overlap;
    if (score > bestScore) { best = s; bestScore = score; }
  }
  return best;
}
