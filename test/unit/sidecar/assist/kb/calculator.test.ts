import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateCalculator, parseCalculator } from '../../../../../sidecar/assist/kb/calculator.js';
import { parseFormula } from '../../../../../sidecar/assist/kb/formula.js';

const roi = readFileSync(new URL('../../../../fixtures/kb-formats/roi.calc.yaml', import.meta.url), 'utf8');

describe('formula', () => {
  it('evaluates precedence, power, unary minus and functions', () => {
    expect(parseFormula('2 + 3 * 4 ^ 2 / 8').evaluate({})).toBe(8);
    expect(parseFormula('-(a - b) * 2').evaluate({ a: 1, b: 4 })).toBe(6);
    expect(parseFormula('round(x / 3, 2) + max(1, y, 3) - min(2, 5)').evaluate({ x: 10, y: 7 })).toBe(3.33 + 7 - 2);
    expect(parseFormula('a * b + c').variables).toEqual(['a', 'b', 'c']);
  });

  it('rejects anything that is not arithmetic, naming the position', () => {
    expect(() => parseFormula('a +')).toThrow(/unexpected end at 3/);
    expect(() => parseFormula('process.exit(1)')).toThrow(/unexpected "\."/);
    expect(() => parseFormula('eval(1)')).toThrow(/unknown function "eval"/);
    expect(() => parseFormula('1 / x').evaluate({ x: 0 })).toThrow(/division by zero/);
    expect(() => parseFormula('a').evaluate({})).toThrow(/input "a" is missing/);
  });
});

describe('calculator', () => {
  const calc = parseCalculator(roi, 'roi.calc.yaml');

  it('computes with defaults and shows every input with its origin', () => {
    const fact = evaluateCalculator(calc);
    // 100/100*5*52*250 - 100*59*12 = 65000 - 70800
    expect(fact.id).toBe('C-ROI');
    expect(fact.text).toBe('With 100 employees the admin time saved is worth about -5,800 DKK/year more than the Plus subscription costs. '
      + 'Inputs: employees = 100 employees (default); hours saved = 5 h/week per 100 employees (default, F-030); hourly cost = 250 DKK/h (default); Plus price = 59 DKK/month (default, F-102). '
      + 'Formula: employees / 100 * hoursPer100 * 52 * hourlyCost - employees * pricePerEmployee * 12.');
    expect(fact.inputs).toEqual({
      employees: { value: 100, unit: 'employees', from: 'default' },
      hoursPer100: { value: 5, unit: 'h/week per 100 employees', from: 'default' },
      hourlyCost: { value: 250, unit: 'DKK/h', from: 'default' },
      pricePerEmployee: { value: 59, unit: 'DKK/month', from: 'default' },
    });
    expect(fact).toMatchObject({ source: 'roi.calc.yaml', location: 'calculator', classes: ['price', 'need'], verified: true });
  });

  it('reads inputs from the CRM record, and caller overrides win', () => {
    const fact = evaluateCalculator(calc, { employees: 300, fields: { hourlyCostDkk: '320' }, source: 'csv' }, { hoursPer100: 4 });
    // 3*4*52*320 - 300*59*12 = 199680 - 212400
    expect(fact.text).toContain('about -12,720 DKK/year');
    expect(fact.inputs!.employees).toEqual({ value: 300, unit: 'employees', from: 'crm' });
    expect(fact.inputs!.hourlyCost).toEqual({ value: 320, unit: 'DKK/h', from: 'crm' });
    expect(fact.inputs!.hoursPer100.from).toBe('caller');
  });

  it('rejects an undeclared input, a bad key and an input without any value', () => {
    expect(() => parseCalculator('id: C\ntitle: t\ninputs: { a: {default: 1} }\nformula: a * b\n', 'x.calc.yaml')).toThrow(/undeclared inputs: b/);
    expect(() => parseCalculator('id: C\ntitle: t\ninputs: {}\nformula: 1\ncurrency: kroner\n', 'x.calc.yaml')).toThrow(/key "currency"/);
    const c = parseCalculator('id: C\ntitle: t\ninputs: { a: {from: crm.employees} }\nformula: a * 2\n', 'x.calc.yaml');
    expect(() => evaluateCalculator(c)).toThrow(/input "a" has no value/);
    expect(evaluateCalculator(c, { employees: 21, fields: {}, source: 't' }).text).toContain('t: 42');
  });
});
