/**
 * One call, live: header (customer, CRM facts, timer, media/ASR health), transcript, cards and the
 * objection timeline. Agents act on cards; supervisors see the same page read-only. Every time on the
 * page (timer, transcript, card times, timeline) is call time, ms from call start: see call-clock.ts.
 */
import { api } from './api';
import { callTimeMs, cardCallMs, timelinePositionMs } from './call-clock';
import { CardsPanel } from './cards-panel';
import { duration, h, pct } from './dom';
import { chooseLanguage, pickLanguage, strings, UI_LANGUAGES, type Strings, type UiLanguage } from './i18n';
import { ResumableSocket } from './socket';
import { renderTimeline } from './timeline';
import { TranscriptPanel } from './transcript-panel';
import { participantLabel } from './participant-label';
import type { CallEvent, CallSnapshot, ComponentHealth, LedgerEntry } from './types';

export interface CallPageOptions {
  callId: string;
  readOnly: boolean;
  /** Header extras (sign-out, back link), built in the call's UI language. */
  nav: (t: Strings) => HTMLElement;
  onEnded?(): void;
}

export class CallPage {
  readonly el = h('div.call-page');
  #t!: Strings;
  #lang!: UiLanguage;
  #snap?: CallSnapshot;
  readonly #ledger = new Map<string, LedgerEntry>();
  readonly #health = new Map<string, ComponentHealth>();
  #transcript?: TranscriptPanel;
  #cards?: CardsPanel;
  #header = h('header.call-head');
  #timelineSlot = h('div.timeline-slot');
  #banner = h('div.banner', { hidden: true });
  #socket?: ResumableSocket<CallEvent>;
  #timer?: number;
  /** Latest position the call's events reached on its timeline, ms from call start (call-clock.ts). */
  #positionMs = 0;
  readonly #o: CallPageOptions;

