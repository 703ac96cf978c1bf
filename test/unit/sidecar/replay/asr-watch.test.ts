import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../../sidecar/calls/call-events.js';
import { AsrWatch } from '../../../../sidecar/replay/asr-watch.js';

const health = (h: Record<string, unknown>) => ({ type: 'health', callId: 'c', seq: 1, atMs: 0, health: h }) as unknown as CallEvent;
const final = { type: 'transcript.final', callId: 'c', seq: 2, atMs: 0, segment: {} } as unknown as CallEvent;

describe('AsrWatch', () => {
  it('turns ASR health that is not ok into warnings, once per distinct problem in the summary, and notes recovery', () => {
    const w = new AsrWatch();
    expect(w.see(health({ component: 'asr', status: 'ok', detail: 'fine' }))).toBeUndefined();
    expect(w.see(health({ component: 'llm', status: 'down', detail: 'no model' }))).toBeUndefined();
    expect(w.see(health({ component: 'asr', status: 'degraded', category: 'connectivity', retrying: true, detail: 'connection reset' })))
      .toBe('speech recognition degraded (connectivity), retrying: connection reset');
    expect(w.see(health({ component: 'asr', status: 'degraded', category: 'connectivity', retrying: true, detail: 'connection reset' })))
      .toBe('speech recognition degraded (connectivity), retrying: connection reset');
    expect(w.see(health({ component: 'asr', status: 'ok', detail: 'reconnected' }))).toBe('speech recognition recovered: reconnected');
    expect(w.see(health({ component: 'asr', status: 'down', category: 'authentication', detail: '401 invalid key' })))
      .toBe('speech recognition down (authentication): 401 invalid key');
    expect(w.problems).toEqual(['speech recognition degraded (connectivity), retrying: connection reset', 'speech recognition down (authentication): 401 invalid key']);
    expect(w.failedWithoutTranscript).toBe(true);
    w.see(final);
    expect(w.finals).toBe(1);
    expect(w.failedWithoutTranscript).toBe(false);
  });

  it('is not a failure without ASR problems, even with no transcript', () => {
    expect(new AsrWatch().failedWithoutTranscript).toBe(false);
  });
});
