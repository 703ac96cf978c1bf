/**
 * The per-call objection timeline: when each objection came (x = ms from call start) and whether it
 * was answered (a bar from raised to answered, green) or is still open / was left unanswered (amber / red).
 * Everything is drawn up to "now" (the call clock, call-clock.ts) and inside the drawing: a time past
 * now (a replay's ledger written on a different clock, a late event) is clamped to the now line, and
 * axis and class labels near the right edge are anchored so they never leave the picture.
 */
import { duration, h, s } from './dom';
import type { Strings } from './i18n';
import type { LedgerEntry } from './types';

/** Drawing width in SVG user units, row height, padding. */
export const TIMELINE_W = 1000;
const ROW = 22;
const PAD = 12;
/** Average glyph advance as a share of the font size (system sans-serif), to keep text inside the box. */
const GLYPH = 0.62;
const TICK_FONT = 11;
const LABEL_FONT = 12;

export type TimelineState = 'answered' | 'open' | 'unanswered';
export type Anchor = 'start' | 'middle' | 'end';

export interface TimelineLayout {
  /** Span of the axis, ms (at least one minute). */
  spanMs: number;
  nowX: number;
  ticks: { ms: number; x: number; anchor: Anchor; text: string }[];
  entries: { entry: LedgerEntry; state: TimelineState; x1: number; x2: number; y: number; labelX: number; labelAnchor: Anchor; label: string }[];
  height: number;
}

function textWidth(text: string, font: number): number {
  return text.length * font * GLYPH;
}

/**
 * Positions of everything on the timeline, in SVG user units (0…{@link TIMELINE_W}).
 * @param nowMs the call clock, ms from call start
 * @param classLabel display name of an objection class
 */
export function timelineLayout(ledger: LedgerEntry[], nowMs: number, ended: boolean, classLabel: (c: string) => string = (c) => c): TimelineLayout {
  const now = Math.max(0, nowMs);
  const entries = [...ledger].sort((a, b) => a.raisedMs - b.raisedMs);
  const spanMs = Math.max(now, 60_000);
  const right = TIMELINE_W - PAD;
  const x = (ms: number) => PAD + ((right - PAD) * Math.min(Math.max(ms, 0), spanMs)) / spanMs;
  const height = PAD * 2 + Math.max(1, entries.length) * ROW + 18;
  const stepMs = spanMs > 20 * 60_000 ? 5 * 60_000 : spanMs > 6 * 60_000 ? 2 * 60_000 : 60_000;
  const ticks: TimelineLayout['ticks'] = [];
  for (let ms = 0; ms <= spanMs; ms += stepMs) {
    const text = duration(ms);
    const tx = x(ms);
    const half = textWidth(text, TICK_FONT) / 2;
    const anchor: Anchor = ms === 0 ? 'start' : tx + half > TIMELINE_W ? 'end' : 'middle';
    ticks.push({ ms, x: anchor === 'end' ? Math.min(tx, TIMELINE_W) : tx, anchor, text });
  }
  const nowX = x(now);
  return {
    spanMs, nowX, ticks, height,
    entries: entries.map((entry, i) => {
      const y = PAD + i * ROW + ROW / 2;
      const state: TimelineState = entry.state === 'answered' ? 'answered' : entry.state === 'unanswered' || ended ? 'unanswered' : 'open';
      const raised = Math.min(Math.max(entry.raisedMs, 0), now);
      const endMs = entry.answeredMs ?? (state === 'open' ? now : raised);
      const x1 = x(raised);
      const x2 = x(Math.min(Math.max(endMs, raised), now));
      const label = classLabel(entry.objectionClass);
      const fits = x1 + 10 + textWidth(label, LABEL_FONT) <= TIMELINE_W;
      return { entry, state, x1, x2, y, label, labelX: fits ? x1 + 10 : x1 - 10, labelAnchor: fits ? 'start' : 'end' };
    }),
  };
}

export function renderTimeline(t: Strings, ledger: LedgerEntry[], nowMs: number, ended: boolean): HTMLElement {
  const layout = timelineLayout(ledger, nowMs, ended, (c) => t.classes[c] ?? c);
  const { height } = layout;
  const svg = s('svg', { viewBox: `0 0 ${TIMELINE_W} ${height}`, class: 'timeline-svg', role: 'img', 'aria-label': t.timeline });
  for (const tick of layout.ticks) {
    svg.append(s('line', { x1: tick.x, x2: tick.x, y1: PAD, y2: height - 18, class: 'grid' }));
    svg.append(s('text', { x: tick.x, y: height - 4, class: 'tick', 'text-anchor': tick.anchor }, tick.text));
  }
  svg.append(s('line', { x1: layout.nowX, x2: layout.nowX, y1: PAD, y2: height - 18, class: 'now' }));
  for (const e of layout.entries) {
    svg.append(s('line', { x1: e.x1, x2: e.x2, y1: e.y, y2: e.y, class: `bar ${e.state}` }));
    const title = `${e.label} · ${duration(e.entry.raisedMs)} · ${e.state === 'answered' ? t.answered : e.state === 'open' ? t.open : t.alerts.unanswered}`;
    svg.append(s('circle', { cx: e.x1, cy: e.y, r: 6, class: `dot ${e.state}` }, s('title', {}, title)));
    svg.append(s('text', { x: e.labelX, y: e.y + 4, class: 'label', 'text-anchor': e.labelAnchor }, e.label));
  }
  return h('section.panel.timeline', { dataset: { testid: 'timeline' } },
    h('h2.panel-title', t.timeline,
      h('span.legend', h('i.sw.answered'), t.answered, h('i.sw.open'), t.open, h('i.sw.unanswered'), t.alerts.unanswered)),
    svg as unknown as Node);
}
