import type { Fact } from '../../../../../sidecar/assist/ports.js';

/** Facts quoted verbatim from test/fixtures/kb (the Nordtid knowledge base), for guard and composer tests. */
function fact(id: string, text: string, source: string, language = 'en', extra: Partial<Fact> = {}): Fact {
  return { id, text, source, location: '', language, classes: [], tags: [], verified: true, ...extra };
}

export const F = {
  iso27001: fact('F-305', 'ISO/IEC 27001:2022 certification. Scope: development, operation and support of the Nordtid platform. First certified in 2021, recertified in 2024.', 'security-compliance.md'),
  isae: fact('F-306', 'ISAE 3402 Type II assurance report on general IT controls, issued every year by an independent auditing firm; shared under NDA.', 'security-compliance.md'),
  noSoc2: fact('F-310', 'No SOC 2 report of any kind (neither Type I nor Type II). We offer the ISAE 3402 Type II report instead.', 'security-compliance.md'),
  hosting: fact('F-301', 'All customer data is stored and processed in two data centres in Denmark: the primary site in Ballerup (Greater Copenhagen) and the secondary site in Aarhus.', 'security-compliance.md'),
  noGermany: fact('F-303', 'Customer data is not stored outside Denmark. Nordtid does not currently offer hosting in Germany or in any other country, and no date for such an option has been committed.', 'security-compliance.md'),
  basis: fact('F-101', 'Basis subscription (Basis): 39.00 DKK / 5.20 EUR per active employee per month, monthly or annual. Time & attendance, absence & leave, mobile app, kiosk mode, payroll export. No contractual uptime SLA.', 'price-list.csv'),
  plus: fact('F-102', 'Plus subscription (Plus): 59.00 DKK / 7.90 EUR per active employee per month, monthly or annual. Everything in Basis plus shift planning, rules engine, REST API/webhooks and SSO. 99.5% uptime SLA.', 'price-list.csv'),
  annual: fact('F-112', 'Annual prepayment discount: 10% off subscription fees when the year is paid in advance. Cannot be combined with F-113.', 'price-list.csv'),
  volume: fact('F-114', 'Volume discount: Additional 7% off subscription fees from 1000 billable employees. Can be combined with F-112 or F-113.', 'price-list.csv'),
  onboarding: fact('F-033', 'A standard onboarding takes 4–6 weeks for up to 500 employees. Larger or multi-country rollouts usually take 8–12 weeks.', 'product-sheet.md'),
  onboardingDa: fact('F-033', 'En standard-onboarding tager 4–6 uger for op til 500 medarbejdere.', 'faq.md', 'da'),
  registration: fact('F-402', 'Siden 1. juli 2024 skal arbejdsgivere i Danmark registrere den daglige arbejdstid for hver enkelt medarbejder.', 'faq.md', 'da'),
  breach: fact('F-322', 'Nordtid notifies the customer of a personal data breach without undue delay and no later than 24 hours after becoming aware of it.', 'security-compliance.md'),
  shiftNestHosting: fact('F-514', "ShiftNest is a US company; it hosts EU customers' data in Ireland.", 'battlecard.md', 'en', { internal: true }),
  shiftNestExport: fact('F-511', 'ShiftNest has no ready-made export to DATEV, Danløn or Visma Dataløn; customers map a CSV file themselves.', 'battlecard.md', 'en', { internal: true }),
  zeitKontorTerminals: fact('F-521', 'ZeitKontor terminals typically cost 1,500–2,500 EUR per unit, compared with 520 EUR for a Nordtid kiosk terminal (F-109).', 'battlecard.md', 'en', { internal: true }),
  dpa: fact('F-320', 'Nordtid acts as data processor for the customer. A data processing agreement (databehandleraftale / Auftragsverarbeitungsvertrag under Art. 28 GDPR) is part of every contract and is available in Danish, German and English.', 'security-compliance.md'),
  sso: fact('F-022', 'Single sign-on via SAML 2.0 / Microsoft Entra ID is included in Plus and Enterprise.', 'product-sheet.md'),
  retention: fact('F-032', 'Customer retention: 94% of the customers we had on 1 January 2024 were still customers on 31 December 2024.', 'product-sheet.md'),
  support: fact('F-040', 'Support is open Monday to Friday, 08:00–17:00 CET, in Danish, German and English.', 'product-sheet.md'),
};

export const COMPETITORS = ['ShiftNest', 'ZeitKontor', 'Vagtbasen', 'TimeHarbor', 'Skemaly', 'PlanPilot', 'Workday'];
