/**
 * Arithmetic formulas for calculators, evaluated by code (never by a language model). Grammar:
 * numbers, input names (`[A-Za-z_][A-Za-z0-9_]*`), `+ - * / ^`, unary minus, parentheses, and the
 * functions `min`, `max`, `round(x[, digits])`, `floor`, `ceil`, `abs`. No other syntax is accepted:
 * the formula is parsed to a tree once and evaluated per call.
 */
import { KbError } from './kb-error.js';

type Node =
  | { t: 'num'; v: number }
  | { t: 'var'; name: string }
  | { t: 'neg'; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'call'; fn: string; args: Node[] };

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  min: Math.min, max: Math.max, floor: Math.floor, ceil: Math.ceil, abs: Math.abs,
  round: (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d,
};

/** A parsed formula: the input names it uses, and `evaluate(values)`. */
export interface Formula {
  readonly source: string;
  readonly variables: string[];
  /** Evaluates with the given inputs. Throws KbError `KB_CALC_INPUT` for a missing input or a non-finite result. */
  evaluate(values: Record<string, number>): number;
}

/** Parses `source`. Throws KbError `KB_BAD_CALCULATOR` with the position of the first error. */
export function parseFormula(source: string): Formula {
  const tokens = [...source.matchAll(/\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/^(),]|\S)/g)].map((m) => ({ s: m[1], at: m.index ?? 0 }));
  let i = 0;
  const fail = (msg: string): never => {
    throw new KbError('KB_BAD_CALCULATOR', `formula "${source}": ${msg} at ${tokens[i]?.at ?? source.length}`);
  };
  const peek = () => tokens[i]?.s;
  const expect = (s: string) => (peek() === s ? i++ : fail(`expected "${s}"`));
  const expr = (): Node => {
    let a = term();
    while (peek() === '+' || peek() === '-') { const op = tokens[i++].s; a = { t: 'bin', op, a, b: term() }; }
    return a;
  };
  const term = (): Node => {
    let a = unary();
    while (peek() === '*' || peek() === '/') { const op = tokens[i++].s; a = { t: 'bin', op, a, b: unary() }; }
    return a;
  };
  const unary = (): Node => (peek() === '-' ? (i++, { t: 'neg', a: unary() }) : power());
  const power = (): Node => {
    const a = atom();
    if (peek() === '^') { i++; return { t: 'bin', op: '^', a, b: unary() }; }
    return a;
  };
  const atom = (): Node => {
    const s = peek();
    if (s === undefined) return fail('unexpected end');
    if (s === '(') { i++; const e = expr(); expect(')'); return e; }
    if (/^\d/.test(s)) { i++; return { t: 'num', v: Number(s) }; }
    if (/^[A-Za-z_]/.test(s)) {
      i++;
      if (peek() === '(') {
        if (!FUNCTIONS[s]) fail(`unknown function "${s}"`);
        i++;
        const args: Node[] = [];
        if (peek() !== ')') { args.push(expr()); while (peek() === ',') { i++; args.push(expr()); } }
        expect(')');
        return { t: 'call', fn: s, args };
      }
      return { t: 'var', name: s };
    }
    return fail(`unexpected "${s}"`);
  };
  const root = expr();
  if (i < tokens.length) fail(`unexpected "${peek()}"`);
  const variables = new Set<string>();
  const collect = (n: Node): void => {
    if (n.t === 'var') variables.add(n.name);
    else if (n.t === 'neg') collect(n.a);
    else if (n.t === 'bin') { collect(n.a); collect(n.b); }
    else if (n.t === 'call') n.args.forEach(collect);
  };
  collect(root);
  const ev = (n: Node, vals: Record<string, number>): number => {
    switch (n.t) {
      case 'num': return n.v;
      case 'var': {
        const v = vals[n.name];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new KbError('KB_CALC_INPUT', `input "${n.name}" is missing or not a number`);
        return v;
      }
      case 'neg': return -ev(n.a, vals);
      case 'call': return FUNCTIONS[n.fn](...n.args.map((a) => ev(a, vals)));
      case 'bin': {
        const a = ev(n.a, vals), b = ev(n.b, vals);
        return n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : n.op === '/' ? a / b : a ** b;
      }
    }
  };
  return {
    source,
    variables: [...variables],
    evaluate(values) {
      const r = ev(root, values);
      if (!Number.isFinite(r)) throw new KbError('KB_CALC_INPUT', `formula "${source}" gave ${r} (division by zero?)`);
      return r;
    },
  };
}
