import type { Card } from './card.js';

/**
 * Scoring of replies on a grounding set (format: objections README §4; scoring §6.2): per item the
 * must_cite coverage |must_cite ∩ cited| / |must_cite|, invalid citations (ids not in the knowledge base),
 * and the output line a reviewer judges must_not_claim violations on.
 */

/** One grounding item. */
export interface GroundingItem {
  id: string;
  lang: string;
  text: string;
  label: string;
  must_cite: string[];
  must_not_claim: string[];
  trap?: boolean;
}

/** The output line per item. */
export interface GroundingReplyLine {
  id: string;
  reply: string;
  cited: string[];
  confidence: number;
  flagged: boolean;
  removed: string[];
}

/** Parses a grounding JSONL file; bad lines are reported, not fatal. */
export function parseGroundingJsonl(text: string): { items: GroundingItem[]; errors: string[] } {
  const items: GroundingItem[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const o = JSON.parse(line) as Partial<GroundingItem>;
      if (typeof o.id !== 'string' || typeof o.text !== 'string' || !Array.isArray(o.must_cite)) throw new Error('needs id, text and must_cite');
      items.push({ id: o.id, lang: o.lang ?? 'en', text: o.text, label: o.label ?? 'none', must_cite: o.must_cite.map(String), must_not_claim: (o.must_not_claim ?? []).map(String), trap: o.trap === true });
    } catch (err) {
      errors.push(`line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { items, errors };
}

/** The output line for a card. */
export function replyLine(id: string, card: Card): GroundingReplyLine {
  return { id, reply: card.reply, cited: card.cited, confidence: card.confidence.value, flagged: card.flagged, removed: card.removed.map((r) => r.text) };
}

/** Aggregate figures. */
export interface GroundingReport {
  items: number;
  meanCoverage: number;
  coverageByLanguage: Record<string, { items: number; meanCoverage: number }>;
  trap: { items: number; meanCoverage: number };
  /** Cited ids that are not in the knowledge base, over all items. */
  invalidCitations: number;
  invalidIds: string[];
  flagged: number;
  noVerifiedAnswer: number;
  /** Items with at least one removed sentence, and the total removed. */
  itemsWithRemovals: number;
  removedSentences: number;
  /** Removed sentences that cited a fact id not in the prompt (the guard refused the citation). */
  refusedCitations: number;
  /** Draft outcomes, when drafting ran (outcome → count). */
  draftOutcomes: Record<string, number>;
}

/** Scores cards against their items. `knownIds` = every fact id of the knowledge base. */
export function scoreGrounding(rows: Array<{ item: GroundingItem; card: Card }>, knownIds: ReadonlySet<string>): GroundingReport {
  const cov = (item: GroundingItem, card: Card): number =>
    item.must_cite.length === 0 ? 1 : item.must_cite.filter((id) => card.cited.includes(id)).length / item.must_cite.length;
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const byLang: Record<string, number[]> = {};
  const invalidIds: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const { item, card } of rows) {
    (byLang[item.lang] ??= []).push(cov(item, card));
    for (const id of card.cited) if (!knownIds.has(id)) invalidIds.push(id);
    if (card.draft?.outcome) outcomes[card.draft.outcome] = (outcomes[card.draft.outcome] ?? 0) + 1;
  }
  const traps = rows.filter((r) => r.item.trap);
  return {
    items: rows.length,
    meanCoverage: mean(rows.map((r) => cov(r.item, r.card))),
    coverageByLanguage: Object.fromEntries(Object.entries(byLang).map(([l, xs]) => [l, { items: xs.length, meanCoverage: mean(xs) }])),
    trap: { items: traps.length, meanCoverage: mean(traps.map((r) => cov(r.item, r.card))) },
    invalidCitations: invalidIds.length,
    invalidIds: [...new Set(invalidIds)],
    flagged: rows.filter((r) => r.card.flagged).length,
    noVerifiedAnswer: rows.filter((r) => r.card.noVerifiedAnswer).length,
    itemsWithRemovals: rows.filter((r) => r.card.removed.length > 0).length,
    removedSentences: rows.reduce((n, r) => n + r.card.removed.length, 0),
    refusedCitations: rows.reduce((n, r) => n + r.card.removed.filter((x) => x.reason.includes('cites unknown fact')).length, 0),
    draftOutcomes: outcomes,
  };
}

/** The report as text for the terminal. */
export function formatGroundingReport(r: GroundingReport, mode: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `grounding (${mode}): ${r.items} items`,
    `mean must_cite coverage  ${pct(r.meanCoverage)}`,
    ...Object.entries(r.coverageByLanguage).sort().map(([l, v]) => `  ${l.padEnd(4)} ${String(v.items).padStart(3)} items  ${pct(v.meanCoverage)}`),
    `  trap ${String(r.trap.items).padStart(3)} items  ${pct(r.trap.meanCoverage)}`,
    `invalid citations        ${r.invalidCitations}${r.invalidIds.length ? ` (${r.invalidIds.join(', ')})` : ''}`,
    `flagged (< 0.80)         ${r.flagged}`,
    `no verified answer       ${r.noVerifiedAnswer}`,
    `removed sentences        ${r.removedSentences} in ${r.itemsWithRemovals} items (${r.refusedCitations} citing a fact not in the prompt)`,
  ];
  if (Object.keys(r.draftOutcomes).length) lines.push(`draft outcomes           ${Object.entries(r.draftOutcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push('must_not_claim violations: review the replies file (one line per item).');
  return `${lines.join('\n')}\n`;
}
