import { describe, expect, it } from 'vitest';
import { aorLabel, isPlaceholder, participantLabel } from '../../../agent-ui/src/participant-label.js';

describe('participant labels', () => {
  it('recognises role words in every UI language as placeholders', () => {
    for (const w of ['Customer', 'customer', 'Agent', 'Kunde', 'Sælger', 'Vertrieb', '', '  ']) expect(isPlaceholder(w), w).toBe(true);
    expect(isPlaceholder(undefined)).toBe(true);
    expect(isPlaceholder('Jens Madsen')).toBe(false);
  });

  it('shows the number or user part of an AoR, never a reserved .invalid placeholder', () => {
    expect(aorLabel('sip:+4520123456@trunk.example.net')).toBe('+4520123456');
    expect(aorLabel('<sips:1001@pbx.example.com>')).toBe('1001');
    expect(aorLabel('tel:+4520123456')).toBe('+4520123456');
    expect(aorLabel('+45 20 12 34 56')).toBe('+45 20 12 34 56');
    expect(aorLabel('sip:customer@replay.invalid')).toBeUndefined();
    expect(aorLabel('sip:4711@replay.invalid')).toBeUndefined();
    expect(aorLabel('customer')).toBeUndefined();
    expect(aorLabel(undefined)).toBeUndefined();
  });

  it('prefers the name, falls back to the number, and drops placeholders and repeats', () => {
    expect(participantLabel({ name: 'Anna Holm', aor: 'sip:1001@pbx.example.com' })).toBe('Anna Holm');
    expect(participantLabel({ name: 'Agent', aor: 'sip:1001@pbx.example.com' })).toBe('1001');
    expect(participantLabel({ name: 'Agent', aor: 'sip:agent@replay.invalid' })).toBeUndefined();
    expect(participantLabel({ name: 'Customer', aor: 'sip:customer@replay.invalid' })).toBeUndefined();
    expect(participantLabel({ aor: 'sip:+4520123456@trunk.example.net' }, ['+4520123456'])).toBeUndefined();
    expect(participantLabel({ name: 'Jens', aor: 'sip:+4520123456@trunk.example.net' }, ['jens'])).toBe('+4520123456');
    expect(participantLabel(undefined)).toBeUndefined();
  });
});
