/**
 * A small, namespace-aware view of an XML document for the rs-metadata reader, built on fast-xml-parser
 * (https://github.com/NaturalIntelligence/fast-xml-parser/blob/master/docs/v4/2.XMLparseOptions.md) with
 * entity processing OFF: DOCTYPE and ENTITY declarations are refused before parsing, so no entity is
 * ever expanded (no "billion laughs", no external entities). Only the five predefined XML entities and
 * numeric character references are decoded, by {@link decodeXmlText}.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SiprecError } from '../core/errors.js';

/** One element: local name (prefix removed), resolved namespace URI, attributes (local names), children. */
export interface XmlElement {
  /** Local name, e.g. `participant` for `<tns:participant>`. */
  name: string;
  /** Namespace URI from `xmlns`/`xmlns:prefix` in scope; '' when none. */
  ns: string;
  /** Attributes by local name (`participant_id`, `lang`), values decoded. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated direct text content, decoded, untrimmed. */
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

/**
 * Parses an XML document into an {@link XmlElement} tree.
 *
 * @throws SiprecError `SIPREC_METADATA_DTD` (400) for a DOCTYPE or ENTITY declaration (refused, never
 *   expanded); `SIPREC_BAD_METADATA` (400) for XML that is not well-formed (the validator's message, line and column), or for a
 *   document without a root element.
 */
export function parseXmlTree(xml: string): XmlElement {
  // Leading blank lines before `<?xml` (an extra CRLF after the part headers) make the declaration illegal.
  const text = xml.replace(/^\uFEFF/, '').trimStart();
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new SiprecError('SIPREC_METADATA_DTD', 400, 'Bad Request',
      'rs-metadata contains a DOCTYPE/ENTITY declaration, which RFC 7865 metadata never needs; refused unexpanded');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new SiprecError('SIPREC_BAD_METADATA', 400, 'Bad Request',
      `rs-metadata is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const nodes = parser.parse(text) as OrderedNode[];
  const root = nodes.map((n) => toElement(n, {})).find((e): e is XmlElement => e !== undefined);
  if (!root) throw new SiprecError('SIPREC_BAD_METADATA', 400, 'Bad Request', 'rs-metadata has no root element');
  return root;
}

function toElement(node: OrderedNode, scope: Record<string, string>): XmlElement | undefined {
  const key = Object.keys(node).find((k) => k !== ':@');
  if (!key || key === '#text' || key === '#comment' || key.startsWith('?')) return undefined;
  const rawAttrs = node[':@'] ?? {};
  const inner: Record<string, string> = { ...scope };
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    const value = decodeXmlText(String(v));
    if (k === 'xmlns') inner[''] = value;
    else if (k.startsWith('xmlns:')) inner[k.slice(6)] = value;
    else attrs[localName(k)] = value;
  }
  const colon = key.indexOf(':');
  const prefix = colon > 0 ? key.slice(0, colon) : '';
  const el: XmlElement = { name: localName(key), ns: inner[prefix] ?? '', attrs, children: [], text: '' };
  const kids = node[key];
  if (Array.isArray(kids)) {
    for (const kid of kids as OrderedNode[]) {
      if ('#text' in kid) el.text += decodeXmlText(String(kid['#text']));
      else {
        const child = toElement(kid, inner);
        if (child) el.children.push(child);
      }
    }
  }
  return el;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i >= 0 ? qname.slice(i + 1) : qname;
}

/** Decodes the five predefined XML entities and numeric character references (XML 1.0 §4.6, §4.1). */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|apos|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_m, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'apos': return "'";
      case 'quot': return '"';
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
    }
  });
}

/**
 * Name comparison used by every lookup below: case, `_` and `-` are ignored, so `dataMode` finds
 * `datamode`, `participantStreamAssoc` finds `participantstreamassoc` and `stream_id` matches `streamId`
 * (SRCs vary in exactly these ways; RFC 7865 names are all lower case).
 */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** Direct children with this local name (compared with {@link looseName}). */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  const want = looseName(name);
  return el.children.filter((c) => looseName(c.name) === want);
}

/** First direct child with one of these local names (compared with {@link looseName}). */
export function childNamed(el: XmlElement, ...names: string[]): XmlElement | undefined {
  const wanted = names.map(looseName);
  return el.children.find((c) => wanted.includes(looseName(c.name)));
}

/** Every descendant (depth first) with this local name (compared with {@link looseName}). */
export function descendantsNamed(el: XmlElement, name: string): XmlElement[] {
  const want = looseName(name);
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (looseName(c.name) === want) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** First attribute present among these names (compared with {@link looseName}), trimmed; undefined when none. */
export function attr(el: XmlElement, ...names: string[]): string | undefined {
  for (const n of names) {
    const want = looseName(n);
    const key = Object.keys(el.attrs).find((k) => looseName(k) === want);
    if (key !== undefined) return el.attrs[key].trim();
  }
  return undefined;
}
