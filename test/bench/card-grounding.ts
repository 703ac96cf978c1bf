/**
 * Card composition and grounding cost: the extractive card is on the 20 ms ASR→card path (DESIGN.md
 * "Latency budget"); the guard runs once per drafted sentence, off that path. Figures in µs per operation.
 */
import { composeExtractiveCard } from '../../sidecar/assist/cards/extractive-composer.js';
import { extractClaims } from '../../sidecar/assist/cards/claims/extract-claims.js';
import { GroundingGuard } from '../../sidecar/assist/cards/grounding-guard.js';
import type { Fact } from '../../sidecar/assist/ports.js';
import { registerBench } from './bench-registry.js';

const fact = (id: string, text: string, language = 'en'): Fact => ({ id, text, source: 'kb.md', location: '', language, classes: [], tags: [], verified: true });
const facts = [
  fact('F-101', 'Basis subscription (Basis): 39.00 DKK / 5.20 EUR per active employee per month, monthly or annual. No contractual uptime SLA.'),
  fact('F-112', 'Annual prepayment discount: 10% off subscription fees when the year is paid in advance. Cannot be combined with F-113.'),
  fact('F-305', 'ISO/IEC 27001:2022 certification. First certified in 2021, recertified in 2024.'),
  fact('F-033', 'En standard-onboarding tager 4–6 uger for op til 500 medarbejdere.', 'da'),
  fact('F-514', "ShiftNest is a US company; it hosts EU customers' data in Ireland."),
];
const sentences = [
  'Basis costs 39 DKK per active employee per month [F-101].',
  'We hold ISO 27001 and an ISAE 3402 Type II report [F-305].',
  'Paying the year in advance takes 10% off, and a three-year term 15% [F-112].',
  'ShiftNest hosts EU data in Ireland, we host in Denmark [F-514].',
];

function time(n: number, fn: () => void): number {
  for (let i = 0; i < Math.min(200, n); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) * 1000) / n;
}

registerBench({
  name: 'card-grounding',
  async run() {
    const retrieved = facts.map((f, i) => ({ fact: f, score: 0.5 - i * 0.05 }));
    const extractiveUs = time(5000, () => composeExtractiveCard({
      callId: 'c', objectionId: 'c:1', objectionClass: 'price', language: 'en', utterance: 'too expensive', detectionConfidence: 0.9,
      retrieved, asrAtMs: 0, detectedAtMs: 1, retrievedAtMs: 2,
    }));
    const claimsUs = time(2000, () => { for (const s of sentences) extractClaims(s, { language: 'en', competitors: ['ShiftNest'] }); }) / sentences.length;
    const guardColdUs = time(300, () => new GroundingGuard(facts, { language: 'en', competitors: ['ShiftNest'] }).check(sentences.join(' '))) / sentences.length;
    const warm = new GroundingGuard(facts, { language: 'en', competitors: ['ShiftNest'] });
    const guardWarmUs = time(2000, () => warm.check(sentences.join(' '))) / sentences.length;
    return {
      figures: {
        extractiveCardUs: extractiveUs,
        claimExtractionPerSentenceUs: claimsUs,
        guardPerSentenceColdUs: guardColdUs,
        guardPerSentenceWarmUs: guardWarmUs,
        extractiveShareOf20msBudget: extractiveUs / 20_000,
      },
    };
  },
});
