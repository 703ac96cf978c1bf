import type { Logger } from 'pino';
import type { CustomerContextRecord, ObjectionClass, Retriever } from '../ports.js';
import { snapshotCard, type Card, type PlaybookMoveLookup } from './card.js';
import { DraftComposer } from './draft-composer.js';
import type { ConversationTurn } from './draft-prompt.js';
import { composeExtractiveCard, DEFAULT_EXTRACTIVE_OPTIONS, type ExtractiveOptions } from './extractive-composer.js';

/**
 * One objection → one card: retrieval (with the caller's CRM record, so calculators compute from it),
 * the extractive card pushed at once, then, when a language model is configured, the draft streamed into
 * the same card. Every step stamps its time on `card.stages` (epoch ms) for the per-stage latency export.
 * A retrieval failure (e.g. the Ollama embedder is down) still pushes a card: the class, the playbook move
 * and "no verified answer" with the playbook question.
 */

/** What the composer needs about one objection (a subset of the detector's ObjectionEvent). */
export interface CardRequest {
  callId: string;
  objectionId: string;
  objectionClass: ObjectionClass;
  language: string;
  /** The customer's words. */
  text: string;
  /** Detection confidence 0–1. */
  confidence: number;
  stages: { asrAtMs: number; detectedAtMs: number };
}

/** Options for {@link CardComposer}. */
export interface CardComposerOptions {
  retriever: Retriever;
  moves?: PlaybookMoveLookup;
  /** The draft stage; omit when no language model is configured. */
  drafter?: DraftComposer;
  /** Facts retrieved per objection (shown facts, quoted facts and the prompt come from these). Default 6. */
  retrieveK?: number;
  extractive?: Partial<ExtractiveOptions>;
  logger?: Logger;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
}

/** Builds cards for objections. Stateless between objections; safe to share across calls. */
export class CardComposer {
  readonly #o: CardComposerOptions & { retrieveK: number; now: () => number };

  constructor(options: CardComposerOptions) {
    this.#o = { retrieveK: 6, now: Date.now, ...options };
  }

  /** True when drafts are produced. */
  get drafting(): boolean {
    return this.#o.drafter !== undefined;
  }

  /**
   * Composes the card for one objection. `onCard` receives a snapshot when the extractive card is pushed
   * and after every later change; resolves to the final card. Never rejects.
   */
  async compose(req: CardRequest, options: { context?: CustomerContextRecord; turns?: readonly ConversationTurn[]; signal?: AbortSignal; onCard?: (card: Card) => void } = {}): Promise<Card> {
    const o = this.#o;
    const extractive = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...o.extractive };
    let retrieved: Awaited<ReturnType<Retriever['search']>> = [];
    try {
      retrieved = await o.retriever.search({ text: req.text, k: o.retrieveK, objectionClass: req.objectionClass, customer: options.context });
    } catch (err) {
      o.logger?.warn({ err, callId: req.callId, objectionId: req.objectionId }, 'retrieval failed; the card shows the playbook move only');
    }
    const retrievedAtMs = o.now();
    const card = composeExtractiveCard({
      callId: req.callId, objectionId: req.objectionId, objectionClass: req.objectionClass, language: req.language,
      utterance: req.text, detectionConfidence: req.confidence, retrieved, move: o.moves?.(req.objectionClass, req.language),
      context: options.context, asrAtMs: req.stages.asrAtMs, detectedAtMs: req.stages.detectedAtMs, retrievedAtMs,
    }, extractive);
    card.stages.cardPushedAtMs = o.now();
    if (!o.drafter) card.status = 'final';
    options.onCard?.(snapshotCard(card));
    if (!o.drafter || card.noVerifiedAnswer) {
      if (card.status !== 'final') { card.status = 'final'; options.onCard?.(snapshotCard(card)); }
      return card;
    }
    const shownIds = new Set([...card.facts, ...card.calculations].map((f) => f.id));
    const facts = retrieved.map((r) => r.fact).filter((f) => shownIds.has(f.id));
    return o.drafter.draft({
      card, facts, context: options.context,
      turns: options.turns ?? [{ role: 'customer', text: req.text }],
      signal: options.signal, onUpdate: options.onCard,
    });
  }
}
