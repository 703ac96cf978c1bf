/**
 * A CallDriver that publishes the events the pipeline would publish (transcript interim → final,
 * objection, extractive card, drafted card streaming in, ledger, health) straight into the registry.
 */
import type { CallRegistry } from '../../../sidecar/calls/call-registry.js';
import type { CallCard, LedgerEntry } from '../../../sidecar/calls/call-events.js';
import type { CallDriver, CallScript } from './call-driver.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

export class RegistryDriver implements CallDriver {
  readonly #startedAt = new Map<string, number>();
  constructor(private readonly registry: CallRegistry) {}

  async start(script: CallScript): Promise<string> {
    const startedAtMs = Date.now() - script.startedAgoMs;
    this.#startedAt.set(script.callId, startedAtMs);
    this.registry.upsertCall({ callId: script.callId, startedAtMs, language: script.language, participants: script.participants });
    if (script.customer) this.registry.publish({ type: 'call.customer', callId: script.callId, customer: script.customer });
    const labels = script.participants.map((p, i) => ({ label: String(i + 1), role: p.role }));
    this.registry.publish({ type: 'health', callId: script.callId, health: { component: 'media', status: 'ok',
      streams: labels.map((l) => ({ ...l, packetsReceived: Math.round(script.startedAgoMs / 20), packetsLost: 3, jitterMs: 2.1 })) } });
    this.registry.publish({ type: 'health', callId: script.callId, health: { component: 'asr', status: 'ok', asrDelayMs: 240 } });
    return script.callId;
  }

  async play(script: CallScript, from: number, to: number): Promise<void> {
    const { callId } = script;
    const startedAtMs = this.#startedAt.get(callId)!;
    for (let i = from; i < to; i++) {
      const turn = script.turns[i];
      const label = String(script.participants.findIndex((p) => p.role === turn.role) + 1);
      const speaker = script.participants.find((p) => p.role === turn.role)?.name;
      const utteranceId = `${callId}-u${i}`;
      const words = turn.text.split(' ');
      const endMs = turn.startMs + words.length * 320;
      const base = { utteranceId, streamLabel: label, role: turn.role, ...(speaker && { speaker }), startMs: turn.startMs, language: script.language };
      for (const n of [Math.ceil(words.length / 3), Math.ceil((2 * words.length) / 3)]) {
        this.registry.publish({ type: 'transcript.interim', callId, segment: { ...base, text: words.slice(0, n).join(' '), endMs: turn.startMs + n * 320 } });
        await tick();
      }
      const asrAtMs = Date.now();
      this.registry.publish({ type: 'transcript.final', callId, asrDelayMs: 230, segment: { ...base, text: turn.text, endMs, confidence: 0.94 } });
      const prev = script.turns[i - 1];
      if (turn.role === 'agent' && prev?.expect) {
        const objectionId = `${callId}-o${i - 1}`;
        const answered = prev.expect.answered ?? false;
        if (answered) this.#ledger(callId, { objectionId, objectionClass: prev.expect.objection, state: 'answered', raisedMs: prev.startMs + 2000, cardShownMs: prev.startMs + 2020, answeredMs: turn.startMs + 1500, cardId: `${objectionId}-card` });
      }
      if (!turn.expect) continue;
      const e = turn.expect;
      const objectionId = `${callId}-o${i}`;
      const raisedMs = endMs;
      this.registry.publish({ type: 'objection', callId, objection: { objectionId, objectionClass: e.objection, confidence: 0.91, utteranceId, text: turn.text, raisedMs } });
      this.#ledger(callId, { objectionId, objectionClass: e.objection, state: 'raised', raisedMs });
      const card: CallCard = {
        cardId: `${objectionId}-card`, objectionId, objectionClass: e.objection, status: 'extractive',
        text: e.citations[0].text, citations: e.citations.slice(0, 1), confidence: e.confidence, removedCount: 0, language: script.language,
        createdAtMs: Date.now(), updatedAtMs: Date.now(),
        stages: { asrAtMs, detectedAtMs: asrAtMs + 2, retrievedAtMs: asrAtMs + 5, extractiveAtMs: Date.now() },
      };
      this.registry.publish({ type: 'card.created', callId, card });
      this.#ledger(callId, { objectionId, objectionClass: e.objection, state: 'card_shown', raisedMs, cardShownMs: raisedMs + 20, cardId: card.cardId });
      // The drafted reply streams in, replacing the extractive text in place.
      const draftWords = e.reply.split(' ');
      for (let n = 4; n < draftWords.length; n += 4) {
        this.registry.publish({ type: 'card.updated', callId, card: { ...card, status: 'drafting', text: draftWords.slice(0, n).join(' '), updatedAtMs: Date.now(),
          stages: { ...card.stages, draftStartedAtMs: Date.now(), draftFirstTextAtMs: card.stages.extractiveAtMs! + 300 } } });
        await tick();
      }
      this.registry.publish({ type: 'card.updated', callId, card: { ...card, status: 'final', text: e.reply, citations: e.citations, removedCount: e.removedCount ?? 0,
        updatedAtMs: Date.now(), stages: { ...card.stages, draftFirstTextAtMs: card.stages.extractiveAtMs! + 300, finalAtMs: Date.now() } } });
      void startedAtMs;
    }
  }

  async end(callId: string): Promise<void> {
    this.registry.endCall(callId, 'bye');
  }

  #ledger(callId: string, entry: LedgerEntry): void {
    this.registry.publish({ type: 'ledger', callId, entry });
  }
}
