import { ProviderError } from '../../core/errors.js';
import type { CustomerContextRecord, Fact, Llm } from '../ports.js';
import { snapshotCard, type Card, type DraftOutcome } from './card.js';
import { combineConfidence, groundingConfidence, isFlagged } from './card-confidence.js';
import { buildDraftPrompt, type ConversationTurn } from './draft-prompt.js';
import { describeReason, GroundingGuard } from './grounding-guard.js';
import { splitSentences } from './sentence-split.js';

/**
 * Streams a language-model draft into an extractive card. The guard judges each sentence as soon as the
 * next one begins (so citations written after the full stop still count) and only accepted sentences
 * are shown (`card.draft.text`); a removed sentence is listed in `card.removed` at once. When the stream
 * ends, the draft replaces the extractive reply if at least one accepted sentence cites a fact; otherwise,
 * and on a first-token or total timeout, a provider failure or cancellation, the extractive reply stands.
 */

/** Options (config `llm`). */
export interface DraftComposerOptions {
  llm: Llm;
  /** No first token within this many ms ends the draft (outcome `timeout`). Default 3000. */
  firstTokenTimeoutMs?: number;
  /** The whole draft must end within this many ms of the request. Default 10000. */
  totalTimeoutMs?: number;
  /** Sampling temperature. Default 0.2. */
  temperature?: number;
  /** Maximum sentences asked for. Default 3. */
  maxSentences?: number;
  /** The selling company's name: used in the prompt, never a claim. */
  companyName?: string;
  /** Competitor names (claims that need a cited fact). */
  competitors?: readonly string[];
  /** Other names that are claims (products, plans). */
  names?: readonly string[];
  /** Confidence threshold for marking the card. Default 0.80. */
  flagBelow?: number;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
}

/** One draft request. */
export interface DraftRequest {
  /** The extractive card (not modified; updates are snapshots). */
  card: Card;
  /** The facts the prompt holds (retrieved facts and calculator results). */
  facts: readonly Fact[];
  context?: CustomerContextRecord;
  /** The last turns of the call, oldest first. */
  turns: readonly ConversationTurn[];
  /** Further names that are never claims, e.g. the participants' display names. */
  allowedNames?: readonly string[];
  /** Cancels the draft (e.g. the objection was withdrawn or the call ended). */
  signal?: AbortSignal;
  /** Called with a snapshot after every visible change (status, accepted sentence, removal, end). */
  onUpdate?: (card: Card) => void;
}

/** Composes drafted replies with a language model and the grounding guard. */
export class DraftComposer {
  readonly #o: Required<Omit<DraftComposerOptions, 'companyName'>> & { companyName?: string };

  constructor(options: DraftComposerOptions) {
    this.#o = {
      firstTokenTimeoutMs: 3000, totalTimeoutMs: 10_000, temperature: 0.2, maxSentences: 3,
      competitors: [], names: [], flagBelow: 0.8, now: Date.now, ...options,
    };
  }

  /** The model's name (`ollama:llama3.2:3b`). */
  get model(): string {
    return this.#o.llm.name;
  }

  /**
   * Drafts a reply into a copy of `req.card` and resolves to the final card (status `final`). Never
   * rejects: failures end up in `card.draft.outcome` / `errorCode` with the extractive reply kept.
   */
  async draft(req: DraftRequest): Promise<Card> {
    const o = this.#o;
    const card = snapshotCard(req.card);
    const emit = (): void => req.onUpdate?.(snapshotCard(card));
    if (card.noVerifiedAnswer || req.facts.length === 0) {
      card.status = 'final';
      emit();
      return card;
    }
    const guard = new GroundingGuard(req.facts, {
      language: card.language,
      competitors: o.competitors,
      names: o.names,
      allowedNames: [o.companyName, req.context?.company, req.context?.contactName, ...(req.allowedNames ?? [])].filter((x): x is string => !!x),
    });
    const messages = buildDraftPrompt({
      objectionClass: card.objectionClass, language: card.language, facts: req.facts, context: req.context,
      turns: req.turns, move: card.move, companyName: o.companyName, maxSentences: o.maxSentences,
    });
    card.status = 'drafting';
    card.draft = { model: o.llm.name, rawText: '', text: '' };
    emit();

    const controller = new AbortController();
    let why: 'first-token' | 'total' | 'cancelled' | undefined;
    const stop = (reason: typeof why): void => { if (!why) { why = reason; controller.abort(); } };
    const onCancel = (): void => stop('cancelled');
    if (req.signal?.aborted) stop('cancelled');
    req.signal?.addEventListener('abort', onCancel, { once: true });
    let firstTimer: NodeJS.Timeout | undefined = setTimeout(() => stop('first-token'), o.firstTokenTimeoutMs);
    const totalTimer = setTimeout(() => stop('total'), o.totalTimeoutMs);

    const shown: Array<{ text: string; citations: string[] }> = [];
    let judged = 0;
    const judge = (final: boolean): void => {
      const sentences = splitSentences(card.draft!.rawText, card.language, true);
      const upTo = final ? sentences.length : sentences.length - 1;
      let changed = false;
      for (; judged < upTo; judged++) {
        const v = guard.checkSentence(sentences[judged]);
        if (v.ok) shown.push({ text: v.sentence.text, citations: v.sentence.citations });
        else card.removed.push({ text: v.sentence.text, reason: v.reasons.map(describeReason).join('; ') });
        changed = true;
      }
      if (changed) { card.draft!.text = shown.map((s) => s.text).join(' '); emit(); }
    };

    let outcome: DraftOutcome | undefined;
    let errorCode: string | undefined;
    try {
      if (!why) {
        for await (const delta of o.llm.chat(messages, { signal: controller.signal, temperature: o.temperature })) {
          if (why) break;
          if (firstTimer) {
            clearTimeout(firstTimer);
            firstTimer = undefined;
            card.stages.firstTokenAtMs = o.now();
          }
          card.draft.rawText += delta;
          judge(false);
        }
      }
      if (!why) judge(true);
    } catch (err) {
      if (!why) {
        outcome = 'provider-error';
        errorCode = err instanceof ProviderError ? err.code : 'LLM_FAILED';
      }
    } finally {
      if (firstTimer) clearTimeout(firstTimer);
      clearTimeout(totalTimer);
      req.signal?.removeEventListener('abort', onCancel);
    }
    if (why === 'cancelled') outcome = 'cancelled';
    else if (why) { outcome = 'timeout'; errorCode = why === 'first-token' ? 'LLM_FIRST_TOKEN_TIMEOUT' : 'LLM_TIMEOUT'; }

    const cited: string[] = [];
    for (const s of shown) for (const id of s.citations) if (!cited.includes(id)) cited.push(id);
    if (!outcome) outcome = cited.length > 0 ? 'accepted' : card.removed.length > 0 ? 'guard-rejected' : 'empty';
    card.draft.outcome = outcome;
    if (errorCode) card.draft.errorCode = errorCode;
    if (outcome === 'accepted') {
      card.reply = card.draft.text;
      card.replySource = 'draft';
      card.cited = cited;
      card.confidence = combineConfidence({
        detection: card.confidence.detection,
        retrieval: card.confidence.retrieval,
        grounding: groundingConfidence(shown.length, card.removed.length),
      });
      card.flagged = isFlagged(card.confidence, o.flagBelow);
    }
    card.status = 'final';
    card.stages.finalDraftAtMs = o.now();
    emit();
    return card;
  }
}
