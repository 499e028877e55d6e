/**
 * Types shared by the engine, the rules, the reporters and the CLI: findings, severities, rule metadata
 * and declarative rule options.
 */
import type { Span } from '../source/index.js';

export type Severity = 'error' | 'warning' | 'info';
/** A rule's setting in a config file: `off` or a severity. */
export type RuleLevel = 'off' | Severity;

export type Category = 'syntax' | 'load' | 'upstream' | 'sockets' | 'buffers' | 'timeouts' | 'dns' | 'tls' | 'keepalive' | 'capacity';

/** ruff's fix levels: safe fixes apply with --fix, unsafe ones with --unsafe-fixes, suggestions never. */
export type Applicability = 'safe' | 'unsafe' | 'suggestion';

/** A text edit on one file: replace [start, end) with text. */
export interface Edit {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Fix {
  readonly title: string;
  readonly applicability: Applicability;
  readonly edits: readonly Edit[];
}

/** 1-based line and column, with the offset they came from. */
export interface Point {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** Another place that explains a finding ("upstream defined here"). */
export interface RelatedLocation {
  readonly file: string;
  readonly start: Point;
  readonly end: Point;
  readonly message: string;
}

/** One problem found by a rule, with everything a reporter needs. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly messageId: string;
  readonly message: string;
  readonly file: string;
  readonly span: Span;
  readonly start: Point;
  readonly end: Point;
  readonly related: readonly RelatedLocation[];
  readonly fix: Fix | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Rule options: declared once, validated when a config loads, rendered into docs and the JSON schema.

interface OptionBase<T> {
  readonly description: string;
  readonly default: T;
}

export interface IntegerOption extends OptionBase<number> {
  readonly type: 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
}
export interface BooleanOption extends OptionBase<boolean> {
  readonly type: 'boolean';
}
export interface StringOption extends OptionBase<string> {
  readonly type: 'string';
  /** Allowed values, when the option is an enumeration. */
  readonly enum?: readonly string[];
}
export interface StringListOption extends OptionBase<readonly string[]> {
  readonly type: 'string[]';
}
/** An nginx size such as `8k`; the parsed value is in bytes. */
export interface SizeOption extends OptionBase<string> {
  readonly type: 'size';
}
/** An nginx time such as `60s`; the parsed value is in milliseconds. */
export interface TimeOption extends OptionBase<string> {
  readonly type: 'time';
}

export type OptionSpec = IntegerOption | BooleanOption | StringOption | StringListOption | SizeOption | TimeOption;

export type OptionsSpec = Readonly<Record<string, OptionSpec>>;

/** The value type an option spec produces after validation. */
export type OptionValue<S extends OptionSpec> = S extends IntegerOption
  ? number
  : S extends BooleanOption
    ? boolean
    : S extends StringListOption
      ? readonly string[]
      : S extends SizeOption | TimeOption
        ? number
        : string;

export type OptionValues<S extends OptionsSpec> = { readonly [K in keyof S]: OptionValue<S[K]> };

/** What every rule declares about itself (the `create` function lives in rule-api.ts). */
export interface RuleMetaBase {
  /** kebab-case; names the risky pattern; never reused. */
  readonly name: string;
  readonly category: Category;
  readonly severity: Severity;
  /** One line. */
  readonly description: string;
  /** Fix availability, when the rule offers fixes. */
  readonly fix?: Applicability;
  /** In `ngxlint:recommended` (all rules are in `ngxlint:strict`). Default true. */
  readonly recommended?: boolean;
}
