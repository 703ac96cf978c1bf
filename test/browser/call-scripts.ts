/** Scripted calls for the browser test: the agent's call (Danish) and two other live calls for the wall. */
import type { CallScript } from './drivers/call-driver.js';

const S = 1000;

export const annaCall: CallScript = {
  callId: 'pbx-7f3a9c21',
  language: 'da',
  startedAgoMs: 3 * 60 * S + 12 * S,
  participants: [
    { id: 'p-cust', aor: 'sip:+4520123456@trunk.example.net', name: 'Jens Madsen', role: 'customer' },
    { id: 'p-agent', aor: 'sip:1001@pbx.example.com', name: 'Anna Holm', role: 'agent' },
  ],
  customer: {
    name: 'Jens Madsen', number: '+45 20 12 34 56', company: 'Nordlys Logistik A/S', employees: 42, industry: 'Logistik',
    currentVendor: 'CallFlow Basic', facts: { Aftale: 'Pro, 35 pladser', Fornyelse: '31-01-2027' }, source: 'csv',
  },
  turns: [
    { role: 'agent', startMs: 95 * S, text: 'Godt at høre fra dig igen, Jens. Har du haft tid til at kigge på tilbuddet?' },
    { role: 'customer', startMs: 101 * S, text: 'Ja, vi har kigget på det i ledelsen i går.' },
    {
      role: 'customer', startMs: 105 * S, text: 'Ærligt talt er det mere end det vi betaler i dag.',
      expect: {
        objection: 'price', confidence: 0.91, answered: true,
        reply: 'Forstået. Kunder på jeres størrelse med 20-50 pladser sparer i gennemsnit 12 % på licenser det første år, og implementeringen er inkluderet i årsaftalen.',
        citations: [
          { factId: 'F-012', text: 'Kunder med 20-50 pladser sparer i gennemsnit 12 % på licenser det første år.', source: 'priser/prisark-2026.pdf', location: 'side 3' },
          { factId: 'F-031', text: 'Implementering er inkluderet i alle årsaftaler.', source: 'kontrakter/standardvilkaar.docx', location: '§ 4.2 Implementering' },
        ],
      },
    },
    { role: 'agent', startMs: 112 * S, text: 'Det forstår jeg godt. Kunder på jeres størrelse sparer typisk omkring tolv procent det første år.' },
    {
      role: 'customer', startMs: 121 * S, text: 'Det lyder fint, men vi skal nok vente til efter nytår med at skifte.',
      expect: {
        objection: 'timing', confidence: 0.72, removedCount: 1,
        reply: 'Hvis I starter i december, kan jeres nuværende aftale køre parallelt frem til fornyelsen, så der ikke betales dobbelt.',
        citations: [
          { factId: 'F-044', text: 'Ved skift kan den eksisterende aftale køre parallelt uden dobbeltbetaling frem til fornyelsesdatoen.', source: 'kontrakter/skifteguide.md', location: 'Parallel drift' },
        ],
      },
    },
  ],
};

export const boCall: CallScript = {
  callId: 'pbx-2b81d0e4',
  language: 'en',
  startedAgoMs: 7 * 60 * S + 41 * S,
  participants: [
    { id: 'c', aor: 'sip:+442071234567@trunk.example.net', name: 'Olivia Grant', role: 'customer' },
    { id: 'a', aor: 'sip:1002@pbx.example.com', name: 'Bo Berg', role: 'agent' },
  ],
  customer: { name: 'Olivia Grant', company: 'Harbour Freight Ltd', employees: 120, facts: {} },
  turns: [
    { role: 'customer', startMs: 60 * S, text: 'We are locked into our current provider until March.', expect: {
      objection: 'status_quo', confidence: 0.84, reply: 'Many customers start a pilot team before the renewal date.',
      citations: [{ factId: 'F-051', text: 'Pilot teams of up to 10 seats run free for 60 days.', source: 'offers/pilot.md', location: 'Terms' }] } },
    { role: 'customer', startMs: 140 * S, text: 'Honestly I am not sure you are GDPR compliant for call data.', expect: {
      objection: 'compliance', confidence: 0.66, removedCount: 1, reply: 'All call data stays on your own servers; nothing is sent to third parties unless configured.',
      citations: [{ factId: 'F-077', text: 'Modsvar runs self-hosted; audio and transcripts stay on the customer\'s servers.', source: 'security/whitepaper.pdf', location: 'page 2' }] } },
    { role: 'customer', startMs: 200 * S, text: 'And your competitor offered us a bigger discount.', expect: {
      objection: 'competitor', confidence: 0.88, reply: 'Compared on total cost over three years, implementation included, the offer is lower.',
      citations: [{ factId: 'F-090', text: 'Three-year total cost includes implementation and support.', source: 'pricing/tco.xlsx', location: 'row 14' }] } },
  ],
};

export const carlaCall: CallScript = {
  callId: 'pbx-91aa0c57',
  language: 'de',
  startedAgoMs: 58 * S,
  participants: [
    { id: 'c', aor: 'sip:+4930123456@trunk.example.net', name: 'Lukas Weber', role: 'customer' },
    { id: 'a', aor: 'sip:1003@pbx.example.com', name: 'Carla Jensen', role: 'agent' },
  ],
  customer: { name: 'Lukas Weber', company: 'Weber Bau GmbH', facts: {} },
  turns: [
    { role: 'agent', startMs: 5 * S, text: 'Guten Tag Herr Weber, hier ist Carla Jensen.' },
    { role: 'customer', startMs: 12 * S, text: 'Das muss ich erst mit unserem Geschäftsführer besprechen.', expect: {
      objection: 'authority', confidence: 0.86, answered: true, reply: 'Gern schicke ich Ihnen eine einseitige Zusammenfassung für Ihren Geschäftsführer.',
      citations: [{ factId: 'F-102', text: 'Eine einseitige Entscheidungsvorlage steht auf Deutsch bereit.', source: 'vertrieb/vorlagen.md', location: 'Entscheider' }] } },
    { role: 'agent', startMs: 20 * S, text: 'Ich schicke Ihnen gern eine kurze Zusammenfassung für ihn.' },
  ],
};
