/**
 * The per-call objection timeline: when each objection came (x = ms from call start) and whether it
 * was answered (a bar from raised to answered, green) or is still open / was left unanswered (amber / red).
 */
import { duration, h, s } from './dom';
import type { Strings } from './i18n';
import type { LedgerEntry } from './types';

const W = 1000;
const ROW = 22;
const PAD = 12;

export function renderTimeline(t: Strings, ledger: LedgerEntry[], callDurationMs: number, ended: boolean): HTMLElement {
  const entries = [...ledger].sort((a, b) => a.raisedMs - b.raisedMs);
  const span = Math.max(callDurationMs, ...entries.map((e) => e.answeredMs ?? e.raisedMs), 60_000);
  const x = (ms: number) => PAD + ((W - 2 * PAD) * ms) / span;
  const height = PAD * 2 + Math.max(1, entries.length) * ROW + 18;
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'timeline-svg', role: 'img', 'aria-label': t.timeline });
  // Minute grid.
  const stepMs = span > 20 * 60_000 ? 5 * 60_000 : span > 6 * 60_000 ? 2 * 60_000 : 60_000;
  for (let ms = 0; ms <= span; ms += stepMs) {
    svg.append(s('line', { x1: x(ms), x2: x(ms), y1: PAD, y2: height - 18, class: 'grid' }));
    svg.append(s('text', { x: x(ms), y: height - 4, class: 'tick', 'text-anchor': ms === 0 ? 'start' : 'middle' }, duration(ms)));
  }
  svg.append(s('line', { x1: x(callDurationMs), x2: x(callDurationMs), y1: PAD, y2: height - 18, class: 'now' }));
  entries.forEach((e, i) => {
    const y = PAD + i * ROW + ROW / 2;
    const state = e.state === 'answered' ? 'answered' : e.state === 'unanswered' || ended ? 'unanswered' : 'open';
    const end = e.answeredMs ?? (state === 'open' ? callDurationMs : e.raisedMs);
    svg.append(s('line', { x1: x(e.raisedMs), x2: x(end), y1: y, y2: y, class: `bar ${state}` }));
    const label = `${t.classes[e.objectionClass] ?? e.objectionClass} · ${duration(e.raisedMs)} · ${state === 'answered' ? t.answered : state === 'open' ? t.open : t.alerts.unanswered}`;
    svg.append(s('circle', { cx: x(e.raisedMs), cy: y, r: 6, class: `dot ${state}` }, s('title', {}, label)));
    svg.append(s('text', { x: x(e.raisedMs) + 10, y: y + 4, class: 'label' }, t.classes[e.objectionClass] ?? e.objectionClass));
  });
  return h('section.panel.timeline', { dataset: { testid: 'timeline' } },
    h('h2.panel-title', t.timeline,
      h('span.legend', h('i.sw.answered'), t.answered, h('i.sw.open'), t.open, h('i.sw.unanswered'), t.alerts.unanswered)),
    svg as unknown as Node);
}
