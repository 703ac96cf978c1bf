import { describe, expect, it } from 'vitest';
import { GroundingGuard } from '../../../../../sidecar/assist/cards/grounding-guard.js';
import { splitSentences } from '../../../../../sidecar/assist/cards/sentence-split.js';
import { COMPETITORS, F } from './nordtid-facts.js';

const all = Object.values(F);
const en = new GroundingGuard(all, { language: 'en', competitors: COMPETITORS, allowedNames: ['Nordtid'] });
const da = new GroundingGuard(all, { language: 'da', competitors: COMPETITORS, allowedNames: ['Nordtid'] });
const de = new GroundingGuard(all, { language: 'de', competitors: COMPETITORS, allowedNames: ['Nordtid'] });

const codes = (g: GroundingGuard, text: string) => g.check(text).removed.map((r) => r.reasons.map((x) => x.code));

describe('sentence splitting', () => {
  it('keeps citations after the full stop with their sentence and does not split at ordinals or decimals', () => {
    const s = splitSentences('Basis costs 39.00 DKK per month. [F-101] Seit dem 1. Juli 2024 gilt das. [F-402] Ok?', 'de');
    expect(s.map((x) => x.text)).toEqual(['Basis costs 39.00 DKK per month. [F-101]', 'Seit dem 1. Juli 2024 gilt das. [F-402]', 'Ok?']);
    expect(s.map((x) => x.citations)).toEqual([['F-101'], ['F-402'], []]);
  });
});

describe('citations in replies', () => {
  it('reads bracketed, labelled and parenthesised fact ids in a reply', () => {
    const r = en.check('Basis costs 39 DKK (F-101). Paying yearly gives 10% off [Fact: F-112]. Plus has a 99.5% SLA (F-102). Enterprise has 99.9% (F-102, F-042).');
    expect(r.cited).toEqual(['F-101', 'F-112', 'F-102']);
    expect(r.removed.map((x) => x.text)).toEqual(['Enterprise has 99.9% (F-102, F-042).']);
    expect(r.invalidCitations).toEqual(['F-042']);
  });
});

