import type { StandardClaim } from './claim-types.js';

/**
 * Certifications, attestations, standards, regulations, legal references and security features, each
 * normalised to a key: `ISO/IEC 27001:2022` → `ISO27001`; `SOC 2 Type II` → `SOC2` and `SOC2-TYPE2`;
 * `ISAE 3402 Type 2` → `ISAE3402`, `ISAE3402-TYPE2`; `BSI C5`/`C5-Testat` → `BSI-C5`; `Art. 28 GDPR`,
 * `DSGVO`, `databeskyttelsesforordningen` → `GDPR` (+ `GDPR-ART28`); `C-55/18` → `CASE:C-55/18`;
 * single sign-on/SSO → `SSO`. A claim with a type carries both keys in `keys`: the guard accepts the claim
 * when the cited fact has the most specific one.
 */

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, one: 1, two: 2, three: 3, '1': 1, '2': 2, '3': 3 };
const TYPE = String.raw`(?:\s*[-,]?\s*(?:type|typ)\s*(I{1,3}|[123]|one|two)\b)?`;
const B = '(?<![\\p{L}\\d])';
const E = '(?![\\p{L}\\d])';

interface Rule {
  re: RegExp;
  keys: (m: RegExpExecArray) => string[];
}

const withType = (base: string, t: string | undefined): string[] =>
  t ? [`${base}-TYPE${ROMAN[t.toLowerCase()]}`, base] : [base];

