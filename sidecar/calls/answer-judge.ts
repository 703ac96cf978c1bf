import type { ObjectionClass } from '../assist/ports.js';
import { analyse } from '../assist/retrieval/text-analyzer.js';
import { loadTermMap, type TermMap } from '../assist/retrieval/term-map.js';
import { stemAll } from '../assist/retrieval/text-analyzer.js';

/**
 * Decides whether an agent's utterance speaks to an objection (the ledger's "answered" rule). Texts are
 * reduced to Snowball stems, bilingual concepts (from the knowledge base's term map, when given) and
 * numbers, with the retriever's analyser, so "pris", "Preis" and "price" meet.
 *
 * The rule: an agent utterance answers the objection when it shares with the objection's key terms
 * (the customer's words and, once a card is shown, the texts of the card's cited facts)
 * - a number of two or more digits stated in a cited fact (e.g. "39 kroner", "ISO 27001"), or
 * - at least two distinct words, one of them a key term and the other a key term or a topic word of the
 *   objection's class (price: pris/Preis/price, rabat, budget …), or
 * - two distinct topic words of the class ("prisen virker dyr").
 */

const TOPICS: Record<ObjectionClass, string> = {
  price: 'price prices cost costs expensive cheap discount budget pay fee fees pris priser dyr dyrt billig rabat betale omkostning gebyr Preis Preise teuer günstig Rabatt Kosten zahlen Gebühr',
  timing: 'time timing start onboarding week weeks month later date rollout tid start opstart uge uger måned senere dato Zeit Start Woche Wochen Monat später Termin Einführung',
  trust: 'reference references customer customers years proof uptime reference referencer kunde kunder år bevis oppetid Referenz Referenzen Kunde Kunden Jahre Nachweis Verfügbarkeit',
  authority: 'decide decision approve approval board business case meeting beslutning beslutte godkende godkendelse ledelse møde entscheiden Entscheidung genehmigen Freigabe Vorstand Betriebsrat Termin',
  need: 'need save saves saving hours registration law duty behov spare besparelse timer registrering lov pligt brauchen sparen Ersparnis Stunden Erfassung Gesetz Pflicht',
  competitor: 'compare comparison difference different export payroll sammenligne forskel forskellig eksport løn vergleichen Vergleich Unterschied Export Lohn',
  status_quo: 'today current excel spreadsheet paper change switch migration idag nuværende regneark papir skifte ændre heute aktuell Tabelle Papier wechseln Umstellung',
  compliance: 'data security gdpr iso hosting hosted denmark datacentre datacenter certified certification data sikkerhed hosting danmark certificering Daten Sicherheit Rechenzentrum Zertifizierung Datenschutz',
};

/** The terms of a text: stems, concepts (`c:`) and numbers (`n:`). */
export interface TermSet {
  terms: Set<string>;
  numbers: Set<string>;
}

/** Judges agent utterances against objections. */
export class AnswerJudge {
  readonly #terms: TermMap;
  readonly #topics = new Map<string, Set<string>>();

  /** @param terms the knowledge base's term map (bilingual concepts); default: none (stems only). */
  constructor(terms?: TermMap) {
    this.#terms = terms ?? loadTermMap(undefined, stemAll);
  }

  /** The terms of `texts` in `language`. */
  termsOf(texts: readonly string[], language: string): TermSet {
    const terms = new Set<string>();
    const numbers = new Set<string>();
    for (const t of texts) {
      const a = analyse(t, this.#terms, language);
      for (const s of a.stems) if (s.length >= 3 && !/^\d/.test(s)) terms.add(s);
      for (const c of a.concepts.keys()) terms.add(`c:${c}`);
      for (const n of a.numbers) numbers.add(n);
    }
    return { terms, numbers };
  }

  #topic(cls: ObjectionClass, language: string): Set<string> {
    const key = `${cls}:${language}`;
    let t = this.#topics.get(key);
    if (!t) { t = this.termsOf([TOPICS[cls]], language).terms; this.#topics.set(key, t); }
    return t;
  }

  /**
   * Whether `agentText` speaks to an objection.
   * @param key the objection's key terms (customer words + cited facts).
   * @param factNumbers numbers stated in the cited facts.
   * @returns the verdict and the matched terms (for the ledger's record).
   */
  speaksTo(agentText: string, language: string, cls: ObjectionClass, key: TermSet, factNumbers: ReadonlySet<string>): { answered: boolean; matched: string[] } {
    const agent = this.termsOf([agentText], language);
    // Single digits ("one time registration", "2 options") are too common to show an answer.
    const numberHits = [...agent.numbers].filter((n) => factNumbers.has(n) && !/^\d$/.test(n));
    if (numberHits.length > 0) return { answered: true, matched: numberHits.map((n) => `n:${n}`) };
    const topic = this.#topic(cls, language);
    const keyHits = [...agent.terms].filter((t) => key.terms.has(t));
    const topicHits = [...agent.terms].filter((t) => topic.has(t));
    const matched = [...new Set([...keyHits, ...topicHits])];
    // Two distinct matched words, at least one of them a key term of this objection, or two topic words.
    return { answered: (keyHits.length >= 1 && matched.length >= 2) || topicHits.length >= 2, matched };
  }
}
