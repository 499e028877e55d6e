/**
 * The default format: ESLint's stylish layout (findings grouped under each file, a summary at the end) with
 * an actionlint-style code frame under each finding, then its related locations and its fix.
 *
 *     conf/nginx.conf
 *       3:5  error  upstream "app" has no server  upstream-no-servers
 *           |
 *         3 |     upstream app {
 *           |     ^^^^^^^^^^^^
 *         note: conf/nginx.conf:9:20: used here
 *         fix (safe): add a server
 *
 *     ✖ 1 problem (1 error, 0 warnings, 0 infos)
 *       1 fixable with --fix
 */
import picocolors from 'picocolors';
import type { Finding, Fix, Severity } from '../engine/types.js';
import { codeFrame } from './code-frame.js';
import type { ReportContext } from './index.js';
import { displayPath, findSource, groupFindings, plural, visible, visiblePath } from './shared.js';

type Colors = ReturnType<typeof picocolors.createColors>;

const FRAME_INDENT = '    ';

export function formatStylish(findings: readonly Finding[], ctx: ReportContext): string {
  if (findings.length === 0) return '';
  const c = picocolors.createColors(ctx.color);
  let out = '';
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let safe = 0;
  let unsafe = 0;

  for (const group of groupFindings(findings, ctx.cwd)) {
    out += `\n${c.bold(c.underline(visiblePath(displayPath(group.file, ctx.cwd))))}\n`;
    // Columns as in ESLint: the line right-aligned and the column left-aligned, so that the colons line up.
    const lineWidth = Math.max(...group.findings.map((f) => String(f.start.line).length));
    const columnWidth = Math.max(...group.findings.map((f) => String(f.start.column).length));
    const severityWidth = Math.max(...group.findings.map((f) => f.severity.length));
    const source = findSource(ctx, group.key, group.file);

    for (const f of group.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
      if (f.fix?.applicability === 'safe') safe++;
      else if (f.fix?.applicability === 'unsafe') unsafe++;

      const location = `${String(f.start.line).padStart(lineWidth)}:${String(f.start.column).padEnd(columnWidth)}`;
      const severity = severityColor(c, f.severity)(f.severity) + ' '.repeat(severityWidth - f.severity.length);
      out += `  ${c.dim(location)}  ${severity}  ${indentRest(visible(f.message))}  ${c.dim(f.ruleId)}\n`;

      if (source !== undefined) out += frame(c, f.severity, visible(codeFrame(source, f.span)));
      for (const r of f.related) {
        out += `${FRAME_INDENT}${c.cyan('note:')} ${visiblePath(displayPath(r.file, ctx.cwd))}:${r.start.line}:${r.start.column}: ${indentRest(visible(r.message))}\n`;
      }
      if (f.fix !== undefined) out += `${FRAME_INDENT}${fixLabel(c, f.fix)} ${indentRest(visible(f.fix.title))}\n`;
    }
  }

  const total = errors + warnings + infos;
  const summaryColor = errors > 0 ? c.red : warnings > 0 ? c.yellow : c.cyan;
  out += '\n';
  out += c.bold(summaryColor(`\u2716 ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')})`)) + '\n';
  const fixable: string[] = [];
  if (safe > 0) fixable.push(`${safe} fixable with --fix`);
  if (unsafe > 0) fixable.push(safe > 0 ? `${unsafe} more with --unsafe-fixes` : `${unsafe} fixable with --unsafe-fixes`);
  if (fixable.length > 0) out += c.bold(summaryColor(`  ${fixable.join(', ')}`)) + '\n';
  return out;
}

function severityColor(c: Colors, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'error':
      return c.red;
    case 'warning':
      return c.yellow;
    case 'info':
      return c.cyan;
  }
}

function fixLabel(c: Colors, fix: Fix): string {
  switch (fix.applicability) {
    case 'safe':
      return c.green('fix (safe):');
    case 'unsafe':
      return c.yellow('fix (unsafe, needs --unsafe-fixes):');
    case 'suggestion':
      return c.cyan('suggestion:');
  }
}

/** Continuation lines of a multi-line message, indented under the finding. */
function indentRest(text: string): string {
  return text.replace(/\r\n|\r|\n/g, `\n${FRAME_INDENT}`);
}

/** The code frame indented under the finding, its gutter dimmed and its carets in the severity's colour. */
function frame(c: Colors, severity: Severity, text: string): string {
  const paint = severityColor(c, severity);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines
    .map((line, index) => {
      const gutter = /^ *\d* \|/.exec(line)?.[0] ?? '';
      let rest = line.slice(gutter.length);
      if (index === lines.length - 1) rest = rest.replace(/\^+$/, (carets) => paint(carets));
      return `${FRAME_INDENT}${c.dim(gutter)}${rest}\n`;
    })
    .join('');
}
