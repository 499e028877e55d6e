/**
 * The sarif format: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers. One run; the driver
 * describes every registered rule (with its README as help), results point into artifacts relative to
 * %SRCROOT% (the working directory), carry related locations, fixes and a line-independent fingerprint.
 *
 * Columns are UTF-16 code units, as in every other format (run.columnKind says so); fix regions use lines and
 * columns from the file's source, or character offsets when the source is not at hand.
 */
import { pathToFileURL } from 'node:url';
import type { Edit, Finding, RelatedLocation, RuleMetaBase, Severity } from '../engine/types.js';
import type { Encoding, SourceText } from '../source/index.js';
import { FINGERPRINT_KEY, fingerprints } from './fingerprint.js';
import type { ReportContext } from './index.js';
import { absolutePath, findSource, isPseudoPath, repoPath, sortPaths, sortedFindings } from './shared.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Where the tool is described, unless the context gives another address. */
export const NGXLINT_INFORMATION_URI = 'https://www.npmjs.com/package/ngxlint';
const SRCROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

interface SarifRegion {
  readonly startLine?: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly charOffset?: number;
  readonly charLength?: number;
  readonly snippet?: { readonly text: string };
}

interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

interface SarifPhysicalLocation {
  readonly artifactLocation: SarifArtifactLocation;
  readonly region: SarifRegion;
  readonly contextRegion?: SarifRegion;
}

interface SarifLocation {
  readonly id?: number;
  readonly physicalLocation: SarifPhysicalLocation;
  readonly message?: SarifMessage;
}

interface SarifReplacement {
  readonly deletedRegion: SarifRegion;
  readonly insertedContent: { readonly text: string };
}

interface SarifFix {
  readonly description: SarifMessage;
  readonly artifactChanges: readonly { readonly artifactLocation: SarifArtifactLocation; readonly replacements: readonly SarifReplacement[] }[];
  readonly properties: { readonly applicability: string };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  readonly relatedLocations?: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly fixes?: readonly SarifFix[];
}

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: SarifMessage;
  readonly helpUri?: string;
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: { readonly tags: readonly string[] };
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: {
    readonly driver: { readonly name: string; readonly version?: string; readonly semanticVersion?: string; readonly informationUri: string; readonly rules: readonly SarifRule[] };
  };
  readonly invocations: readonly { readonly executionSuccessful: boolean; readonly toolExecutionNotifications?: readonly { readonly level: 'error'; readonly message: SarifMessage }[] }[];
  readonly originalUriBaseIds: Readonly<Record<string, { readonly uri: string }>>;
  readonly artifacts: readonly { readonly location: SarifArtifactLocation; readonly roles?: readonly string[]; readonly encoding?: string }[];
  readonly columnKind: 'utf16CodeUnits';
  readonly results: readonly SarifResult[];
}

