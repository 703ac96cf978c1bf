/**
 * The VectorIndex adapter over `hnswlib-node` (HNSW, Malkov & Yashunin 2018; https://github.com/yoshoku/hnswlib-node):
 * cosine space, integer labels, deletions by marking (slots are reused), automatic growth, and
 * persistence to one file. Search takes an optional label filter (language, class, validity) that
 * hnswlib applies during the graph walk.
 */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** Build and search parameters. Defaults suit up to ~1M vectors. */
export interface HnswOptions {
  /** Graph degree M. Default 16. */
  m?: number;
  /** Candidate list size while building. Default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (raised to k when smaller). Default 64. */
  efSearch?: number;
  /** Initial capacity in vectors. Default 1024; doubles when full. */
  initialCapacity?: number;
}

/** A neighbour: label and cosine similarity (1 − hnswlib's cosine distance). */
export interface Neighbour {
  label: number;
  similarity: number;
}

export class HnswIndex {
  readonly dimension: number;
  private readonly index: InstanceType<typeof HierarchicalNSW>;
  private readonly efSearch: number;
  private readonly live = new Set<number>();

  private constructor(dimension: number, index: InstanceType<typeof HierarchicalNSW>, efSearch: number) {
    this.dimension = dimension;
    this.index = index;
    this.efSearch = efSearch;
  }

  /** An empty index. */
  static create(dimension: number, options: HnswOptions = {}): HnswIndex {
    const index = new HierarchicalNSW('cosine', dimension);
    index.initIndex(options.initialCapacity ?? 1024, options.m ?? 16, options.efConstruction ?? 200, 100, true);
    const h = new HnswIndex(dimension, index, options.efSearch ?? 64);
    index.setEf(h.efSearch);
    return h;
  }

  /**
   * Loads an index written by {@link save}. `labels` are the live labels (from the manifest); any other
   * label in the file is treated as deleted. Rejects when the file is missing or unreadable.
   */
  static async load(file: string, dimension: number, labels: Iterable<number>, options: HnswOptions = {}): Promise<HnswIndex> {
    const index = new HierarchicalNSW('cosine', dimension);
    await index.readIndex(file, true);
    const h = new HnswIndex(dimension, index, options.efSearch ?? 64);
    index.setEf(h.efSearch);
    for (const l of labels) h.live.add(l);
    for (const l of index.getIdsList()) if (!h.live.has(l)) h.tryMarkDelete(l);
    return h;
  }

  /** Number of live vectors. */
  get size(): number {
    return this.live.size;
  }

  /** Adds or replaces the vector of `label` (an unsigned integer). Throws TypeError on a wrong dimension. */
  add(label: number, vector: ArrayLike<number>): void {
    if (vector.length !== this.dimension) throw new TypeError(`vector has ${vector.length} dimensions, index has ${this.dimension}`);
    if (this.live.has(label)) this.tryMarkDelete(label);
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) this.index.resizeIndex(Math.max(1024, this.index.getMaxElements() * 2));
    this.index.addPoint(Array.from(vector), label, true);
    this.live.add(label);
  }

  /** Removes `label` (no-op when absent). */
  remove(label: number): void {
    if (!this.live.delete(label)) return;
    this.tryMarkDelete(label);
  }

  private tryMarkDelete(label: number): void {
    try {
      this.index.markDelete(label);
    } catch {
      // already deleted
    }
  }

  /** The stored vector of a live label (normalised by hnswlib for cosine), or undefined. */
  vector(label: number): number[] | undefined {
    return this.live.has(label) ? this.index.getPoint(label) : undefined;
  }

  /**
   * The `k` nearest live vectors, best first.
   * @param filter accepts a label; hnswlib walks past rejected nodes (searches stay exact in filter
   *   semantics, recall may drop for very selective filters).
   */
  search(vector: ArrayLike<number>, k: number, filter?: (label: number) => boolean): Neighbour[] {
    if (this.live.size === 0 || k <= 0) return [];
    const n = Math.min(k, this.live.size);
    this.index.setEf(Math.max(this.efSearch, n));
    const res = this.index.searchKnn(Array.from(vector), n, filter);
    return res.neighbors.map((label, i) => ({ label, similarity: 1 - res.distances[i] }));
  }

  /** Writes the index to `file` (hnswlib's binary format). */
  async save(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }
}
