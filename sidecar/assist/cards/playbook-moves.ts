import { loadPlaybooks } from '../detection/playbook-loader.js';
import type { PlaybookMoveLookup } from './card.js';

/**
 * The reply moves and competitor names of the objection playbooks (config/playbooks/<lang>.yaml, merged
 * with a team's playbook folder), for the cards: the move for a class in the call's language (English when
 * that language has none), and every competitor name of every language (claims the guard checks).
 */
export function playbookMoves(dir?: string): { lookup: PlaybookMoveLookup; competitors: string[] } {
  const { playbooks } = loadPlaybooks(dir ? { dir } : {});
  const competitors = new Set<string>();
  for (const pb of playbooks.values()) for (const c of pb.source.competitors ?? []) competitors.add(c);
  const lookup: PlaybookMoveLookup = (objectionClass, language) => {
    const lang = language.toLowerCase().slice(0, 2);
    const reply = playbooks.get(lang)?.classes.get(objectionClass)?.reply ?? playbooks.get('en')?.classes.get(objectionClass)?.reply;
    return reply ? { move: reply.move, question: reply.question } : undefined;
  };
  return { lookup, competitors: [...competitors] };
}
