/**
 * Parametric calculators: a small declarative file `<name>.calc.yaml` in the knowledge folder with
 * named inputs (from CRM fields or defaults), a formula, a unit and a currency. The formula is
 * evaluated by {@link parseFormula} (code, never a language model); the result is a fact whose text
 * shows every input and where it came from.
 *
 * @example
 * ```yaml
 * id: C-ROI
 * title: Yearly admin savings vs. subscription
 * language: en
 * classes: [price, need]
 * inputs:
 *   employees:     { from: crm.employees, default: 100, unit: employees }
 *   hoursPer100:   { default: 5, unit: h/week per 100 employees, source: F-030 }
 *   hourlyCost:    { from: crm.hourlyCostDkk, default: 250, unit: DKK/h }
 *   pricePerEmployee: { default: 59, unit: DKK/month, source: F-102 }
 * formula: employees / 100 * hoursPer100 * 52 * hourlyCost - employees * pricePerEmployee * 12
 * unit: DKK/year
 * currency: DKK
 * decimals: 0
 * text: "With {employees} employees the saving is about {result} {unit} after the subscription."
 * ```
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OBJECTION_CLASSES, type CustomerContextRecord, type Fact } from '../ports.js';
import { parseFormula, type Formula } from './formula.js';
import { KbError } from './kb-error.js';

const inputSchema = z.object({
  /** `crm.<field>`: `employees`, `industry`, … or any key of the CRM record's `fields`. */
  from: z.string().regex(/^crm\.[A-Za-z0-9_.]+$/).optional(),
  default: z.number().optional(),
  unit: z.string().optional(),
  /** Fact id the default comes from (shown with the input). */
  source: z.string().optional(),
  label: z.string().optional(),
}).strict();

const calcSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  language: z.string().default('en'),
  classes: z.array(z.enum(OBJECTION_CLASSES)).default([]),
  tags: z.array(z.string()).default([]),
  description: z.string().default(''),
  inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), inputSchema),
  formula: z.union([z.string().min(1), z.number().transform(String)]),
  unit: z.string().default(''),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  decimals: z.number().int().min(0).max(6).default(0),
  text: z.string().default('{title}: {result} {unit}.'),
  verified: z.boolean().default(true),
  internal: z.boolean().default(false),
  validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}).strict();

export type CalculatorSpec = z.infer<typeof calcSchema>;

/** A loaded calculator: its spec, parsed formula and source file. */
export interface Calculator {
  spec: CalculatorSpec;
  formula: Formula;
  /** Path relative to the knowledge folder. */
  source: string;
}

/**
 * Parses a calculator file. Throws KbError `KB_BAD_CALCULATOR` when the YAML or a key is invalid, the
 * formula does not parse, or it uses an input that is not declared.
 */
export function parseCalculator(text: string, file: string): Calculator {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new KbError('KB_BAD_CALCULATOR', `not valid YAML: ${(err as Error).message}`, { file, cause: err });
  }
  const r = calcSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new KbError('KB_BAD_CALCULATOR', `key "${issue.path.join('.')}": ${issue.message}`, { file });
  }
  let formula: Formula;
  try {
    formula = parseFormula(r.data.formula);
  } catch (err) {
    throw new KbError('KB_BAD_CALCULATOR', (err as Error).message, { file, cause: err });
  }
  const undeclared = formula.variables.filter((v) => !(v in r.data.inputs));
  if (undeclared.length) throw new KbError('KB_BAD_CALCULATOR', `formula uses undeclared inputs: ${undeclared.join(', ')}`, { file });
  return { spec: r.data, formula, source: file };
}

/** The text a calculator is retrieved by (title, description, input names and units). */
export function calculatorSearchText(calc: Calculator): string {
  const s = calc.spec;
  const inputs = Object.entries(s.inputs).map(([k, v]) => `${v.label ?? k} ${v.unit ?? ''}`).join(', ');
  return `${s.title}. ${s.description} Inputs: ${inputs}. Result in ${s.unit} ${s.currency ?? ''}`.replace(/\s+/g, ' ').trim();
}

function crmValue(record: CustomerContextRecord | undefined, path: string): number | undefined {
  if (!record) return undefined;
  const key = path.replace(/^crm\./, '');
  const direct = key.startsWith('fields.') ? record.fields[key.slice(7)] : ((record as unknown as Record<string, unknown>)[key] ?? record.fields[key]);
  const n = typeof direct === 'string' ? Number(direct.replace(',', '.')) : direct;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function format(n: number, decimals: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * Evaluates a calculator into a fact.
 * @param customer the caller's CRM record; inputs with `from: crm.*` are read from it.
 * @param overrides input values given by the caller (win over CRM and defaults).
 * @returns a verified fact with `id` = the calculator id, the filled-in text followed by every input,
 *   and `inputs` recording value, unit and origin (`caller` | `crm` | `default`).
 * @throws KbError `KB_CALC_INPUT` when an input has no CRM value, no override and no default.
 */
export function evaluateCalculator(calc: Calculator, customer?: CustomerContextRecord, overrides: Record<string, number> = {}): Fact {
  const s = calc.spec;
  const values: Record<string, number> = {};
  const inputs: NonNullable<Fact['inputs']> = {};
  for (const [name, def] of Object.entries(s.inputs)) {
    const fromCrm = def.from ? crmValue(customer, def.from) : undefined;
    const value = overrides[name] ?? fromCrm ?? def.default;
    if (value === undefined) throw new KbError('KB_CALC_INPUT', `calculator ${s.id}: input "${name}" has no value (no CRM field ${def.from ?? '-'}, no default)`, { file: calc.source });
    values[name] = value;
    inputs[name] = { value, ...(def.unit ? { unit: def.unit } : {}), from: overrides[name] !== undefined ? 'caller' : fromCrm !== undefined ? 'crm' : 'default' };
  }
  const result = calc.formula.evaluate(values);
  const fill: Record<string, string> = { title: s.title, unit: s.unit, currency: s.currency ?? '', result: format(result, s.decimals) };
  for (const [k, v] of Object.entries(values)) fill[k] = format(v, Number.isInteger(v) ? 0 : 2);
  const main = s.text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, k: string) => fill[k] ?? m);
  const shown = Object.entries(inputs)
    .map(([k, v]) => `${s.inputs[k].label ?? k} = ${fill[k]}${v.unit ? ` ${v.unit}` : ''} (${v.from}${s.inputs[k].source ? `, ${s.inputs[k].source}` : ''})`)
    .join('; ');
  return {
    id: s.id,
    text: `${main} Inputs: ${shown}. Formula: ${s.formula}.`,
    source: calc.source,
    location: 'calculator',
    language: s.language,
    classes: [...s.classes],
    tags: [...s.tags, 'calculator'],
    verified: s.verified,
    internal: s.internal,
    inputs,
    ...(s.validUntil ? { validUntil: s.validUntil } : {}),
  };
}
