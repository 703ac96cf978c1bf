import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HnswIndex } from '../../../../../sidecar/assist/retrieval/hnsw-index.js';

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('HnswIndex', () => {
  it('finds nearest neighbours by cosine, best first, with similarity = 1 − distance', () => {
    const h = HnswIndex.create(3);
    h.add(1, unit([1, 0, 0]));
    h.add(2, unit([0, 1, 0]));
    h.add(3, unit([1, 1, 0]));
    const res = h.search(unit([1, 0.1, 0]), 2);
    expect(res.map((r) => r.label)).toEqual([1, 3]);
    expect(res[0].similarity).toBeCloseTo(unit([1, 0.1, 0])[0], 5);
  });

  it('applies a label filter, removes labels, replaces a label, and grows past its capacity', () => {
    const h = HnswIndex.create(2, { initialCapacity: 4 });
    for (let i = 0; i < 10; i++) h.add(i, unit([1, i + 1]));
    expect(h.size).toBe(10);
    expect(h.search(unit([1, 1]), 3, (l) => l % 2 === 1).map((r) => r.label).every((l) => l % 2 === 1)).toBe(true);
    h.remove(0);
    expect(h.search(unit([1, 1]), 10).map((r) => r.label)).not.toContain(0);
    h.add(5, unit([-1, 0]));
    expect(h.search(unit([-1, 0]), 1)[0]).toMatchObject({ label: 5 });
    expect(h.size).toBe(9);
    expect(() => h.add(11, [1, 2, 3])).toThrow(/3 dimensions, index has 2/);
  });

  it('persists and reloads, treating labels missing from the manifest as deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    dirs.push(dir);
    const h = HnswIndex.create(2);
    h.add(1, unit([1, 0]));
    h.add(2, unit([0, 1]));
    await h.save(join(dir, 'v.hnsw'));
    const back = await HnswIndex.load(join(dir, 'v.hnsw'), 2, [2]);
    expect(back.size).toBe(1);
    expect(back.search(unit([1, 0]), 2).map((r) => r.label)).toEqual([2]);
    expect(back.vector(2)!.map((x) => Math.round(x * 1000) / 1000)).toEqual([0, 1]);
  });
});
