/**
 * The supervisor wall: every live call (agent, customer, duration in call time, objections, unanswered, last
 * card, health), sortable, with alert highlighting; a row opens the call read-only. Beside it, today's
 * cards by class and feedback rates.
 */
import { api, type StatsToday } from './api';
import { duration, h, pct } from './dom';
import { chooseLanguage, pickLanguage, strings, UI_LANGUAGES, type Strings, type UiLanguage } from './i18n';
import { ResumableSocket } from './socket';
import { aorLabel, participantLabel } from './participant-label';
import { summaryCallTimeMs } from './call-clock';
import type { CallSummary, WallEvent } from './types';

type SortKey = 'agent' | 'customer' | 'duration' | 'objections' | 'unanswered' | 'lastCard' | 'health';
const HEALTH_RANK: Record<string, number> = { ok: 0, degraded: 1, down: 2 };

export class WallPage {
  readonly el: HTMLElement;
  readonly #t: Strings;
  readonly #calls = new Map<string, CallSummary>();
  readonly #tbody = h('tbody');
  readonly #thead = h('thead');
  readonly #empty: HTMLElement;
  readonly #stats = h('aside.panel.stats', { dataset: { testid: 'stats' } });
  readonly #banner = h('div.banner', { hidden: true });
  #sort: { key: SortKey; dir: 1 | -1 } | undefined;
  #socket: ResumableSocket<WallEvent>;
  #timers: number[] = [];
  #pending = false;
  readonly #open: (callId: string) => void;

