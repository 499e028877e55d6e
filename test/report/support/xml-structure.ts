/**
 * Checks a parsed XML document against a structure description (test/fixtures/schemas/*.structure.json):
 * which elements may appear where, their attributes (required, pattern, enumeration) and whether they may
 * hold text. A small stand-in for an XSD, enough for the checkstyle and JUnit formats.
 */
import type { XmlElement } from './xml-parser.js';

export interface AttributeRule {
  readonly required?: boolean;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface ElementRule {
  readonly attributes: Readonly<Record<string, AttributeRule>>;
  /** Attributes not listed are errors unless this is true. */
  readonly additionalAttributes?: boolean;
  readonly children: readonly string[];
  /** Non-whitespace character data allowed. */
  readonly text?: boolean;
}

export interface XmlStructure {
  readonly root: string;
  readonly elements: Readonly<Record<string, ElementRule>>;
}

/** Every violation, as `path: problem`; empty when the document conforms. */
export function checkXmlStructure(root: XmlElement, structure: XmlStructure): string[] {
  const errors: string[] = [];
  if (root.name !== structure.root) errors.push(`/: root element is <${root.name}>, expected <${structure.root}>`);
  const visit = (element: XmlElement, where: string) => {
    const rule = structure.elements[element.name];
    if (rule === undefined) {
      errors.push(`${where}: unknown element <${element.name}>`);
      return;
    }
    for (const [name, attr] of Object.entries(rule.attributes)) {
      const value = element.attributes.get(name);
      if (value === undefined) {
        if (attr.required === true) errors.push(`${where}: missing attribute ${name}`);
        continue;
      }
      if (attr.pattern !== undefined && !new RegExp(attr.pattern, 'u').test(value)) errors.push(`${where}/@${name}: ${JSON.stringify(value)} does not match ${attr.pattern}`);
      if (attr.enum !== undefined && !attr.enum.includes(value)) errors.push(`${where}/@${name}: ${JSON.stringify(value)} is not one of ${attr.enum.join(', ')}`);
    }
    if (rule.additionalAttributes !== true) {
      for (const name of element.attributes.keys()) if (!(name in rule.attributes)) errors.push(`${where}: unexpected attribute ${name}`);
    }
    if (rule.text !== true && element.text.trim() !== '') errors.push(`${where}: unexpected text ${JSON.stringify(element.text.trim().slice(0, 40))}`);
    element.children.forEach((child, index) => {
      const childWhere = `${where}/${child.name}[${index}]`;
      if (!rule.children.includes(child.name)) errors.push(`${childWhere}: <${child.name}> is not allowed in <${element.name}>`);
      else visit(child, childWhere);
    });
  };
  visit(root, `/${root.name}`);
  return errors;
}
