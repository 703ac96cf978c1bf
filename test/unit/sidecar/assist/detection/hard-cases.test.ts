import { describe, expect, it } from 'vitest';
import { loadPlaybooks } from '../../../../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../../../../sidecar/assist/detection/objection-detector.js';
import type { ObjectionLabel } from '../../../../../sidecar/assist/ports.js';

// Hard cases written for these tests (not taken from the evaluation files), in ASR style:
// lower case, no punctuation, fillers, stutters and misrecognitions.
const { playbooks } = loadPlaybooks();
const detector = new ObjectionDetector(playbooks);

type Case = [lang: string, text: string, label: ObjectionLabel];

function check(cases: Case[]): void {
  for (const [lang, text, label] of cases) {
    it(`${lang}: "${text}" → ${label}`, () => {
      const r = detector.detect(text, lang);
      expect(r.label).toBe(label);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    });
  }
}

describe('ASR-style text: fillers, stutters, split and misheard words', () => {
  check([
    ['en', 'uh so we we we are already um talking to time harbor about this', 'competitor'],
    ['en', 'is the the whole thing gdp are compliant though', 'compliance'],
    ['en', 'it would have to go through pro cure meant first', 'authority'],
    ['da', 'øh vi har øh vi har faktisk et tilbud fra shift nest', 'competitor'],
    ['da', 'øhm har i sådan en databehandleraftale vi kan skrive under på', 'compliance'],
    ['de', 'äh das müsste ich erst mit dem betriebs rat abstimmen', 'authority'],
    ['de', 'ähm brauchen wir ehrlich gesagt nicht', 'need'],
  ]);
});

describe('filler-only turns and backchannels are never objections', () => {
  check([
    ['en', 'um uh yeah okay', 'none'],
    ['da', 'øh ja øh', 'none'],
    ['de', 'ähm ja genau', 'none'],
  ]);
});

describe('negation: a class that is ruled out does not count', () => {
  check([
    ['en', 'look the price is not really the problem it is the timing we are in the middle of a merger', 'timing'],
    ['en', 'budget is fine we just need something live before the season starts and six weeks is too long', 'timing'],
    ['en', 'the cost is fine for us', 'none'],
    ['da', 'prisen er ikke problemet men vi har ingen kapacitet før efter sommerferien', 'timing'],
    ['da', 'prisen er helt fin for os', 'none'],
    ['de', 'am preis liegt es nicht aber wir haben gerade keine kapazität frei', 'timing'],
    ['de', 'die kosten sind für uns in ordnung', 'none'],
    // ruled out and nothing left: the example classifier must not guess another class
    ['de', 'die kosten sind eigentlich kein thema für uns', 'none'],
  ]);
});

describe('questions that are not objections', () => {
  check([
    ['en', 'what would the enterprise plan cost for two hundred people', 'none'],
    ['en', 'how long does onboarding usually take', 'none'],
    ['da', 'hvad koster basis pakken per medarbejder', 'none'],
    ['da', 'kan det snakke sammen med visma', 'none'],
    ['de', 'was kostet das pro monat', 'none'],
    ['de', 'gibt es eine schnittstelle zu sap', 'none'],
  ]);
});

describe('compliance and proof questions are objections', () => {
  check([
    ['en', 'where exactly are your servers located', 'compliance'],
    ['en', 'are you soc two certified', 'compliance'],
    ['en', 'do you have any customers in food production i could talk to', 'trust'],
    ['da', 'hvor bliver vores data gemt', 'compliance'],
    ['da', 'har i nogen referencer fra byggebranchen', 'trust'],
    ['de', 'sind sie nach iso zertifiziert', 'compliance'],
    ['de', 'wie lange gibt es ihre firma schon', 'trust'],
  ]);
});

describe('price versus competitor and the other decision rules', () => {
  check([
    ['en', 'shiftnest is about half the price of yours', 'price'],
    ['en', 'we have used zeitkontor for years and it does what we need', 'status_quo'],
    ['en', 'our sister company runs skemaly and loves it', 'competitor'],
    ['da', 'vagtbasen er meget billigere', 'price'],
    ['de', 'zeitkontor ist deutlich günstiger', 'price'],
  ]);
});

describe('agent wording carries objection words; the speaker rule keeps it out (see the tracker tests)', () => {
  it('the text alone can look like an objection, which is why roles gate detection', () => {
    expect(detector.detect('a lot of customers think it is too expensive at first', 'en').label).toBe('price');
  });
});

describe('example classifier fallback', () => {
  it('names a class only where no cue fires, with a confidence below 0.80', () => {
    const cue = detector.detect('that is way too expensive', 'en');
    expect(cue.byClassifier).toBeUndefined();
    const noCue = detector.detect('we are also looking at rotaking', 'en');
    expect(noCue.evidence).toEqual([]);
    expect(noCue.label).toBe('competitor');
    expect(noCue.byClassifier).toBe(true);
    expect(noCue.confidence).toBeGreaterThan(0.4);
    expect(noCue.confidence).toBeLessThan(0.8);
    const off = new ObjectionDetector(playbooks, { classifierMinProbability: 1 });
    expect(off.detect('we are also looking at rotaking', 'en').label).toBe('none');
  });

  it('also speaks where only a weak topic cue fired, but never over a none cue', () => {
    const weak = detector.detect('that money would be better spent on more staff', 'en');
    expect(weak.evidence.map((e) => e.label)).toEqual(['price']);
    expect(weak.scores.price).toBeLessThan(1);
    expect(weak.label).toBe('price');
    expect(weak.byClassifier).toBe(true);
    expect(weak.confidence).toBeLessThan(0.8);
    const off = new ObjectionDetector(playbooks, { classifierMinProbability: 1 });
    expect(off.detect('that money would be better spent on more staff', 'en').label).toBe('none');
    const neutral = detector.detect('what would the enterprise plan cost for two hundred people', 'en');
    expect(neutral.scores.none).toBeGreaterThanOrEqual(1);
    expect([neutral.label, neutral.byClassifier]).toEqual(['none', undefined]);
  });
});
