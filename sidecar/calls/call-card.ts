import type { Card } from '../assist/cards/card.js';
import type { CallCard, CardCitation } from './call-events.js';

/**
 * Maps the composer's {@link Card} (sidecar/assist/cards/card.ts) to the card the API and UI show
 * ({@link CallCard}, call-events.ts): the reply text the agent sees now (accepted draft sentences while
 * drafting, else the reply), the cited facts with their sources, the confidence value and the stage
 * timestamps the latency histograms read (epoch ms).
 *
 * Stage mapping: `asrAtMs`, `detectedAtMs`, `retrievedAtMs` as is; `extractiveAtMs` = card pushed;
 * `draftStartedAtMs` = card pushed when a draft was asked for; `draftFirstTextAtMs` = first LLM token;
 * `finalAtMs` = the draft's end, or the push time for a card that never drafts.
 *
 * @param times `createdAtMs` = when the card was first pushed; `updatedAtMs` = this version (epoch ms).
 */
export function toCallCard(card: Card, times: { createdAtMs: number; updatedAtMs: number }): CallCard {
  const known = new Map([...card.facts, ...card.calculations].map((f) => [f.id, f]));
  const citations: CardCitation[] = [];
  for (const id of card.cited) {
    const f = known.get(id);
    if (f) citations.push({ factId: f.id, text: f.text, source: f.source, location: f.location });
  }
  const drafting = card.status === 'drafting';
  const text = drafting && card.draft?.text ? card.draft.text : card.reply;
  const s = card.stages;
  const pushed = s.cardPushedAtMs;
  return {
    cardId: card.id,
    objectionId: card.objectionId,
    objectionClass: card.objectionClass,
    status: card.noVerifiedAnswer ? 'no_answer' : card.status,
    text,
    // the API's playbookMove is the question to ask instead of an answer (call-events.ts)
    ...(card.noVerifiedAnswer && card.move && { playbookMove: card.move.question }),
    citations,
    confidence: card.confidence.value,
    removedCount: card.removed.length,
    language: card.language,
    createdAtMs: times.createdAtMs,
    updatedAtMs: times.updatedAtMs,
    stages: {
      asrAtMs: s.asrAtMs,
      detectedAtMs: s.detectedAtMs,
      ...(s.retrievedAtMs !== undefined && { retrievedAtMs: s.retrievedAtMs }),
      ...(pushed !== undefined && { extractiveAtMs: pushed }),
      ...(card.draft && pushed !== undefined && { draftStartedAtMs: pushed }),
      ...(s.firstTokenAtMs !== undefined && { draftFirstTextAtMs: s.firstTokenAtMs }),
      ...(card.status === 'final' && { finalAtMs: s.finalDraftAtMs ?? pushed ?? times.updatedAtMs }),
    },
  };
}
