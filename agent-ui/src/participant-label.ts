/**
 * What the page calls a participant. Replays and sparse SIPREC metadata (RFC 7865 §4.4: the name is
 * optional) leave placeholders: a name that only repeats the role ("Customer", "Agent", in any UI
 * language) or an AoR on the reserved `.invalid` domain (RFC 2606 §2, used for replays without
 * addresses). Those are not shown; a real name is, else the number or AoR user part.
 */
import { strings, UI_LANGUAGES } from './i18n';
import type { CallParticipant } from './types';

/** Role words in every UI language, lower case ("agent", "customer", "kunde", "sælger", …). */
const ROLE_WORDS = new Set(UI_LANGUAGES.flatMap((l) => {
  const t = strings(l);
  return [t.agent, t.customer, t.unknownSpeaker, t.col.agent, t.col.customer];
}).concat(['agent', 'customer', 'caller', 'callee', 'speaker', 'unknown']).map((w) => w.toLowerCase()));

/** True when `text` says nothing beyond the participant's role (empty, or a role word). */
export function isPlaceholder(text: string | undefined): boolean {
  const v = text?.trim().toLowerCase();
  return !v || ROLE_WORDS.has(v);
}

/**
 * The number or address to show for an AoR: `sip:+4520123456@trunk.example.net` → `+4520123456`,
 * `tel:+4520123456` → `+4520123456`; undefined for a placeholder (`sip:customer@replay.invalid`).
 */
export function aorLabel(aor: string | undefined): string | undefined {
  if (!aor) return undefined;
  const bare = aor.trim().replace(/^<|>$/g, '').replace(/^(sips?|tel):/i, '');
  const at = bare.lastIndexOf('@');
  const user = at >= 0 ? bare.slice(0, at) : bare;
  const host = at >= 0 ? bare.slice(at + 1).toLowerCase() : '';
  if (host === 'invalid' || host.endsWith('.invalid')) return undefined;
  const shown = user || bare;
  return isPlaceholder(shown) ? undefined : shown;
}

/**
 * The participant's name, else number/AoR user part; undefined when both are placeholders.
 * `except` drops a value the caller already shows next to it (no "Jens · Jens").
 */
export function participantLabel(p: Pick<CallParticipant, 'name' | 'aor'> | undefined, except: (string | undefined)[] = []): string | undefined {
  if (!p) return undefined;
  const skip = new Set(except.filter(Boolean).map((e) => e!.trim().toLowerCase()));
  for (const v of [p.name, aorLabel(p.aor)]) {
    if (!isPlaceholder(v) && !skip.has(v!.trim().toLowerCase())) return v!.trim();
  }
  return undefined;
}
