import { describe, expect, it } from 'vitest';
import { CallTranscriber, type TranscribedSession } from '../../../../sidecar/calls/call-transcriber.js';
import { EnhancedEmitter } from '../../../../sidecar/core/enhanced-emitter.js';
import { ProviderError } from '../../../../sidecar/core/errors.js';
import { silentLogger } from '../../../../sidecar/core/logger.js';
import type { RecordingSessionEvents, SessionFrame } from '../../../../sidecar/sip/recording-session.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { scriptedSpeech } from '../../../servers/deepgram-server.js';

const VOCAB = ['honestly', 'that', 'is', 'more'];

/** A recording session stand-in: emits the session's events, collects beforeClose hooks. */
class FakeSession extends EnhancedEmitter<RecordingSessionEvents> {
  readonly callId = 'call-1';
  readonly call = { startedAtMs: Date.now() };
  hooks: Array<() => Promise<void> | void> = [];
  beforeClose(hook: () => Promise<void> | void): void {
    this.hooks.push(hook);
  }
  async close(): Promise<void> {
    for (const h of this.hooks) await h();
  }
}

function feed(s: FakeSession, label: string, role: 'agent' | 'customer' | 'mixed', pcm: Int16Array): void {
  for (let i = 0; i < pcm.length; i += 320) {
    const f: SessionFrame = { label, role, participant: { id: `p-${label}`, aor: `sip:${label}@x`, role }, frame: { samples: pcm.slice(i, i + 320), startMs: i / 16, concealed: false } };
    s.safeEmit('frame', f);
  }
}

describe('CallTranscriber', () => {
  it('opens a stream at its first frame, drains a removed stream and the rest at close', async () => {
    const s = new FakeSession();
    const ct = new CallTranscriber({ session: s as unknown as TranscribedSession, provider: new FakeAsrProvider({ vocabulary: VOCAB }), language: 'en', vad: false, logger: silentLogger() });
    const noPause = scriptedSpeech([{ k: 0, ms: 100 }, { k: 1, ms: 200 }, { k: 0, ms: 40 }, { k: 2, ms: 200 }]);
    feed(s, '1', 'customer', noPause);
    feed(s, '2', 'agent', scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }]));
    expect(ct.labels).toEqual(['1', '2']);
    s.safeEmit('stream-removed', { label: '2', reason: 'stream-removed' });
    expect(ct.labels).toEqual(['1']);
    await s.close();
    expect(ct.transcript.utterances.map((u) => [u.streamLabel, u.role, u.participantId, u.text])).toEqual([
      ['1', 'customer', 'p-1', 'honestly that'],
      ['2', 'agent', 'p-2', 'more'],
    ]);
    feed(s, '1', 'customer', noPause); // after close: ignored
    expect(ct.labels).toEqual([]);
  });

  it('follows a transfer that rebinds a stream to another party: new utterances carry the new role and participant', async () => {
    const s = new FakeSession();
    const ct = new CallTranscriber({ session: s as unknown as TranscribedSession, provider: new FakeAsrProvider({ vocabulary: VOCAB }), language: 'en', vad: false, logger: silentLogger() });
    const before = scriptedSpeech([{ k: 0, ms: 100 }, { k: 1, ms: 200 }, { k: 0, ms: 500 }]);
    const firstFinal = new Promise<void>((resolve) => ct.transcript.on('final', () => resolve()));
    let atMs = 0;
    const send = (pcm: Int16Array, role: 'agent' | 'customer', participantId: string) => {
      for (let i = 0; i < pcm.length; i += 320, atMs += 20) {
        s.safeEmit('frame', { label: '1', role, participant: { id: participantId, aor: `sip:${participantId}@x`, role }, frame: { samples: pcm.slice(i, i + 320), startMs: atMs, concealed: false } });
      }
    };
    send(before, 'customer', 'p-customer');
    await firstFinal;
    // the re-INVITE after the transfer binds label 1 to the colleague the customer was transferred to
    send(scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }, { k: 0, ms: 100 }]), 'agent', 'p-colleague');
    expect(ct.labels).toEqual(['1']);
    await s.close();
    expect(ct.transcript.utterances.map((u) => [u.streamLabel, u.role, u.participantId, u.text])).toEqual([
      ['1', 'customer', 'p-customer', 'honestly'],
      ['1', 'agent', 'p-colleague', 'more'],
    ]);
  });

  it('reports a failing stream as degraded with the call ID while the other stream goes on', async () => {
    const s = new FakeSession();
    const quota = new ProviderError('fake', 'quota', 'fake: quota exhausted', { status: 402 });
    const ct = new CallTranscriber({
      session: s as unknown as TranscribedSession, provider: new FakeAsrProvider({ vocabulary: VOCAB, failures: [{ attempt: 0, error: quota }] }),
      language: 'en', vad: false, logger: silentLogger(),
    });
    const events: unknown[] = [];
    ct.on('degraded', (e) => events.push(e));
    feed(s, '1', 'customer', scriptedSpeech([{ k: 0, ms: 100 }, { k: 3, ms: 200 }]));
    feed(s, '2', 'agent', scriptedSpeech([{ k: 0, ms: 100 }, { k: 4, ms: 200 }]));
    await s.close();
    expect(events).toEqual([{ component: 'asr', streamLabel: '1', provider: 'fake', category: 'quota', retrying: false, detail: 'fake: quota exhausted', callId: 'call-1' }]);
    expect(ct.transcript.utterances.map((u) => [u.streamLabel, u.text])).toEqual([['2', 'more']]);
  });

  it('maps the speakers of a mixed stream by call direction: on an outbound call the customer answers first', async () => {
    for (const [callDirection, first] of [['outbound', 'customer'], ['inbound', 'agent']] as const) {
      const s = new FakeSession();
      const ct = new CallTranscriber({
        session: s as unknown as TranscribedSession, provider: new FakeAsrProvider({ vocabulary: VOCAB }), language: 'en', vad: false,
        callDirection, logger: silentLogger(),
      });
      feed(s, 'mix', 'mixed', scriptedSpeech([{ k: 0, ms: 100 }, { k: 1, ms: 200 }, { k: 0, ms: 40 }, { k: -2, ms: 200 }]));
      await s.close();
      expect(ct.transcript.utterances.map((u) => [u.role, u.roleGuessed, u.text])).toEqual([
        [first, true, 'honestly'], [first === 'agent' ? 'customer' : 'agent', true, 'that'],
      ]);
    }
  });
});
