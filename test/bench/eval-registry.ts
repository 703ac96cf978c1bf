/**
 * Registry for `npm run eval`: each evaluation module calls {@link registerEval} when imported, so
 * adding one to `eval.ts` is a single import line.
 */

/** One evaluation: returns named figures (printed as a table) and optional detail lines. */
export interface EvalModule {
  name: string;
  run(): Promise<{ figures: Record<string, number | string>; details?: string[] }>;
}

export const evals: EvalModule[] = [];

export function registerEval(e: EvalModule): void {
  evals.push(e);
}
