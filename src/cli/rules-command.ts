import type { AnyRule } from '../engine/rule.js';
import { closestMatches } from '../model/index.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';
import { readRuleReadme } from './rule-docs.js';
import { renderMarkdown } from './terminal-markdown.js';

/** `ngxlint rules`: one line per rule. */
export function rulesCommand(rules: readonly AnyRule[], format: 'table' | 'json', io: CliIo): number {
  const rows = [...rules]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((r) => ({ name: r.name, category: r.category, severity: r.severity, fixable: r.fix ?? '', recommended: r.recommended !== false, description: r.description }));
  if (format === 'json') {
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const header = { name: 'rule', category: 'category', severity: 'severity', fixable: 'fixable', recommended: true, description: 'description' };
  const width = (key: 'name' | 'category' | 'severity' | 'fixable') => Math.max(...[header, ...rows].map((r) => r[key].length));
  const line = (r: typeof header) =>
    `${r.name.padEnd(width('name'))}  ${r.category.padEnd(width('category'))}  ${r.severity.padEnd(width('severity'))}  ${r.fixable.padEnd(width('fixable'))}  ${r.description}`.trimEnd();
  io.stdout([line(header), ...rows.map(line)].join('\n') + '\n');
  return EXIT_OK;
}

/**
 * `ngxlint explain RULE`: the rule's README, rendered lightly when colour is on (by default: stdout is a
 * terminal and NO_COLOR is unset), as plain markdown otherwise. An unknown name exits 2 with the closest one.
 */
export function explainCommand(rules: readonly AnyRule[], name: string, io: CliIo, color?: boolean): number {
  const rule = rules.find((r) => r.name === name);
  if (rule === undefined) {
    const near = closestMatches(name, rules.map((r) => r.name), 3)[0];
    io.stderr(`ngxlint: unknown rule "${name}"${near ? ` (did you mean "${near}"?)` : ''}; "ngxlint rules" lists them\n`);
    return EXIT_USAGE;
  }
  const readme = readRuleReadme(rule.name) ?? `# ${rule.name}\n\n${rule.description}\n`;
  const useColor = color ?? (io.stdoutIsTTY && io.env.NO_COLOR === undefined);
  io.stdout(useColor ? renderMarkdown(readme) : readme);
  return EXIT_OK;
}