  constructor(options: CallPageOptions) {
    this.#o = options;
    this.el.append(h('p.loading', '…'));
    this.#socket = new ResumableSocket<CallEvent>({
      path: `/api/calls/${encodeURIComponent(options.callId)}/ws`,
      contiguous: true,
      onEvent: (e) => this.#onEvent(e),
      onStatus: (up) => {
        this.#banner.hidden = up;
        if (this.#t) this.#banner.textContent = this.#t.reconnecting;
      },
      onRefused: () => void this.#explainRefusal(),
    });
    this.#timer = window.setInterval(() => this.#tick(), 1000);
  }

  destroy(): void {
    this.#socket?.close();
    this.#cards?.destroy();
    clearInterval(this.#timer);
  }

  get socket(): ResumableSocket<CallEvent> | undefined {
    return this.#socket;
  }

  async #explainRefusal(): Promise<void> {
    const t = strings(pickLanguage());
    try {
      await api.call(this.#o.callId);
    } catch (err) {
      const status = (err as { status?: number }).status;
      this.el.replaceChildren(h('div.notice', h('p', status === 404 ? t.notFound : t.forbidden)));
    }
  }

  #onEvent(e: CallEvent): void {
    if (e.type === 'snapshot') return this.#build(e.call);
    const snap = this.#snap;
    if (!snap) return;
    switch (e.type) {
      case 'transcript.interim': this.#advance(e.segment.endMs); this.#transcript!.interim(e.segment); break;
      case 'transcript.final': this.#advance(e.segment.endMs); this.#transcript!.final(e.segment); break;
      case 'card.created':
      case 'card.updated': {
        this.#cards!.upsert(e.card);
        snap.summary.cardsShown = Math.max(snap.summary.cardsShown, 1);
        break;
      }
      case 'ledger':
        if (snap.objections.find((o) => o.objectionId === e.entry.objectionId)?.state === 'withdrawn') break;
        this.#ledger.set(e.entry.objectionId, e.entry);
        this.#renderTimeline();
        break;
      case 'objection': {
        // one entry per objection: an update takes the new class and words, a withdrawal leaves the timeline
        const state = e.state ?? 'raised';
        this.#advance(e.objection.raisedMs);
        const i = snap.objections.findIndex((o) => o.objectionId === e.objection.objectionId);
        if (i >= 0) snap.objections[i] = { ...e.objection, raisedMs: snap.objections[i].raisedMs, state };
        else snap.objections.push({ ...e.objection, state });
        if (state === 'withdrawn' && this.#ledger.delete(e.objection.objectionId)) this.#renderTimeline();
        break;
      }
      case 'health': this.#health.set(e.health.component, e.health); this.#renderHeader(); break;
      case 'call.participants': snap.participants = e.participants; this.#transcript!.setParticipants(e.participants); this.#renderHeader(); break;
      case 'call.customer': snap.customer = e.customer; this.#renderHeader(); break;
      case 'call.state':
        snap.summary.state = e.state;
        if (e.state === 'ended') {
          snap.summary.endedAtMs = e.atMs;
          this.#transcript!.ended();
          this.#renderTimeline();
          this.#o.onEnded?.();
        }
        this.#renderHeader();
        break;
    }
  }

  #build(call: CallSnapshot): void {
    this.#snap = call;
    this.#lang = pickLanguage(call.summary.language);
    this.#t = strings(this.#lang);
    this.#ledger.clear();
    for (const l of call.ledger) this.#ledger.set(l.objectionId, l);
    this.#health.clear();
    for (const hh of call.health) this.#health.set(hh.component, hh);
    this.#cards?.destroy();
    this.#transcript = new TranscriptPanel(this.#t);
    this.#transcript.setParticipants(call.participants);
    this.#positionMs = timelinePositionMs([...call.transcript, ...call.interims], call.objections.map((o) => o.raisedMs));
    this.#cards = new CardsPanel(this.#t, {
      readOnly: this.#o.readOnly,
      callMsOf: (card) => cardCallMs(card, this.#snap!.objections, this.#ledger.values(), this.#snap!.summary),
      onFeedback: async (card, kind) => { await api.feedback(this.#o.callId, card.cardId, kind); },
    });
    document.documentElement.lang = this.#lang;
    this.el.replaceChildren(this.#header, this.#banner, h('main.call-body', this.#transcript.el, this.#cards.el), this.#timelineSlot);
    this.#transcript.reset(call.transcript, call.interims);
    this.#cards.reset(call.cards);
    this.#renderHeader();
    this.#renderTimeline();
  }

  /** Call time now, ms from call start (call-clock.ts). */
  #elapsedMs(): number {
    return callTimeMs(this.#snap!.summary, this.#positionMs, Date.now());
  }

  /** An event reached `ms` on the call's timeline: the clock follows at once. */
  #advance(ms: number): void {
    if (!(ms > this.#positionMs)) return;
    this.#positionMs = ms;
    const timer = this.#header.querySelector('.timer');
    if (timer) timer.textContent = duration(this.#elapsedMs());
  }

  #tick(): void {
    if (!this.#snap) return;
    const timer = this.#header.querySelector('.timer');
    if (timer) timer.textContent = duration(this.#elapsedMs());
    if (this.#snap.summary.state !== 'ended' && Date.now() % 5000 < 1000) this.#renderTimeline();
  }

  #renderTimeline(): void {
    if (!this.#snap) return;
    this.#timelineSlot.replaceChildren(renderTimeline(this.#t, [...this.#ledger.values()], this.#elapsedMs(), this.#snap.summary.state === 'ended'));
  }

  #renderHeader(): void {
    const snap = this.#snap!;
    const t = this.#t;
    const c = snap.customer;
    const customerP = snap.participants.find((p) => p.role === 'customer');
    const agentP = snap.participants.find((p) => p.role === 'agent');
    // Real names and numbers only: placeholders ("Customer", sip:customer@replay.invalid) and repeats are left out.
    const title = participantLabel({ name: c?.name, aor: '' }) ?? participantLabel(customerP) ?? participantLabel({ aor: c?.number ?? snap.summary.customer?.number ?? '' });
    const number = participantLabel({ aor: c?.number ?? snap.summary.customer?.number ?? customerP?.aor ?? '' }, [title]);
    const agentName = participantLabel(agentP);
    const facts: [string, string][] = [];
    if (c?.employees !== undefined) facts.push([t.employees, String(c.employees)]);
    if (c?.industry) facts.push([t.industry, c.industry]);
    if (c?.currentVendor) facts.push([t.currentVendor, c.currentVendor]);
    for (const [k, v] of Object.entries(c?.facts ?? {})) facts.push([k, String(v)]);
    const state = snap.summary.state;
    const source = snap.summary.source;
    const langSelect = h('select.lang', {
      'aria-label': 'Language',
      onchange: (e: Event) => {
        chooseLanguage((e.target as HTMLSelectElement).value as UiLanguage);
        location.reload();
      },
    }, ...UI_LANGUAGES.map((l) => h('option', { value: l, selected: l === this.#lang }, l.toUpperCase())));
    this.#header.replaceChildren(
      h('div.who',
        h('h1.customer-name', { dataset: { testid: 'customer-name' } }, title ?? t.customer),
        h('div.customer-sub',
          number ? h('span.number', number) : null,
          c?.company ? h('span.company', c.company) : null,
          agentName ? h('span.agent-name', `${t.agent}: ${agentName}`) : null),
        facts.length ? h('ul.facts', ...facts.map(([k, v]) => h('li', k ? h('span.k', k) : null, h('span.v', v)))) : null),
      h('div.status',
        h(`span.state.state-${state}`, state === 'ended' ? t.callEnded : state === 'held' ? '⏸' : '● LIVE'),
        h('span.timer', { 'aria-label': t.callTime, title: t.callTime }, duration(this.#elapsedMs())),
        h('div.health', ...this.#healthChips()),
        this.#o.readOnly ? h('span.readonly', t.readOnly) : null,
        source && source !== 'siprec' ? h('span.source-badge', { dataset: { testid: 'call-source' } }, t.replaySource[source]) : null,
        langSelect,
        this.#o.nav(t)));
  }

  #healthChips(): HTMLElement[] {
    const t = this.#t;
    const chips: HTMLElement[] = [];
    // A transcript replay has no audio and no speech recognition: those chips say "not applicable".
    const noMedia = this.#snap!.summary.source === 'transcript';
    for (const component of ['media', 'asr', 'llm', 'crm']) {
      const hh = this.#health.get(component);
      if ((component === 'media' || component === 'asr') && noMedia && !hh) {
        chips.push(h('span.chip.chip-na', { title: t.notApplicable[component], dataset: { testid: `health-${component}`, status: 'n/a' } },
          h('i.dot'), t.health[component]));
        continue;
      }
      if (!hh && component !== 'media' && component !== 'asr') continue;
      const status = hh?.status ?? 'ok';
      let extra = '';
      if (component === 'media' && hh?.streams?.length) {
        const rec = hh.streams.reduce((a, s) => a + s.packetsReceived, 0);
        const lost = hh.streams.reduce((a, s) => a + s.packetsLost, 0);
        if (rec + lost > 0) extra = ` · ${pct(lost / (rec + lost))} ${t.loss}`;
      }
      if (component === 'asr' && hh?.asrDelayMs !== undefined) extra = ` · ${Math.round(hh.asrDelayMs)} ms`;
      chips.push(h(`span.chip.chip-${status}`, { title: hh?.detail ?? t.status[status], dataset: { testid: `health-${component}`, status } },
        h('i.dot'), `${t.health[component]}${extra}`));
    }
    return chips;
  }
}