const RULES: Rule[] = [
  { re: new RegExp(`${B}ISO(?:\\s*/\\s*IEC)?[\\s-]*(\\d{3,5})(?:-\\d+)?(?::\\s?(\\d{4}))?${E}`, 'giu'), keys: (m) => [`ISO${m[1]}`] },
  { re: new RegExp(`${B}ISO(?![\\s/-]*(?:IEC\\s*)?\\d)${E}`, 'gu'), keys: () => ['ISO'] },
  { re: new RegExp(`${B}(?:SOC|sock)[\\s-]*(1|2|3|I{1,3}|one|two|three)${TYPE}${E}`, 'giu'), keys: (m) => withType(`SOC${ROMAN[m[1].toLowerCase()]}`, m[2]) },
  { re: new RegExp(`${B}(ISAE|SSAE)[\\s-]*(\\d{2,4})${TYPE}${E}`, 'giu'), keys: (m) => withType(`${m[1].toUpperCase()}${m[2]}`, m[3]) },
  { re: new RegExp(`${B}(?:BSI[\\s-]*)?C5(?:[\\s-]*(?:Testat|attestation|attestering))?${E}`, 'gu'), keys: () => ['BSI-C5'] },
  { re: new RegExp(`${B}BSI(?:[\\s-]*IT)?[\\s-]*Grundschutz${E}`, 'giu'), keys: () => ['BSI-GRUNDSCHUTZ'] },
  { re: new RegExp(`${B}TISAX${E}`, 'giu'), keys: () => ['TISAX'] },
  { re: new RegExp(`${B}PCI[\\s-]*DSS${E}`, 'giu'), keys: () => ['PCI-DSS'] },
  { re: new RegExp(`${B}(?:HIPAA|FedRAMP|HITRUST|NIS[\\s-]?2|DORA|CSA[\\s-]*STAR|Cyber[\\s-]*Essentials|HDS)${E}`, 'gu'), keys: (m) => [m[0].toUpperCase().replace(/[\s-]+/g, '')] },
  {
    re: new RegExp(`${B}(?:Art(?:icle|ikel|\\.)?\\s*(\\d{1,3})(?:\\s*(?:\\(\\d+\\)|stk\\.\\s*\\d+|Abs\\.\\s*\\d+))?\\s*(?:of\\s+the\\s+|der\\s+|i\\s+)?)?(?:EU[\\s-]*)?(?:GDPR|DSGVO|Datenschutz[\\s-]*Grundverordnung|databeskyttelsesforordning(?:en)?|persondataforordning(?:en)?|General\\s+Data\\s+Protection\\s+Regulation)(?:\\s*(?:Art(?:icle|ikel|\\.)?)\\s*(\\d{1,3}))?${E}`, 'giu'),
    keys: (m) => (m[1] ?? m[2] ? [`GDPR-ART${m[1] ?? m[2]}`, 'GDPR'] : ['GDPR']),
  },
  { re: new RegExp(`${B}Art(?:icle|ikel|\\.)\\s*(\\d{1,3})${E}`, 'giu'), keys: (m) => [`ART${m[1]}`] },
  { re: new RegExp(`${B}(?:CJEU\\s+|EuGH\\s+)?C[-‑]\\s?(\\d{1,4})/(\\d{2})${E}`, 'gu'), keys: (m) => [`CASE:C-${m[1]}/${m[2]}`] },
  { re: new RegExp(`${B}(?:BAG,?\\s*)?(\\d{1,2})\\s+(ABR|AZR|AZB|ABN)\\s+(\\d{1,4})/(\\d{2})${E}`, 'gu'), keys: (m) => [`CASE:${m[1]}${m[2]}${m[3]}/${m[4]}`] },
  { re: new RegExp(`${B}(?:SSO|single[\\s-]*sign[\\s-]*on|Single[\\s-]*Sign[\\s-]*On|Einmalanmeldung)${E}`, 'giu'), keys: () => ['SSO'] },
  { re: new RegExp(`${B}(?:MFA|2FA|multi[\\s-]*factor(?:\\s+authentication)?|to[\\s-]*faktor[\\p{L}]*|multi[\\s-]*faktor[\\p{L}]*|Zwei[\\s-]*Faktor[\\p{L}]*|Mehr[\\s-]*Faktor[\\p{L}]*)${E}`, 'giu'), keys: () => ['MFA'] },
  { re: new RegExp(`${B}(?:BYOK|HYOK|bring[\\s-]+your[\\s-]+own[\\s-]+key|customer[\\s-]*managed[\\s-]*(?:encryption[\\s-]*)?keys?)${E}`, 'giu'), keys: () => ['BYOK'] },
  { re: new RegExp(`${B}(SAML|SCIM|OpenID(?:\\s*Connect)?|OIDC|OAuth|LDAP|TLS|SSL|AES)(?:[\\s-]*v?(\\d+(?:\\.\\d+)?))?${E}`, 'giu'), keys: (m) => [m[2] ? `${norm(m[1])}-${m[2]}` : norm(m[1]), norm(m[1])] },
  { re: new RegExp(`${B}(?:EU[\\s-]*U\\.?S\\.?\\s*)?(?:Data\\s+Privacy\\s+Framework|Privacy\\s+Shield|Standard(?:vertrags)?[\\s-]*(?:contractual\\s+clauses|klauseln)|SCCs?)${E}`, 'giu'), keys: (m) => [/shield/i.test(m[0]) ? 'PRIVACY-SHIELD' : /framework/i.test(m[0]) ? 'DPF' : 'SCC'] },
  // Certification in general ("we are certified", "audited"): the cited fact must speak of one too.
  { re: new RegExp(`${B}(?:certif\\p{L}*|zertifi\\p{L}*|accredit\\p{L}*|akkredit\\p{L}*|audited|auditeret|auditiert|attest(?:ed|ation|eret|ering|iert)\\p{L}*|Testat\\p{L}*)${E}`, 'giu'), keys: () => ['CERTIFIED'] },
];

function norm(s: string): string {
  const u = s.toUpperCase().replace(/\s+/g, '');
  return u === 'OPENIDCONNECT' || u === 'OPENID' ? 'OIDC' : u;
}

/** A standard claim with every key it may be matched by (most specific first). */
export interface StandardHit extends StandardClaim {
  keys: string[];
}

/** Finds standards/certifications in `text`; the first rule to claim a span wins. */
export function extractStandardClaims(text: string): StandardHit[] {
  const taken: Array<[number, number]> = [];
  const out: StandardHit[] = [];
  for (const { re, keys } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0 || taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      const k = keys(m);
      out.push({ kind: 'standard', key: k[0], keys: k, text: m[0], start });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
