import { describe, expect, it } from 'vitest';
import { EnhancedEmitter } from '../../../../sidecar/core/enhanced-emitter.js';

describe('EnhancedEmitter.safeEmit', () => {
  it('keeps calling the other listeners when one throws, and reports whether anyone listened', () => {
    const emitter = new EnhancedEmitter<{ tick: [number] }>();
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('listener bug');
    });
    emitter.on('tick', (n) => seen.push(n));
    const origWrite = process.stderr.write.bind(process.stderr);
    const errors: string[] = [];
    process.stderr.write = ((s: string) => (errors.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(emitter.safeEmit('tick', 7)).toBe(true);
    } finally {
      process.stderr.write = origWrite;
    }
    expect(seen).toEqual([7]);
    expect(errors.join('')).toContain('listener bug');
    expect(new EnhancedEmitter<{ tick: [number] }>().safeEmit('tick', 1)).toBe(false);
  });

  it('calls a once() listener a single time', () => {
    const emitter = new EnhancedEmitter<{ close: [string] }>();
    const reasons: string[] = [];
    emitter.once('close', (r) => reasons.push(r));
    emitter.safeEmit('close', 'a');
    emitter.safeEmit('close', 'b');
    expect(reasons).toEqual(['a']);
  });
});
