import { readFileSync, readdirSync } from 'node:fs';
import type { ObjectionLabel } from '../../sidecar/assist/ports.js';
import type { Participant } from '../../sidecar/sip/siprec-types.js';

/** One turn of a written sales call (test/fixtures/calls/*.json). */
export interface FixtureTurn {
  turn: number;
  speaker: 'agent' | 'customer';
  lang: string;
  text: string;
  objection: boolean;
  label: ObjectionLabel;
  /** Facts the agent's reply draws on. */
  kb_facts?: string[];
}

/** A fixture turn on the call timeline (ms from call start). */
export interface TimedTurn extends FixtureTurn {
  startMs: number;
  endMs: number;
}

const CALLS = new URL('../fixtures/calls/', import.meta.url);

/** File names of the call fixtures, sorted. */
export function callFixtureNames(): string[] {
  return readdirSync(CALLS).filter((f) => f.endsWith('.json')).sort();
}

/**
 * Loads a call and places its turns on a timeline: 330 ms per word (≈180 words per minute), 600 ms
 * between turns, the first turn at 1 s.
 */
export function loadCallFixture(name: string): TimedTurn[] {
  const turns = JSON.parse(readFileSync(new URL(name, CALLS), 'utf8')) as FixtureTurn[];
  let at = 1000;
  return turns.map((t) => {
    const durationMs = Math.max(1, t.text.split(/\s+/).filter(Boolean).length) * 330;
    const timed = { ...t, startMs: at, endMs: at + durationMs };
    at += durationMs + 600;
    return timed;
  });
}

/** The two participants of a fixture call (agent on the PBX, customer on an outside number). */
export const FIXTURE_PARTICIPANTS: Participant[] = [
  { id: 'p-agent', aor: 'sip:2001@pbx.nordtid.example', name: 'Agent', role: 'agent' },
  { id: 'p-customer', aor: 'sip:+4520123456@carrier.example', name: 'Customer', role: 'customer' },
];
