/**
 * Reply cards, newest on top: class badge, reply text (streaming in while drafted), confidence badge
 * (below 0.80 shown as not verified, in a different colour and wording), a marker when the grounding
 * guard removed sentences, cited facts expandable to their text and source, and the buttons
 * used / dismiss / wrong / copy with keyboard shortcuts (U, D, W, C; J/K move between cards).
 */
import { duration, h, pct } from './dom';
import type { Strings } from './i18n';
import type { CallCard, FeedbackKind } from './types';

const VERIFIED = 0.8;

export interface CardsPanelOptions {
  readOnly: boolean;
  /** The card's time on the call's timeline, ms from call start (call-clock.ts `cardCallMs`); undefined = unknown. */
  callMsOf(card: CallCard): number | undefined;
  onFeedback(card: CallCard, kind: FeedbackKind): Promise<void>;
}

export class CardsPanel {
  readonly el: HTMLElement;
  readonly #list: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #cards = new Map<string, CallCard>();
  readonly #nodes = new Map<string, HTMLElement>();
  #selected: string | undefined;
  #t: Strings;
  readonly #o: CardsPanelOptions;

  constructor(t: Strings, options: CardsPanelOptions) {
    this.#t = t;
    this.#o = options;
    this.#list = h('div.card-list');
    this.#empty = h('p.empty', t.noCards);
    this.el = h('section.panel.cards', h('h2.panel-title', t.cards, options.readOnly ? null : h('span.hint', t.shortcuts)), this.#empty, this.#list);
    if (!options.readOnly) document.addEventListener('keydown', this.#onKey);
  }

  destroy(): void {
    document.removeEventListener('keydown', this.#onKey);
  }

  reset(cards: CallCard[]): void {
    this.#cards.clear();
    this.#nodes.clear();
    this.#list.replaceChildren();
    for (const c of [...cards].sort((a, b) => a.createdAtMs - b.createdAtMs)) this.upsert(c);
  }

  upsert(card: CallCard): void {
    const isNew = !this.#cards.has(card.cardId);
    this.#cards.set(card.cardId, card);
    const node = this.#render(card);
    const old = this.#nodes.get(card.cardId);
    if (old) old.replaceWith(node);
    else this.#list.prepend(node);
    this.#nodes.set(card.cardId, node);
    if (isNew) this.#select(card.cardId);
    else if (this.#selected === card.cardId) node.classList.add('selected');
    this.#empty.hidden = this.#cards.size > 0;
  }

  #ordered(): CallCard[] {
    return [...this.#cards.values()].sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  #select(cardId: string | undefined): void {
    if (this.#selected) this.#nodes.get(this.#selected)?.classList.remove('selected');
    this.#selected = cardId;
    if (cardId) this.#nodes.get(cardId)?.classList.add('selected');
  }

  readonly #onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
    const ordered = this.#ordered();
    const idx = ordered.findIndex((c) => c.cardId === this.#selected);
    const card = ordered[idx];
    const key = e.key.toLowerCase();
    if (key === 'j' || key === 'arrowdown') this.#select(ordered[Math.min(ordered.length - 1, idx + 1)]?.cardId);
    else if (key === 'k' || key === 'arrowup') this.#select(ordered[Math.max(0, idx - 1)]?.cardId);
    else if (card && key === 'u') void this.#feedback(card, 'used');
    else if (card && key === 'd') void this.#feedback(card, 'dismissed');
    else if (card && key === 'w') void this.#feedback(card, 'wrong');
    else if (card && key === 'c') void this.#copy(card);
    else return;
    e.preventDefault();
    this.#nodes.get(this.#selected ?? '')?.scrollIntoView({ block: 'nearest' });
  };

  async #feedback(card: CallCard, kind: FeedbackKind): Promise<void> {
    const node = this.#nodes.get(card.cardId);
    node?.classList.add('pending');
    try {
      await this.#o.onFeedback(card, kind);
    } catch {
      node?.classList.add('failed');
    } finally {
      node?.classList.remove('pending');
    }
  }

  async #copy(card: CallCard): Promise<void> {
    const text = card.status === 'no_answer' && card.playbookMove ? card.playbookMove : card.text;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const ta = h('textarea', text) as HTMLTextAreaElement;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    const btn = this.#nodes.get(card.cardId)?.querySelector<HTMLButtonElement>('button.copy');
    if (btn) {
      btn.firstChild!.textContent = this.#t.copied;
      setTimeout(() => { btn.firstChild!.textContent = this.#t.copy; }, 1500);
    }
  }

  #render(card: CallCard): HTMLElement {
    const t = this.#t;
    const low = card.confidence < VERIFIED;
    const drafting = card.status === 'drafting';
    const noAnswer = card.status === 'no_answer';
    const fb = card.feedback?.kind;
    const button = (kind: FeedbackKind, label: string, key: string) =>
      h(`button.fb.fb-${kind}`, { type: 'button', 'aria-pressed': String(fb === kind), title: `${label} (${key})`, onclick: () => void this.#feedback(card, kind) },
        label, h('kbd', key));
    const callMs = this.#o.callMsOf(card);
    const wall = new Date(card.createdAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return h(`article.card${low ? '.low' : ''}${noAnswer ? '.no-answer' : ''}${fb ? `.fb-${fb}` : ''}`,
      { dataset: { cardId: card.cardId, testid: 'card' }, onclick: () => this.#select(card.cardId) },
      h('header.card-head',
        h(`span.badge.class-${card.objectionClass}`, t.classes[card.objectionClass] ?? card.objectionClass),
        h(`span.conf${low ? '.conf-low' : '.conf-ok'}`, { title: `confidence ${card.confidence.toFixed(2)}` },
          low ? `⚠ ${pct(card.confidence)} · ${t.notVerified}` : `✓ ${pct(card.confidence)} · ${t.verified}`),
        drafting ? h('span.status', t.drafting) : null,
        callMs !== undefined ? h('time.card-time', { title: t.cardTimeHelp(wall), dataset: { testid: 'card-time' } }, duration(callMs)) : null),
      noAnswer ? h('p.reply.no-answer-text', h('strong', `${t.noAnswer}. `), card.text) : h(`p.reply${drafting ? '.streaming' : ''}`, card.text),
      card.playbookMove ? h('p.playbook', h('strong', `${t.askInstead}: `), card.playbookMove) : null,
      card.removedCount > 0 ? h('p.removed', { dataset: { testid: 'removed' } }, `✂ ${t.removed(card.removedCount)}`) : null,
      card.citations.length
        ? h('details.sources',
          h('summary', t.sources(card.citations.length)),
          h('ul', ...card.citations.map((c) => h('li',
            h('p.fact', c.text),
            h('cite', h('code', c.factId), ` ${c.source}${c.location ? ` · ${c.location}` : ''}`)))))
        : null,
      h('footer.card-actions',
        this.#o.readOnly ? null : button('used', t.used, 'U'),
        this.#o.readOnly ? null : button('dismissed', t.dismiss, 'D'),
        this.#o.readOnly ? null : button('wrong', t.wrong, 'W'),
        h('button.copy', { type: 'button', title: `${t.copy} (C)`, onclick: (e: Event) => { e.stopPropagation(); void this.#copy(card); } }, t.copy, h('kbd', 'C')),
        fb ? h(`span.fb-state.fb-state-${fb}`, { dataset: { testid: 'feedback-state' } }, t.feedbackGiven[fb]) : null));
  }
}
