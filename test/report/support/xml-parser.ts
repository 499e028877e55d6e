/**
 * A strict parser for the XML subset the checkstyle and junit reporters write (test-only): an optional XML
 * declaration, elements, attributes, character data, the five predefined entities and character references.
 * It throws on anything not well-formed (XML 1.0): characters XML cannot carry, unescaped `<` or `&`,
 * duplicate attributes, mismatched tags, text outside the root. Attribute values are normalized as an XML
 * processor does (a literal tab or line break becomes a space; character references are kept), so that a
 * round trip shows what a real consumer would read.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data, concatenated (no mixed content in these formats). */
  readonly text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0's Char production, over code points. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

export class XmlError extends Error {}

export function parseXml(input: string): XmlElement {
  for (let i = 0; i < input.length; i++) {
    const code = input.codePointAt(i) as number;
    if (!isXmlChar(code)) throw new XmlError(`character U+${code.toString(16).toUpperCase().padStart(4, '0')} at offset ${i} is not allowed in XML 1.0`);
    if (code > 0xffff) i++;
  }
  let pos = 0;
  const fail = (message: string): never => {
    throw new XmlError(`${message} at offset ${pos}: ${JSON.stringify(input.slice(pos, pos + 30))}`);
  };
  const skipSpace = () => {
    while (pos < input.length && ' \t\r\n'.includes(input[pos] as string)) pos++;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(input);
    if (m === null) return fail('expected a name');
    pos += m[0].length;
    return m[0];
  };
  const reference = (): string => {
    const end = input.indexOf(';', pos);
    if (end === -1) return fail('unterminated reference');
    const body = input.slice(pos + 1, end);
    let value: string | undefined;
    if (/^#[0-9]+$/.test(body) || /^#x[0-9A-Fa-f]+$/.test(body)) {
      const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(code)) return fail(`character reference &${body}; names a character XML 1.0 does not allow`);
      value = String.fromCodePoint(code);
    } else value = ENTITIES[body];
    if (value === undefined) return fail(`unknown entity &${body};`);
    pos = end + 1;
    return value;
  };

  if (input.startsWith('<?xml')) {
    const end = input.indexOf('?>');
    if (end === -1) fail('unterminated XML declaration');
    const decl = input.slice(0, end + 2);
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(decl)) fail('unexpected XML declaration');
    pos = end + 2;
  }

  const element = (): XmlElement => {
    if (input[pos] !== '<') fail('expected "<"');
    pos++;
    const tag = name();
    const attributes = new Map<string, string>();
    for (;;) {
      const before = pos;
      skipSpace();
      if (input.startsWith('/>', pos)) {
        pos += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (input[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected whitespace before an attribute');
      const attr = name();
      if (attributes.has(attr)) fail(`duplicate attribute "${attr}"`);
      skipSpace();
      if (input[pos] !== '=') fail('expected "="');
      pos++;
      skipSpace();
      const quote = input[pos];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted attribute value');
      pos++;
      let value = '';
      while (input[pos] !== quote) {
        const ch = input[pos];
        if (ch === undefined) fail('unterminated attribute value');
        if (ch === '<') fail('"<" in an attribute value');
        if (ch === '&') value += reference();
        else {
          // Attribute-value normalization (XML 1.0, 3.3.3): literal whitespace characters become spaces.
          value += ch === '\t' || ch === '\n' || ch === '\r' ? ' ' : ch;
          pos++;
        }
      }
      pos++;
      attributes.set(attr, value);
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const ch = input[pos];
      if (ch === undefined) return fail(`unclosed element <${tag}>`);
      if (input.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (input[pos] !== '>') fail('expected ">"');
        pos++;
        return { name: tag, attributes, children, text };
      }
      if (input.startsWith('<![CDATA[', pos)) {
        const end = input.indexOf(']]>', pos);
        if (end === -1) fail('unterminated CDATA section');
        text += input.slice(pos + 9, end);
        pos = end + 3;
      } else if (ch === '<') children.push(element());
      else if (ch === '&') text += reference();
      else {
        if (input.startsWith(']]>', pos)) fail('"]]>" in character data');
        // An XML processor reads CR LF and lone CR as LF (2.11).
        if (ch === '\r') {
          text += '\n';
          pos += input[pos + 1] === '\n' ? 2 : 1;
        } else {
          text += ch;
          pos++;
        }
      }
    }
  };

  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== input.length) fail('content after the root element');
  return root;
}
