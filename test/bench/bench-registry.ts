/**
 * Registry for `npm run bench`: each benchmark module calls {@link registerBench} when imported, so adding
 * one to `index.ts` is a single import line. Benchmarks print figures and ratios; they assert nothing.
 */

/** A figure: a number with its unit in the name (e.g. `perPacketUs`), or a short text. */
export type Figures = Record<string, number | string>;

/** One benchmark: returns named figures (printed as a table) and optional detail lines (e.g. a step table). */
export interface BenchModule {
  name: string;
  run(): Promise<{ figures: Figures; details?: string[] }>;
}

export const benches: BenchModule[] = [];

export function registerBench(b: BenchModule): void {
  benches.push(b);
}