/** SARIF names encodings by their IANA charset names. */
const IANA_CHARSET: Readonly<Record<Encoding, string>> = { 'utf-8': 'UTF-8', latin1: 'ISO-8859-1', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

const LEVEL: Readonly<Record<Severity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

/** What a rule descriptor is made from: a registered rule, or an id only findings name (no category). */
type DescribedRule = Pick<RuleMetaBase, 'name' | 'severity' | 'description'> & { readonly category?: string };

/** Findings the engine itself reports, under ids no rule module carries. */
const ENGINE_RULES: readonly DescribedRule[] = [
  { name: 'suppression', severity: 'warning', description: 'A `# ngxlint-disable` comment names an unknown rule, or suppresses nothing (with --report-unused-disable-directives).' },
  { name: 'internal-error', severity: 'error', description: 'A rule failed with an internal error; its findings for this configuration are missing.' },
];

export function toSarif(findings: readonly Finding[], ctx: ReportContext): SarifLog {
  const sorted = sortedFindings(findings, ctx.cwd);
  const prints = fingerprints(sorted, ctx);
  const rules = ruleList(sorted, ctx);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.name, index]));
  const artifacts = artifactTable(sorted, ctx);
  const location = (file: string): SarifArtifactLocation => artifactLocation(absolutePath(file, ctx.cwd), ctx.cwd);

  const results = sorted.map((f, index): SarifResult => {
    const source = findSource(ctx, f.file, absolutePath(f.file, ctx.cwd));
    const related = f.related.map((r, id): SarifLocation => ({ id, physicalLocation: { artifactLocation: location(r.file), region: pointRegion(r) }, message: { text: r.message } }));
    const fix = f.fix === undefined || f.fix.edits.length === 0 ? undefined : sarifFix(f.fix.title, f.fix.applicability, f.fix.edits, ctx, location);
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) as number,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: location(f.file), ...(source !== undefined ? regionsWithSnippets(source, f.span.start, f.span.end) : { region: pointRegion(f) }) } }],
      ...(related.length > 0 ? { relatedLocations: related } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: prints[index] as string },
      ...(fix !== undefined ? { fixes: [fix] } : {}),
    };
  });

  const errors = ctx.runErrors ?? [];
  const version = ctx.toolVersion;
  const semver = version !== undefined && /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(version) ? version : undefined;
  const cwdUri = pathToFileURL(ctx.cwd).href;
  const inputs = new Set((ctx.files ?? []).map((file) => absolutePath(file, ctx.cwd)));
  const withResults = new Set(sorted.map((f) => absolutePath(f.file, ctx.cwd)));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ngxlint',
            ...(version !== undefined ? { version } : {}),
            ...(semver !== undefined ? { semanticVersion: semver } : {}),
            informationUri: ctx.informationUri ?? NGXLINT_INFORMATION_URI,
            rules: rules.map((rule) => sarifRule(rule, ctx)),
          },
        },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            ...(errors.length > 0 ? { toolExecutionNotifications: errors.map((text) => ({ level: 'error' as const, message: { text } })) } : {}),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: cwdUri.endsWith('/') ? cwdUri : `${cwdUri}/` } },
        artifacts: artifacts.map((abs) => {
          const encoding = findSource(ctx, abs, abs)?.encoding;
          const roles = [...(inputs.has(abs) ? ['analysisTarget'] : []), ...(withResults.has(abs) ? ['resultFile'] : [])];
          return {
            location: artifactLocation(abs, ctx.cwd),
            ...(roles.length > 0 ? { roles } : {}),
            ...(encoding !== undefined ? { encoding: IANA_CHARSET[encoding] } : {}),
          };
        }),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], ctx: ReportContext): string {
  return JSON.stringify(toSarif(findings, ctx), null, 2) + '\n';
}

