import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../sidecar/core/logger.js';

function spy(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes JSON lines and redacts secrets, API keys and tokens at any common depth', () => {
    const out = spy();
    const logger = createLogger({ destination: out.stream, level: 'info' });
    logger.info({ drachtio: { host: 'h', secret: 'drachtio-secret' }, apiKey: 'dg-key', auth: { token: 'tok' }, config: { asr: { deepgram: { apiKey: 'deep-key' } } } }, 'connecting');
    logger.child({ callId: 'c1' }).info({ headers: { authorization: 'Bearer abc' } }, 'request');
    const text = out.lines().join('\n');
    expect(text).not.toContain('drachtio-secret');
    expect(text).not.toContain('dg-key');
    expect(text).not.toContain('deep-key');
    expect(text).not.toContain('"tok"');
    expect(text).not.toContain('Bearer abc');
    const first = JSON.parse(out.lines()[0]);
    expect(first.msg).toBe('connecting');
    expect(first.drachtio.host).toBe('h');
    expect(first.drachtio.secret).toBe('[redacted]');
    expect(JSON.parse(out.lines()[1]).callId).toBe('c1');
  });
});