describe('GroundingGuard', () => {
  it('keeps a correctly cited reply whole', () => {
    const r = en.check('We hold ISO 27001 [F-305] and an ISAE 3402 Type II report [F-306]. Basis costs 39 DKK per active employee per month [F-101].');
    expect(r.removed).toEqual([]);
    expect(r.kept).toHaveLength(2);
    expect(r.cited).toEqual(['F-305', 'F-306', 'F-101']);
    expect(r.invalidCitations).toEqual([]);
  });

  it('removes an invented certification even when a fact is cited', () => {
    const r = en.check('We are ISO 27001 and SOC 2 Type II certified [F-305]. Happy to send the documents.');
    expect(r.removed.map((x) => x.text)).toEqual(['We are ISO 27001 and SOC 2 Type II certified [F-305].']);
    expect(r.removed[0].reasons).toMatchObject([{ code: 'UNSUPPORTED_CLAIM', claim: { kind: 'standard', key: 'SOC2-TYPE2' } }]);
    expect(r.text).toBe('Happy to send the documents.');
  });

  it('removes a certification claimed against a fact that says it is not held (polarity)', () => {
    expect(codes(en, 'Yes, we have a SOC 2 report [F-310].')).toEqual([['POLARITY']]);
    expect(codes(en, 'We do not have a SOC 2 report; we offer ISAE 3402 Type II instead [F-310].')).toEqual([]);
  });

  it('treats a denial that announces the thing as coming as a claim that it is coming', () => {
    expect(codes(en, "We don't have a SOC 2 report yet, but it is on the roadmap [F-310].")).toEqual([['POLARITY']]);
    expect(codes(de, 'Ein Hosting in Deutschland bieten wir noch nicht an, es ist aber geplant [F-303].')).toEqual([['POLARITY']]);
    expect(codes(da, 'Vi har endnu ikke SOC 2, men det kommer [F-310].')).toEqual([['POLARITY']]);
    expect(codes(de, 'Ein Hosting in Deutschland bieten wir nicht an [F-303].')).toEqual([]);
  });

  it('removes a wrong price, a wrong currency and a made-up percentage', () => {
    expect(codes(en, 'Basis costs 35 DKK per employee per month [F-101].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Basis costs 39 EUR per employee per month [F-101].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Customers save 30% on payroll time [F-102].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Plus costs 7.90 EUR or 59 DKK [F-102].')).toEqual([]);
  });

  it('needs the same bound as the fact: "more than 5%" is not "up to 5%"', () => {
    const g = new GroundingGuard([
      { id: 'F-501', text: 'Account executives may grant up to 5% discretionary discount on subscription fees on top of the price-list discounts; anything beyond that needs sign-off from the sales director.', source: 'battlecard.md', location: '', language: 'en', classes: [], tags: [], verified: true },
      { id: 'F-004', text: 'More than 410 companies use Nordtid, with about 52,000 active employee users in total (January 2025).', source: 'product-sheet.md', location: '', language: 'en', classes: [], tags: [], verified: true },
    ], { language: 'en', allowedNames: ['Nordtid'] });
    const c = (t: string) => g.check(t).removed.map((r) => r.reasons.map((x) => x.code));
    expect(c('I can add up to 5% on top [F-501].')).toEqual([]);
    expect(c('I can give you 5% on top [F-501].')).toEqual([]);
    expect(c('I can go to more than 5% myself [F-501].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(c('Over 410 companies use Nordtid [F-004].')).toEqual([]);
    expect(c('Up to 410 companies use Nordtid [F-004].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(new GroundingGuard([F.volume], { language: 'en' }).check('The volume discount is more than 7% [F-114].').removed).toHaveLength(1);
  });

  it('removes a value the cited fact gives for something else', () => {
    expect(codes(en, 'Basis costs 59 DKK per employee per month [F-102].')).toEqual([['MISATTRIBUTED']]);
    expect(codes(en, 'Plus costs 59 DKK per employee per month [F-102].')).toEqual([]);
    expect(codes(en, 'ZeitKontor terminals cost 520 EUR [F-521].')).toEqual([]);
    expect(codes(en, 'Retention was 94% [F-032].')).toEqual([]);
  });

  it('treats a word the facts use as a name as a claim also first in a sentence and in German', () => {
    expect(codes(en, 'Basis includes single sign-on [F-022].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(de, 'Basis enthält Single Sign-on [F-022].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(de, 'Single Sign-on ist in Plus und Enterprise enthalten [F-022].')).toEqual([]);
  });

  it('removes a specific claim without a citation and a citation of a fact not in the prompt', () => {
    const r = en.check('Onboarding takes two weeks. We are happy to help [F-999].');
    expect(r.removed.map((x) => x.reasons[0].code)).toEqual(['UNCITED_CLAIM', 'INVALID_CITATION']);
    expect(r.invalidCitations).toEqual(['F-999']);
    expect(r.kept).toEqual([]);
  });

  it('compares durations across units and languages', () => {
    expect(codes(da, 'En standard-onboarding tager fire til seks uger [F-033].')).toEqual([]);
    expect(codes(da, 'Opstarten tager kun to uger [F-033].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'We notify you within 24 hours of a breach [F-322].')).toEqual([]);
    expect(codes(en, 'We notify you within one day of a breach [F-322].')).toEqual([['UNSUPPORTED_CLAIM']]);
  });

  it('checks dates field by field', () => {
    expect(codes(da, 'Siden 1. juli 2024 skal I registrere arbejdstiden [F-402].')).toEqual([]);
    expect(codes(da, 'Siden 1. januar 2024 skal I registrere arbejdstiden [F-402].')).toEqual([['UNSUPPORTED_CLAIM']]);
  });

  it('removes a hosting location the cited fact rules out, and accepts the true one', () => {
    expect(codes(de, 'Wir hosten Ihre Daten auch in Deutschland [F-303].')).toEqual([['POLARITY']]);
    expect(codes(de, 'Ihre Daten liegen in Rechenzentren in Ballerup und Aarhus in Dänemark [F-301].')).toEqual([]);
    expect(codes(en, 'We can host in Frankfurt [F-301].')).toEqual([['UNSUPPORTED_CLAIM']]);
  });

  it('needs a cited fact that names the competitor, in either polarity the fact states', () => {
    expect(codes(en, 'ShiftNest keeps EU data in Ireland [F-514].')).toEqual([]);
    expect(codes(en, 'ShiftNest keeps EU data in Ireland [F-301].')).toMatchObject([['UNSUPPORTED_CLAIM', 'UNSUPPORTED_CLAIM', 'UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Shift Nest exports straight to DATEV [F-511].')).toEqual([['POLARITY']]);
    expect(codes(en, 'PlanPilot has no Austrian templates.')).toEqual([['UNCITED_CLAIM', 'UNCITED_CLAIM']]);
  });

  it('treats an unknown capitalised name as a claim in English, but allows the configured own name', () => {
    expect(codes(en, 'Nordtid is used by Carlsberg [F-305].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Single sign-on is included in Basis [F-022].')).toEqual([['UNSUPPORTED_CLAIM']]);
    expect(codes(en, 'Single sign-on is included in Plus and Enterprise [F-022].')).toEqual([]);
  });

  it('passes sentences without specific claims, cited or not', () => {
    const r = en.check('I understand. What matters most to your IT team?');
    expect(r.kept.map((k) => k.sentence.text)).toEqual(['I understand.', 'What matters most to your IT team?']);
    expect(r.removed).toEqual([]);
  });

  it('reads amounts in ranges with thousands separators from the fact', () => {
    expect(codes(en, 'ZeitKontor terminals cost 1,500 to 2,500 EUR each, ours 520 EUR [F-521].')).toEqual([]);
    expect(codes(en, 'ZeitKontor terminals cost 3,000 EUR each [F-521].')).toEqual([['UNSUPPORTED_CLAIM']]);
  });
});

describe('GroundingGuard over the whole fixture knowledge base', () => {
  it('lets every fact sentence of fact-index.jsonl through when it cites its own fact (claims on both sides agree)', async () => {
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(new URL('../../../../fixtures/objections/fact-index.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; occurrences: Array<{ source: string; text: string }> });
    const failures: string[] = [];
    let checked = 0;
    for (const r of rows) {
      for (const occ of r.occurrences) {
        const language = occ.source.includes('fjordbageriet') || /[æøå]/i.test(occ.text) ? 'da' : 'en';
        const text = occ.text.replace(/\[F-\d+\]/g, '').trim();
        const guard = new GroundingGuard([{ id: r.id, text, source: occ.source, location: '', language, classes: [], tags: [], verified: true }], { language, competitors: COMPETITORS, allowedNames: ['Nordtid'] });
        // A model copying a cross-reference "(F-109)" would cite F-109; the synthetic reply leaves them out.
        const reply = splitSentences(text, language).map((s) => `${s.text.replace(/\s*\(F-\d+\)/g, '')} [${r.id}]`).join(' ');
        const result = guard.check(reply);
        checked++;
        if (result.removed.length) failures.push(`${r.id}: ${result.removed.map((x) => x.text).join(' | ')}`);
      }
    }
    expect(checked).toBe(157);
    expect(failures).toEqual([]);
  });

  it('accepts German and Danish paraphrases with numbers in words against English facts', () => {
    expect(codes(de, 'Nach Vertragsende löschen wir Ihre Daten innerhalb von dreißig Tagen [F-322][F-032].')).toEqual([['UNSUPPORTED_CLAIM']]);
    const g = new GroundingGuard([F.breach, F.retention, F.support, F.dpa], { language: 'de', competitors: COMPETITORS });
    expect(g.check('Bei einer Datenpanne informieren wir Sie spätestens nach vierundzwanzig Stunden [F-322].').removed).toEqual([]);
    expect(g.check('94 Prozent unserer Kunden vom 1. Januar 2024 waren Ende 2024 noch Kunden [F-032].').removed).toEqual([]);
    expect(g.check('Ein Auftragsverarbeitungsvertrag nach Art. 28 DSGVO ist Teil jedes Vertrags [F-320].').removed).toEqual([]);
    expect(g.check('Der Support ist von Montag bis Samstag erreichbar [F-040].').removed.map((r) => r.reasons.map((x) => x.code))).toEqual([['UNSUPPORTED_CLAIM']]);
    const d = new GroundingGuard([F.onboardingDa, F.registration], { language: 'da' });
    expect(d.check('Det tager typisk fire til seks uger for op til fem hundrede medarbejdere [F-033].').removed).toEqual([]);
    expect(d.check('Det tager typisk to til tre uger [F-033].').removed).toHaveLength(1);
  });
});

describe('GroundingGuard never lets an uncited specific through', () => {
  const specifics: Array<[string, string]> = [
    ['en', 'We hold SOC 2 Type II.'], ['en', 'Our uptime is ninety-nine point nine percent.'], ['en', 'You get a twenty percent discount.'],
    ['en', 'Onboarding takes a fortnight.'], ['en', 'We can go live within two weeks.'], ['en', 'Data is hosted in Germany.'],
    ['en', 'We have been around since 2016.'], ['en', 'We are ISO certified.'], ['en', 'We comply with GDPR.'],
    ['en', 'Our servers are in Frankfurt.'], ['en', 'We have over four hundred customers.'], ['en', 'It costs half of what ShiftNest charges.'],
    ['en', 'TimeHarbor has no AI.'], ['en', 'Support is open 24/7.'], ['en', 'We are cheaper than Vagtbasen.'],
    ['en', 'We offer a money-back guarantee for 90 days.'], ['en', 'Most customers save a third of their admin time.'],
    ['en', 'You can cancel with one month notice.'], ['en', 'We double your productivity.'], ['en', 'The price is €5.20 per user.'],
    ['en', 'We are the market leader in Scandinavia.'], ['en', 'We integrate with SAP.'],
    ['da', 'Vi har hosting i Tyskland.'], ['da', 'Prisen er niogtredive kroner.'], ['da', 'I kan komme i gang på fjorten dage.'],
    ['da', 'Vi er ISO 9001-certificeret.'], ['da', 'Rabatten er på femten procent.'], ['da', 'Vi har over 400 kunder i Danmark.'],
    ['da', 'Vores oppetid er 99,9 %.'], ['da', 'Det tager cirka en måned.'], ['da', 'Vi har et kontor i Hamborg.'], ['da', 'I sparer halvdelen af tiden.'],
    ['de', 'Wir haben ein C5-Testat.'], ['de', 'Die Daten liegen in Deutschland.'], ['de', 'Das kostet fünf Euro zwanzig.'],
    ['de', 'Die Einführung dauert zwei Wochen.'], ['de', 'Wir sind nach ISO 27701 zertifiziert.'], ['de', 'Sie bekommen zehn Prozent Rabatt.'],
    ['de', 'Wir haben seit 2016 über vierhundert Kunden.'], ['de', 'ShiftNest hat keine DATEV-Schnittstelle.'], ['de', 'Wir bieten TISAX an.'],
    ['de', 'Der Support ist rund um die Uhr erreichbar.'], ['de', 'Sie sparen die Hälfte der Zeit.'],
    ['de', 'Die Müller Logistik GmbH nutzt das seit Jahren.'], ['da', 'Hos Bager Hansen ApS kører det fint.'],
  ];
  it.each(specifics)('[%s] removes "%s" without a citation', (language, text) => {
    const guard = new GroundingGuard([], { language, competitors: COMPETITORS, names: ['DATEV', 'SAP'], allowedNames: ['Nordtid'] });
    expect(guard.check(text).removed.map((r) => r.text)).toEqual([text]);
  });

  it('keeps everyday sentences without specifics', () => {
    for (const [language, text] of [['en', 'Let me double-check that for you.'], ['de', 'Das klären wir innerhalb des Teams.'], ['en', 'Happy to help with that.'], ['da', 'Det forstår jeg godt.']]) {
      expect(new GroundingGuard([], { language }).check(text).removed).toEqual([]);
    }
  });
});
