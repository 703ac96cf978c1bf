/**
 * Entry: sign-in gate, then routing. `/` opens the agent's live call by itself (supervisors go to the
 * wall), `/call/<callId>` opens one call (read-only for supervisors), `/wall` is the supervisor wall.
 */
import './styles.css';
import { api, HttpError, type Me } from './api';
import { CallPage } from './call-page';
import { h } from './dom';
import { pickLanguage, strings, type Strings } from './i18n';
import { ResumableSocket } from './socket';
import type { CallSummary, WallEvent } from './types';
import { WallPage } from './wall-page';

const root = document.getElementById('app')!;
let current: { destroy(): void } | undefined;

function mount(view: { el: HTMLElement; destroy(): void }): void {
  current?.destroy();
  current = view;
  root.replaceChildren(view.el);
}

function navigate(path: string): void {
  history.pushState(null, '', path);
  void route();
}
window.addEventListener('popstate', () => void route());

function nav(me: Me, extra?: HTMLElement, t: Strings = strings(pickLanguage())): HTMLElement {
  return h('nav.nav', extra ?? null,
    h('span.me', { title: me.aors.join(', ') }, me.name),
    h('button.link', { type: 'button', onclick: async () => { await api.logout().catch(() => {}); location.href = '/'; } }, t.signOut));
}

function loginPage(): { el: HTMLElement; destroy(): void } {
  const t = strings(pickLanguage());
  const error = h('p.error', { role: 'alert', hidden: true });
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, id: 'token' }) as HTMLInputElement;
  const form = h('form.login-card',
    h('div.brand', h('span.logo', 'M'), h('span', t.appName)),
    h('h1', t.signIn),
    h('label', { for: 'token' }, t.tokenLabel),
    input,
    h('p.help', t.tokenHelp),
    error,
    h('button.primary', { type: 'submit' }, t.signIn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    try {
      await api.login(input.value.trim());
      input.value = '';
      void route();
    } catch (err) {
      error.textContent = err instanceof HttpError && err.status === 429 ? t.tooManyAttempts : t.signInFailed;
      error.hidden = false;
    }
  });
  queueMicrotask(() => input.focus());
  return { el: h('div.login', form), destroy() {} };
}

/** The agent's home: follows their live calls (wall socket, filtered server-side) and opens the newest. */
class AgentHome {
  readonly el = h('div.agent-home');
  #page?: CallPage;
  #callId?: string;
  #ended = false;
  readonly #live = new Map<string, CallSummary>();
  readonly #socket: ResumableSocket<WallEvent>;

  constructor(private readonly me: Me) {
    this.#waiting();
    this.#socket = new ResumableSocket<WallEvent>({
      path: '/api/wall/ws',
      contiguous: false,
      onEvent: (e) => {
        if (e.type === 'wall.snapshot') {
          this.#live.clear();
          for (const c of e.calls) this.#live.set(c.callId, c);
        } else if (e.type === 'wall.call') this.#live.set(e.summary.callId, e.summary);
        else this.#live.delete(e.callId);
        this.#pick();
      },
    });
  }

  #waiting(): void {
    const t = strings(pickLanguage());
    this.el.replaceChildren(
      h('header.call-head.idle', h('div.who', h('h1.customer-name', t.waitingForCall)), h('div.status', nav(this.me))),
      h('div.waiting', h('div.pulse'), h('p', t.waitingHelp)));
  }

  #pick(): void {
    const newest = [...this.#live.values()].sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
    if (!newest || newest.callId === this.#callId) return;
    if (this.#callId && !this.#ended && this.#live.has(this.#callId)) return; // stay on the call in progress
    this.#open(newest.callId);
  }

  #open(callId: string): void {
    this.#page?.destroy();
    this.#callId = callId;
    this.#ended = false;
    this.#page = new CallPage({ callId, readOnly: false, nav: (t) => nav(this.me, undefined, t), onEnded: () => { this.#ended = true; this.#pick(); } });
    history.replaceState(null, '', `/call/${encodeURIComponent(callId)}?follow=1`);
    this.el.replaceChildren(this.#page.el);
  }

  destroy(): void {
    this.#socket.close();
    this.#page?.destroy();
  }
}

async function route(): Promise<void> {
  let me: Me;
  try {
    me = await api.me();
  } catch {
    mount(loginPage());
    return;
  }
  const path = location.pathname;
  const follow = new URLSearchParams(location.search).has('follow');
  const callMatch = /^\/call\/([^/]+)$/.exec(path);
  if (callMatch && !(follow && me.role === 'agent')) {
    const callId = decodeURIComponent(callMatch[1]);
    const readOnly = me.role !== 'agent';
    const back = (t: Strings) => (readOnly ? h('a.back', { href: '/wall', onclick: (e: Event) => { e.preventDefault(); navigate('/wall'); } }, t.back) : undefined);
    const page = new CallPage({ callId, readOnly, nav: (t) => nav(me, back(t), t) });
    mount(page);
    return;
  }
  if (me.role === 'supervisor') {
    if (path !== '/wall') history.replaceState(null, '', '/wall');
    mount(new WallPage(nav(me), (callId) => navigate(`/call/${encodeURIComponent(callId)}`)));
    return;
  }
  if (path !== '/' && !follow) history.replaceState(null, '', '/');
  mount(new AgentHome(me));
}

void route();