/** The registered rules by id, then any rule id that only findings name (engine findings, unknown ids). */
function ruleList(findings: readonly Finding[], ctx: ReportContext): DescribedRule[] {
  const rules = new Map<string, DescribedRule>();
  for (const rule of [...(ctx.rules ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) rules.set(rule.name, rule);
  for (const f of findings) {
    if (rules.has(f.ruleId)) continue;
    const known = ENGINE_RULES.find((rule) => rule.name === f.ruleId);
    rules.set(f.ruleId, known ?? { name: f.ruleId, severity: f.severity, description: `Findings reported under "${f.ruleId}".` });
  }
  return [...rules.values()];
}

function sarifRule(rule: DescribedRule, ctx: ReportContext): SarifRule {
  const readme = ctx.ruleHelp?.(rule.name);
  const url = ctx.ruleUrl(rule.name);
  return {
    id: rule.name,
    name: pascalCase(rule.name),
    shortDescription: { text: rule.description },
    fullDescription: { text: (readme !== undefined ? introParagraph(readme) : undefined) ?? rule.description },
    help: readme !== undefined ? { text: readme, markdown: readme } : { text: rule.description },
    ...(url !== undefined ? { helpUri: url } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: rule.category !== undefined ? [rule.category] : [] },
  };
}

/** `upstream-tls-sni-missing` → `UpstreamTlsSniMissing`: SARIF wants a readable name besides the id. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** The README's first paragraph after its title, on one line. */
function introParagraph(readme: string): string | undefined {
  const paragraphs = readme.split(/\r?\n\s*\r?\n/).map((p) => p.trim());
  const first = paragraphs.find((p) => p !== '' && !p.startsWith('#'));
  return first === undefined ? undefined : first.replace(/\s*\r?\n\s*/g, ' ');
}

/**
 * Absolute paths of every file the log names: checked files, findings, related locations and fix targets.
 * The table records what was checked (roles) and how it was decoded; locations name files by URI alone.
 */
function artifactTable(findings: readonly Finding[], ctx: ReportContext): string[] {
  const files = new Set<string>();
  const add = (file: string) => files.add(absolutePath(file, ctx.cwd));
  (ctx.files ?? []).forEach(add);
  for (const f of findings) {
    add(f.file);
    f.related.forEach((r) => add(r.file));
    f.fix?.edits.forEach((e) => add(e.file));
  }
  return sortPaths(files);
}

/** Relative to %SRCROOT% when under the working directory, else an absolute file: URI. */
function artifactLocation(abs: string, cwd: string): SarifArtifactLocation {
  const shown = repoPath(abs, cwd);
  if (!isPseudoPath(abs) && shown === abs) return { uri: pathToFileURL(abs).href };
  return { uri: shown.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function pointRegion(at: Pick<RelatedLocation, 'start' | 'end'>): SarifRegion {
  return { startLine: at.start.line, startColumn: at.start.column, endLine: at.end.line, endColumn: at.end.column };
}

function spanRegion(source: SourceText, start: number, end: number): SarifRegion {
  return pointRegion({ start: source.positionAt(start), end: source.positionAt(end) });
}

/** Longest text embedded as a snippet: a finding on a whole block or a very long line must not copy the file. */
const MAX_SNIPPET = 2000;

/**
 * The flagged text as the region's snippet, and the whole lines around it as the context region, each only
 * when it is short enough to be worth embedding.
 */
function regionsWithSnippets(source: SourceText, start: number, end: number): { region: SarifRegion; contextRegion?: SarifRegion } {
  const region = spanRegion(source, start, end);
  const first = source.lineAt(start);
  const last = source.lineAt(end);
  const contextStart = source.offsetAt(first, 1);
  const contextEnd = last < source.lineCount ? source.offsetAt(last + 1, 1) : source.text.length;
  const withSnippet = end - start <= MAX_SNIPPET ? { ...region, snippet: { text: source.text.slice(start, end) } } : region;
  if (contextEnd - contextStart > MAX_SNIPPET) return { region: withSnippet };
  const lines: string[] = [];
  for (let line = first; line <= last; line++) lines.push(source.lineText(line));
  return { region: withSnippet, contextRegion: { startLine: first, endLine: last, snippet: { text: lines.join(source.lineEnding) } } };
}

function sarifFix(title: string, applicability: string, edits: readonly Edit[], ctx: ReportContext, location: (file: string) => SarifArtifactLocation): SarifFix {
  const byFile = new Map<string, Edit[]>();
  for (const edit of edits) {
    const abs = absolutePath(edit.file, ctx.cwd);
    byFile.set(abs, [...(byFile.get(abs) ?? []), edit]);
  }
  return {
    description: { text: title },
    artifactChanges: sortPaths(byFile.keys()).map((abs) => {
      const fileEdits = [...(byFile.get(abs) ?? [])].sort((a, b) => a.start - b.start || a.end - b.end);
      const source = findSource(ctx, fileEdits[0]?.file ?? abs, abs);
      return {
        artifactLocation: location(abs),
        replacements: fileEdits.map((e) => ({
          deletedRegion: source !== undefined ? spanRegion(source, e.start, e.end) : { charOffset: e.start, charLength: e.end - e.start },
          insertedContent: { text: e.text },
        })),
      };
    }),
    properties: { applicability },
  };
}
