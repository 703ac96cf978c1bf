import type { CustomerContextRecord, Fact, LlmMessage, ObjectionClass } from '../ports.js';
import type { PlaybookMove } from './card.js';

/**
 * The prompt for a drafted reply. It holds only the retrieved facts with their ids, the CRM context and
 * the last turns of the call (plus the class and the playbook move), and asks for a short reply in the
 * call's language in which every factual sentence ends with the id of the fact it comes from.
 */

/** One turn of the conversation, oldest first. */
export interface ConversationTurn {
  role: 'customer' | 'agent';
  text: string;
}

/** Input of {@link buildDraftPrompt}. */
export interface DraftPromptInput {
  objectionClass: ObjectionClass;
  language: string;
  /** The facts the reply may use (verified, retrieved for this objection; calculator results included). */
  facts: readonly Fact[];
  context?: CustomerContextRecord;
  /** The last turns, oldest first; the objection itself is the last customer turn. */
  turns: readonly ConversationTurn[];
  move?: PlaybookMove;
  /** The selling company's name, when configured. */
  companyName?: string;
  /** Maximum sentences in the reply. Default 3. */
  maxSentences?: number;
}

const LANGUAGE_NAMES: Record<string, string> = { da: 'Danish', de: 'German', en: 'English' };

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function contextLines(c: CustomerContextRecord | undefined): string[] {
  if (!c) return ['(none)'];
  const out: string[] = [];
  if (c.company) out.push(`Company: ${oneLine(c.company)}`);
  if (c.contactName) out.push(`Contact: ${oneLine(c.contactName)}`);
  if (c.employees !== undefined) out.push(`Employees: ${c.employees}`);
  if (c.industry) out.push(`Industry: ${oneLine(c.industry)}`);
  if (c.currentVendor) out.push(`Current vendor or tool: ${oneLine(c.currentVendor)}`);
  return out.length ? out : ['(none)'];
}

/** Builds the system and user messages. Pure; the same input gives the same prompt. */
export function buildDraftPrompt(input: DraftPromptInput): LlmMessage[] {
  const lang = LANGUAGE_NAMES[input.language.toLowerCase().slice(0, 2)] ?? input.language;
  const n = input.maxSentences ?? 3;
  const seller = input.companyName ? ` for ${oneLine(input.companyName)}` : '';
  const system = [
    `You draft what a sales agent${seller} can say next on a live phone call, to answer the customer's objection.`,
    'Rules:',
    '1. Use only the facts listed under FACTS. Do not add any number, price, percentage, date, duration, certification, standard, location or company name that is not written in a fact you cite.',
    '2. End every sentence that states a fact with the id of the fact it comes from in square brackets, e.g. [F-101]. Cite only ids listed under FACTS.',
    '3. If a fact says something is not offered, not held or not possible, say so plainly. Never imply that it is planned.',
    '4. If the facts do not answer the objection, say that there is no verified answer and ask the QUESTION instead. Never guess.',
    '5. Facts marked (internal) guide the agent; rephrase them, do not read them out as quotes.',
    `6. At most ${n} short sentences, in ${lang}, spoken style, no greeting, no list, no markdown.`,
  ].join('\n');
  const facts = input.facts.map((f) => `[${f.id}]${f.internal ? ' (internal)' : ''} ${oneLine(f.text)}`);
  const turns = input.turns.map((t) => `${t.role === 'customer' ? 'Customer' : 'Agent'}: ${oneLine(t.text)}`);
  const user = [
    `OBJECTION CLASS: ${input.objectionClass}`,
    input.move ? `PLAYBOOK MOVE: ${oneLine(input.move.move)}` : undefined,
    input.move ? `QUESTION: ${oneLine(input.move.question)}` : undefined,
    'CUSTOMER CONTEXT (CRM):',
    ...contextLines(input.context),
    'FACTS:',
    ...(facts.length ? facts : ['(none)']),
    'CONVERSATION (last turns):',
    ...(turns.length ? turns : ['(none)']),
    `Write the agent's reply in ${lang}.`,
  ].filter((l): l is string => l !== undefined).join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
