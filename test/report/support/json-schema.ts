/**
 * A validator for the subset of JSON Schema (draft-07) that the fixtures under test/fixtures/schemas use:
 * type, required, properties, additionalProperties (boolean), items, minItems, enum, pattern, minLength,
 * minimum and anyOf. Unknown keywords are an error, so a fixture cannot silently rely on one it ignores.
 */

export interface JsonSchema {
  readonly $schema?: string;
  readonly $comment?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly anyOf?: readonly JsonSchema[];
}

const KNOWN = new Set(['$schema', '$comment', 'title', 'description', 'type', 'required', 'properties', 'additionalProperties', 'items', 'minItems', 'enum', 'pattern', 'minLength', 'minimum', 'anyOf']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Every violation, as `JSON path: problem`; empty when the value conforms. */
export function validateJson(value: unknown, schema: JsonSchema, where = '$'): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) errors.push(`${where}: schema uses unsupported keyword "${key}"`);
  const actual = typeOf(value);
  if (schema.type !== undefined && actual !== schema.type && !(schema.type === 'number' && actual === 'integer')) {
    errors.push(`${where}: expected ${schema.type}, got ${actual}`);
    return errors;
  }
  if (schema.enum !== undefined && !schema.enum.some((option) => option === value)) errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${where}: shorter than ${schema.minLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: ${value} is below ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${where}: fewer than ${schema.minItems} items`);
    if (schema.items !== undefined) value.forEach((item, index) => errors.push(...validateJson(item, schema.items as JsonSchema, `${where}[${index}]`)));
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${where}: missing property "${key}"`);
    for (const [key, child] of Object.entries(object)) {
      const sub = schema.properties?.[key];
      if (sub !== undefined) errors.push(...validateJson(child, sub, `${where}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${where}: unexpected property "${key}"`);
    }
  }
  if (schema.anyOf !== undefined) {
    const results = schema.anyOf.map((option) => validateJson(value, option, where));
    if (!results.some((r) => r.length === 0)) errors.push(`${where}: matches none of anyOf (${results.map((r) => r.join('; ')).join(' | ')})`);
  }
  return errors;
}
