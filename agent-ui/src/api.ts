/** REST calls of the UI. Credentials travel in the HttpOnly session cookie (same origin). */
import type { CallCard, CallSnapshot, CallSummary, FeedbackKind } from './types';

export interface Me { name: string; role: 'agent' | 'supervisor'; aors: string[] }

export class HttpError extends Error {
  constructor(readonly status: number) { super(`HTTP ${status}`); }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new HttpError(res.status);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const api = {
  me: () => call<Me>('GET', '/api/session'),
  login: (token: string) => call<Me>('POST', '/api/session', { token }),
  logout: () => call<void>('DELETE', '/api/session'),
  calls: (state: 'live' | 'recent' | 'all') => call<{ calls: CallSummary[] }>('GET', `/api/calls?state=${state}`),
  call: (callId: string) => call<{ seq: number; call: CallSnapshot }>('GET', `/api/calls/${encodeURIComponent(callId)}`),
  feedback: (callId: string, cardId: string, kind: FeedbackKind) =>
    call<{ card: CallCard }>('POST', `/api/calls/${encodeURIComponent(callId)}/cards/${encodeURIComponent(cardId)}/feedback`, { kind }),
  statsToday: () => call<StatsToday>('GET', '/api/stats/today'),
};

export interface StatsToday {
  day: string;
  calls: number;
  cardsByClass: Record<string, number>;
  feedback: { used: number; dismissed: number; wrong: number };
  cardsShown: number;
  feedbackRate: number;
  usedRate: number;
  wrongRate: number;
}