  constructor(nav: HTMLElement, open: (callId: string) => void) {
    this.#open = open;
    this.#t = strings(pickLanguage());
    const t = this.#t;
    document.documentElement.lang = pickLanguage();
    this.#empty = h('p.empty', t.noLiveCalls);
    this.el = h('div.wall-page',
      h('header.wall-head', h('h1', t.wall), h('span.count', { dataset: { testid: 'live-count' } }),
        h('select.lang', {
          'aria-label': 'Language',
          onchange: (e: Event) => { chooseLanguage((e.target as HTMLSelectElement).value as UiLanguage); location.reload(); },
        }, ...UI_LANGUAGES.map((l) => h('option', { value: l, selected: l === pickLanguage() }, l.toUpperCase()))),
        nav),
      this.#banner,
      h('main.wall-body',
        h('section.panel.wall-table',
          h('h2.panel-title', t.liveCalls),
          h('div.table-scroll', h('table', { dataset: { testid: 'wall' } }, this.#thead, this.#tbody)),
          this.#empty),
        this.#stats));
    this.#renderHead();
    this.#socket = new ResumableSocket<WallEvent>({
      path: '/api/wall/ws',
      contiguous: false,
      onEvent: (e) => {
        if (e.type === 'wall.snapshot') {
          this.#calls.clear();
          for (const c of e.calls) this.#calls.set(c.callId, c);
        } else if (e.type === 'wall.call') this.#calls.set(e.summary.callId, e.summary);
        else this.#calls.delete(e.callId);
        this.#schedule();
      },
      onStatus: (up) => { this.#banner.hidden = up; this.#banner.textContent = t.reconnecting; },
    });
    this.#timers.push(window.setInterval(() => this.#schedule(), 1000));
    void this.#loadStats();
    this.#timers.push(window.setInterval(() => void this.#loadStats(), 15_000));
  }

  destroy(): void {
    this.#socket.close();
    for (const id of this.#timers) clearInterval(id);
  }

  #schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => { this.#pending = false; this.#renderRows(); });
  }

  #renderHead(): void {
    const t = this.#t;
    const cols: [SortKey, string, string][] = [
      ['agent', t.col.agent, ''], ['customer', t.col.customer, ''], ['duration', t.col.duration, 'num'],
      ['objections', t.col.objections, 'num'], ['unanswered', t.col.unanswered, 'num'], ['lastCard', t.col.lastCard, ''],
      ['health', t.col.health, ''],
    ];
    this.#thead.replaceChildren(h('tr', ...cols.map(([key, label, cls]) => {
      const active = this.#sort?.key === key;
      return h(`th${cls ? `.${cls}` : ''}`, { 'aria-sort': active ? (this.#sort!.dir === 1 ? 'ascending' : 'descending') : 'none' },
        h('button.sort', {
          type: 'button',
          onclick: () => {
            this.#sort = active ? { key, dir: this.#sort!.dir === 1 ? -1 : 1 } : { key, dir: key === 'agent' || key === 'customer' ? 1 : -1 };
            this.#renderHead();
            this.#renderRows();
          },
        }, label, h('span.arrow', active ? (this.#sort!.dir === 1 ? '▲' : '▼') : '↕')));
    })));
  }

  #value(c: CallSummary, key: SortKey): string | number {
    switch (key) {
      case 'agent': return (c.agent?.name ?? c.agent?.aor ?? '').toLowerCase();
      case 'customer': return (c.customer?.name ?? c.customer?.company ?? c.customer?.number ?? '').toLowerCase();
      case 'duration': return summaryCallTimeMs(c, Date.now());
      case 'objections': return c.objectionsRaised;
      case 'unanswered': return c.objectionsUnanswered;
      case 'lastCard': return c.lastCard?.confidence ?? -1;
      case 'health': return HEALTH_RANK[c.health];
    }
  }

  #renderRows(): void {
    const t = this.#t;
    const rows = [...this.#calls.values()].sort((a, b) => {
      if (this.#sort) {
        const va = this.#value(a, this.#sort.key);
        const vb = this.#value(b, this.#sort.key);
        return (va < vb ? -1 : va > vb ? 1 : 0) * this.#sort.dir;
      }
      return b.alerts.length - a.alerts.length || a.startedAtMs - b.startedAtMs;
    });
    this.#empty.hidden = rows.length > 0;
    const count = this.el.querySelector('[data-testid="live-count"]');
    if (count) count.textContent = String(rows.length);
    this.#tbody.replaceChildren(...rows.map((c) => {
      const alert = c.alerts.length > 0;
      // Placeholders of replays ("Agent", sip:agent@replay.invalid, "Customer") are not shown.
      const agentName = c.agent ? participantLabel(c.agent) : undefined;
      const agentAor = c.agent && aorLabel(c.agent.aor) ? c.agent.aor.replace(/^sips?:/, '') : undefined;
      const customerName = participantLabel({ name: c.customer?.name, aor: '' });
      const customerNumber = participantLabel({ aor: c.customer?.number ?? '' }, [customerName]);
      return h(`tr${alert ? '.alert' : ''}`, {
        tabindex: 0,
        dataset: { callId: c.callId, testid: 'wall-row' },
        title: c.alerts.map((a) => t.alerts[a] ?? a).join(' · '),
        onclick: () => this.#open(c.callId),
        onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') this.#open(c.callId); },
      },
      h('td', h('div.cell-main', agentName ?? '—',
        c.source && c.source !== 'siprec' ? h('span.source-badge', { dataset: { testid: 'call-source' } }, t.replaySource[c.source]) : null),
      agentAor && agentName !== aorLabel(c.agent!.aor) ? h('div.cell-sub', agentAor) : null),
      h('td', h('div.cell-main', customerName ?? customerNumber ?? '—'), h('div.cell-sub', [c.customer?.company, customerName ? customerNumber : undefined].filter(Boolean).join(' · '))),
      h('td.num.mono', { dataset: { testid: 'duration' } }, duration(summaryCallTimeMs(c, Date.now()))),
      h('td.num', { dataset: { testid: 'objections' } }, c.objectionsRaised),
      h('td.num', { dataset: { testid: 'unanswered' } }, h(`span${c.objectionsUnanswered ? '.pill.pill-warn' : ''}`, c.objectionsUnanswered)),
      h('td.last-card', c.lastCard
        ? h('div', h(`span.badge.class-${c.lastCard.objectionClass}`, t.classes[c.lastCard.objectionClass] ?? c.lastCard.objectionClass),
          h(`span.conf-mini${c.lastCard.confidence < 0.8 ? '.conf-low' : '.conf-ok'}`, pct(c.lastCard.confidence)),
          h('div.cell-sub.clip', c.lastCard.text))
        : '—'),
      h('td.health-cell', h(`span.chip.chip-${c.health}`, h('i.dot'), t.status[c.health]),
        c.alerts.length ? h('div.alert-tags', ...c.alerts.map((a) => h(`span.alert-tag.alert-${a}`, t.alerts[a] ?? a))) : null));
    }));
  }

  async #loadStats(): Promise<void> {
    let s: StatsToday;
    try {
      s = await api.statsToday();
    } catch {
      return;
    }
    const t = this.#t;
    const classes = Object.entries(s.cardsByClass).sort((a, b) => b[1] - a[1]);
    const max = Math.max(1, ...classes.map(([, n]) => n));
    const given = s.feedback.used + s.feedback.dismissed + s.feedback.wrong;
    const none = Math.max(0, s.cardsShown - given);
    const total = Math.max(1, s.cardsShown);
    const seg = (cls: string, n: number) => (n > 0 ? h(`span.seg.${cls}`, { style: `flex:${n}` }) : null);
    this.#stats.replaceChildren(
      h('h2.panel-title', `${t.today} · ${s.day}`),
      h('div.kpis',
        h('div.kpi', h('span.kpi-v', s.calls), h('span.kpi-l', t.calls)),
        h('div.kpi', h('span.kpi-v', s.cardsShown), h('span.kpi-l', t.cardsShown)),
        h('div.kpi', h('span.kpi-v', pct(s.usedRate)), h('span.kpi-l', t.rateUsed))),
      h('h3', t.cardsByClass),
      classes.length
        ? h('ul.bars', ...classes.map(([cls, n]) => h('li',
          h('span.bar-label', t.classes[cls] ?? cls),
          h('span.bar-track', h(`span.bar-fill.class-${cls}`, { style: `width:${(100 * n) / max}%` })),
          h('span.bar-value', n))))
        : h('p.empty', '—'),
      h('h3', t.feedbackRates),
      h('div.stack', seg('used', s.feedback.used), seg('dismissed', s.feedback.dismissed), seg('wrong', s.feedback.wrong), seg('none', none)),
      h('ul.legend-list',
        h('li', h('i.sw.used'), `${t.rateUsed} ${pct(s.feedback.used / total)} (${s.feedback.used})`),
        h('li', h('i.sw.dismissed'), `${t.rateDismissed} ${pct(s.feedback.dismissed / total)} (${s.feedback.dismissed})`),
        h('li', h('i.sw.wrong'), `${t.rateWrong} ${pct(s.feedback.wrong / total)} (${s.feedback.wrong})`),
        h('li', h('i.sw.none'), `${t.noFeedback} ${pct(none / total)} (${none})`)));
  }
}
