/**
 * The live two-party transcript. Finals are appended; each stream's interim hypothesis is one faint
 * line that the final replaces. Auto-scroll follows new lines until the reader scrolls up; a
 * "new lines" button then jumps back and resumes following.
 */
import { duration, h } from './dom';
import type { Strings } from './i18n';
import { participantLabel } from './participant-label';
import type { CallParticipant, TranscriptSegment } from './types';

export class TranscriptPanel {
  readonly el: HTMLElement;
  readonly #list: HTMLElement;
  readonly #jump: HTMLButtonElement;
  readonly #empty: HTMLElement;
  readonly #interims = new Map<string, HTMLElement>();
  #follow = true;
  #t: Strings;
  #participants: CallParticipant[] = [];

  constructor(t: Strings) {
    this.#t = t;
    this.#list = h('ol.transcript-list', { 'aria-label': t.transcript });
    this.#empty = h('p.empty', t.noTranscript);
    this.#jump = h('button.jump', { type: 'button', hidden: true, onclick: () => this.#toBottom() }, t.newLines) as HTMLButtonElement;
    this.el = h('section.panel.transcript', h('h2.panel-title', t.transcript), this.#empty, this.#list, this.#jump);
    this.#list.addEventListener('scroll', () => {
      const atBottom = this.#list.scrollHeight - this.#list.scrollTop - this.#list.clientHeight < 24;
      this.#follow = atBottom;
      if (atBottom) this.#jump.hidden = true;
    });
  }

  setParticipants(p: CallParticipant[]): void {
    this.#participants = p;
  }

  reset(finals: TranscriptSegment[], interims: TranscriptSegment[]): void {
    this.#list.replaceChildren();
    this.#interims.clear();
    for (const f of finals) this.#list.append(this.#line(f, false));
    for (const i of interims) this.interim(i);
    this.#after();
    this.#toBottom();
  }

  interim(seg: TranscriptSegment): void {
    const line = this.#line(seg, true);
    const old = this.#interims.get(seg.streamLabel);
    if (old) old.replaceWith(line);
    else this.#list.append(line);
    this.#interims.set(seg.streamLabel, line);
    this.#after();
  }

  final(seg: TranscriptSegment): void {
    const line = this.#line(seg, false);
    const open = this.#interims.get(seg.streamLabel);
    if (open && open.dataset.utteranceId === seg.utteranceId) {
      open.replaceWith(line);
      this.#interims.delete(seg.streamLabel);
    } else if (open) {
      open.before(line);
    } else {
      this.#list.append(line);
    }
    this.#after();
  }

  ended(): void {
    for (const el of this.#interims.values()) el.remove();
    this.#interims.clear();
  }

  #line(seg: TranscriptSegment, interim: boolean): HTMLElement {
    const role = seg.role === 'agent' || seg.role === 'customer' ? seg.role : 'unknown';
    // The speaker's name or number; placeholders that only repeat the role ("Customer") are left out.
    const who = participantLabel({ name: seg.speaker, aor: '' }) ?? participantLabel(this.#participants.find((p) => p.role === role));
    const label = role === 'agent' ? this.#t.agent : role === 'customer' ? this.#t.customer : this.#t.unknownSpeaker;
    return h(`li.line.${role}${interim ? '.interim' : ''}`, { dataset: { utteranceId: seg.utteranceId } },
      h('div.line-meta',
        h('span.role', label),
        seg.roleGuessed ? h('span.guessed', { title: this.#t.roleGuessedHelp }, this.#t.roleGuessed) : null,
        who ? h('span.who', who) : null,
        h('time.at', duration(seg.startMs))),
      h('p.text', seg.text));
  }

  #after(): void {
    this.#empty.hidden = this.#list.childElementCount > 0;
    if (this.#follow) this.#toBottom();
    else this.#jump.hidden = false;
  }

  #toBottom(): void {
    this.#list.scrollTop = this.#list.scrollHeight;
    this.#follow = true;
    this.#jump.hidden = true;
  }
}
