import { describe, expect, it } from 'vitest';
import { Call } from '../../../../sidecar/calls/call.js';
import { CallRegistry } from '../../../../sidecar/calls/call-registry.js';
import type { CallEvent } from '../../../../sidecar/calls/call-events.js';
import { feedCallToRegistry } from '../../../../sidecar/calls/registry-feed.js';
import { Transcript } from '../../../../sidecar/calls/transcript.js';

const participants = [
  { id: 'p1', aor: 'sip:+4520123456@trunk.example', name: 'Jens Madsen', role: 'customer' as const },
  { id: 'p2', aor: 'sip:1001@pbx.example.com', name: 'Anna Holm', role: 'agent' as const },
];
const update = (text: string, endMs: number) => ({
  streamLabel: '1', participantId: 'p1', role: 'customer' as const, roleGuessed: false, text, words: [],
  startMs: 1000, endMs, confidence: 0.9, language: 'da',
});

describe('feedCallToRegistry', () => {
  it('registers the call and forwards participants, hold, transcript and the hang-up in order', () => {
    const registry = new CallRegistry();
    const call = new Call({ callId: 'pbx-1', participants, startedAtMs: 1_700_000_000_000 });
    const transcript = new Transcript();
    const seen: CallEvent[] = [];
    feedCallToRegistry(registry, call, { transcript, language: 'da' });
    registry.subscribe('pbx-1', (e) => seen.push(e));
    expect(registry.get('pbx-1')).toMatchObject({ startedAtMs: 1_700_000_000_000, language: 'da' });
    transcript.interim(update('det er', 1400));
    transcript.final(update('det er for dyrt', 2200), 180);
    call.setHeld(true);
    call.setParticipants([participants[0], { ...participants[1], name: 'Anna H.' }]);
    call.end('bye');
    transcript.final(update('late words', 2600));
    expect(seen.map((e) => e.type)).toEqual(['transcript.interim', 'transcript.final', 'call.state', 'call.participants', 'call.state']);
    expect(seen[1]).toMatchObject({ asrDelayMs: 180, segment: { utteranceId: '1-1', text: 'det er for dyrt', speaker: 'Jens Madsen', role: 'customer', startMs: 1000, endMs: 2200 } });
    expect(seen[2]).toMatchObject({ state: 'held' });
    expect(seen[4]).toMatchObject({ state: 'ended', reason: 'bye' });
    const snap = registry.snapshot('pbx-1')!.call;
    expect(snap.participants.map((p) => p.name)).toEqual(['Jens Madsen', 'Anna H.']);
    expect(snap.transcript.map((s) => s.text)).toEqual(['det er for dyrt']);
    registry.close();
  });
});
