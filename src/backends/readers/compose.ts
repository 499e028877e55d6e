/**
 * docker-compose.yml / compose.yaml: the services, what they publish, whether they run nginx, and the
 * listeners their command lines open.
 *
 * - `ports`: short syntax `"80"`, `"8080:80"`, `"127.0.0.1:8080:80"`, `"[::1]:8080:80"`, `"8000-8002:8000-8002"`
 *   (ranges expand up to 16 ports; larger ranges are skipped), `/udp` and `/sctp` skipped; long syntax
 *   `{ target, published, host_ip, protocol }`.
 * - `expose`, `network_mode`, `image`, `command` and `entrypoint` (string or list), `environment` `PORT`
 *   (list or map form).
 * - Interpolation: `$$` is a literal `$`; `${VAR}`, `${VAR:-default}` and `$VAR` are only known when compose
 *   runs, so a port written with one is unknown (a published port is left undefined, a container port
 *   skipped) and a listener using one is symbolic.
 * - YAML anchors, aliases and `<<` merge keys are followed; positions point into the text where a value is
 *   written (inside the anchor when it comes through an alias).
 * - Broken YAML (compose would refuse the file too): no services, one problem.
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Document, Node as YamlNode, Scalar, YAMLMap } from 'yaml';

/** The YAML library, loaded on the first compose file (startup time is a budget). */
let Y: typeof YamlModule;
import { SourceText } from '../../source/index.js';
import type { BackendSource, ComposeService, Listener, ReaderResult, Sourced } from '../types.js';
import { readCommandLine } from './command-line.js';

type Port = ComposeService['ports'][number];

/** A value compose only knows at run time (an interpolated variable). */
const HOLE = '\u0000';

/** At most this many ports are taken from one range. */
export const MAX_RANGE = 16;

// ---------------------------------------------------------------------------------------------------------
// YAML helpers

interface Ctx {
  readonly file: string;
  readonly text: string;
  readonly st: SourceText;
  readonly doc: Document.Parsed;
}

/** Follow aliases (bounded). */
function deref(ctx: Ctx, node: unknown): YamlNode | null {
  let n: unknown = node;
  for (let i = 0; i < 16 && Y.isAlias(n); i++) n = n.resolve(ctx.doc) ?? null;
  return n === undefined || Y.isAlias(n) ? null : (n as YamlNode | null);
}

interface Entry {
  readonly key: string;
  readonly keyNode: YamlNode;
  readonly value: YamlNode | null;
}

/** A mapping's entries by key, with `<<` merge keys applied (explicit keys win, earlier merges win). */
function entries(ctx: Ctx, node: unknown, depth = 0): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const map = deref(ctx, node);
  if (!Y.isMap(map) || depth > 8) return out;
  const merged: Map<string, Entry>[] = [];
  for (const pair of (map as YAMLMap<unknown, unknown>).items) {
    const keyNode = deref(ctx, pair.key);
    if (!Y.isScalar(keyNode)) continue;
    const key = String(keyNode.value);
    const quoted = (keyNode as Scalar).type === 'QUOTE_DOUBLE' || (keyNode as Scalar).type === 'QUOTE_SINGLE';
    if (key === '<<' && !quoted) {
      const value = deref(ctx, pair.value);
      const sources = Y.isSeq(value) ? value.items : [value];
      for (const s of sources) merged.push(entries(ctx, s, depth + 1));
      continue;
    }
    out.set(key, { key, keyNode, value: deref(ctx, pair.value) });
  }
  for (const m of merged) for (const [k, v] of m) if (!out.has(k)) out.set(k, v);
  return out;
}

function range(node: YamlNode | null): [number, number] | undefined {
  const r = node?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** A scalar's value as text (numbers and booleans as written by YAML), or undefined. */
function scalarText(node: YamlNode | null): string | undefined {
  if (!Y.isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return typeof node.source === 'string' && node.source !== '' ? node.source : String(v);
  return undefined;
}

function sourceAt(ctx: Ctx, start: number, end: number): BackendSource {
  const s = ctx.st.positionAt(start);
  const lineEnd = ctx.st.offsetAt(s.line, Number.MAX_SAFE_INTEGER);
  return { file: ctx.file, line: s.line, column: s.column, endColumn: s.column + Math.max(0, Math.min(end, lineEnd) - s.offset) };
}

function nodeSource(ctx: Ctx, node: YamlNode | null, fallback: BackendSource): BackendSource {
  const r = range(node);
  return r ? sourceAt(ctx, r[0], r[1]) : fallback;
}

/**
 * For each character of a scalar's value, the offset in the file where it is written. Plain scalars map
 * one to one; quoted and block scalars are aligned greedily (quotes, escapes, indentation and folded line
 * breaks are skipped), which is exact for every character that is written literally.
 */
function scalarOffsets(ctx: Ctx, node: YamlNode, value: string): number[] {
  const r = range(node);
  if (!r) return Array.from({ length: value.length + 1 }, () => 0);
  const [start, end] = r;
  if (ctx.text.slice(start, start + value.length) === value) return Array.from({ length: value.length + 1 }, (_, i) => start + i);
  const offs: number[] = [];
  let j = start;
  const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (const c of value) {
    for (let k = 0; k < c.length; k++) {
      const ch = c[k] as string;
      if (isWs(ch)) {
        if (isWs(ctx.text[j]) && j < end) {
          offs.push(j);
          j++;
        } else offs.push(j);
        continue;
      }
      // Find the character ahead, skipping whitespace freely and at most 4 other characters (quotes, escapes, block headers).
      let p = j;
      let skipped = 0;
      while (p < end && ctx.text[p] !== ch && (isWs(ctx.text[p]) || skipped++ < 4)) p++;
      if (p < end && ctx.text[p] === ch) {
        offs.push(p);
        j = p + 1;
      } else {
        offs.push(Math.min(j, end));
        if (j < end) j++;
      }
    }
  }
  offs.push(Math.min(j, end));
  return offs;
}

// ---------------------------------------------------------------------------------------------------------
// Interpolation

/**
 * Compose interpolation: `$$` is `$`; `${VAR...}` and `$VAR` become a HOLE (or, with `defaults`, the written
 * `${VAR:-default}` / `${VAR-default}` default, for heuristics only).
 */
export function interpolate(s: string, defaults = false): { value: string; symbolic: boolean } {
  let symbolic = false;
  const value = s.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m: string, braced?: string) => {
    if (m === '$$') return '$';
    symbolic = true;
    if (defaults && braced !== undefined) {
      const d = /^[A-Za-z_][A-Za-z0-9_]*:?-(.*)$/s.exec(braced);
      if (d) return interpolate(d[1] as string, true).value;
    }
    return HOLE;
  });
  return { value, symbolic };
}

// ---------------------------------------------------------------------------------------------------------
// Ports

/** `8000` or `8000-8002` as a list of ports (undefined: unknown or too large). */
function portRange(text: string): number[] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b > 65535 || b < a || b - a + 1 > MAX_RANGE) return undefined;
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** Expand HOST and CONTAINER ranges into pairs; undefined host ports where compose picks one. */
function pairPorts(hostText: string | undefined, containerText: string, hostIp: string | undefined, source: BackendSource): Port[] {
  const containers = containerText.includes(HOLE) ? undefined : portRange(containerText);
  if (!containers) return [];
  const hosts = hostText === undefined || hostText === '' || hostText.includes(HOLE) ? undefined : portRange(hostText);
  const ip = hostIp !== undefined && hostIp !== '' && !hostIp.includes(HOLE) ? { hostIp } : {};
  return containers.map((container, i) => {
    const host = hosts && hosts.length === containers.length ? hosts[i] : undefined;
    return { ...(host !== undefined ? { host } : {}), container, source, ...ip };
  });
}

/** One short-syntax `ports` entry: `[[IP:]HOST:]CONTAINER[/PROTO]`. */
export function parseShortPort(raw: string, source: BackendSource): Port[] {
  let s = interpolate(raw.trim()).value;
  const proto = /\/([a-z]+)$/i.exec(s);
  if (proto) {
    if ((proto[1] as string).toLowerCase() !== 'tcp') return [];
    s = s.slice(0, proto.index);
  }
  let ip: string | undefined;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(s);
  if (v6) {
    ip = v6[1];
    s = v6[2] as string;
  }
  const parts = s.split(':');
  if (parts.length === 1) return pairPorts(undefined, parts[0] as string, ip, source);
  if (parts.length === 2) return pairPorts(parts[0], parts[1] as string, ip, source);
  const container = parts[parts.length - 1] as string;
  const host = parts[parts.length - 2] as string;
  return pairPorts(host, container, ip ?? parts.slice(0, -2).join(':'), source);
}

function readPorts(ctx: Ctx, node: YamlNode | null, fallback: BackendSource): Port[] {
  if (!Y.isSeq(node)) return [];
  const out: Port[] = [];
  for (const item of node.items) {
    const n = deref(ctx, item);
    if (Y.isMap(n)) {
      const e = entries(ctx, n);
      const target = scalarText(e.get('target')?.value ?? null);
      if (target === undefined) continue;
      const protocol = scalarText(e.get('protocol')?.value ?? null);
      if (protocol !== undefined && protocol.toLowerCase() !== 'tcp') continue;
      const published = e.get('published');
      const publishedText = scalarText(published?.value ?? null);
      const hostIp = scalarText(e.get('host_ip')?.value ?? null);
      const source = nodeSource(ctx, published?.value ?? e.get('target')?.value ?? null, fallback);
      out.push(
        ...pairPorts(
          publishedText === undefined ? undefined : interpolate(publishedText).value,
          interpolate(target).value,
          hostIp === undefined ? undefined : interpolate(hostIp).value,
          source,
        ),
      );
      continue;
    }
    const text = scalarText(n);
    if (text === undefined) continue;
    out.push(...parseShortPort(text, nodeSource(ctx, n, fallback)));
  }
  return out;
}

function readExpose(ctx: Ctx, node: YamlNode | null): number[] {
  if (!Y.isSeq(node)) return [];
  const out: number[] = [];
  for (const item of node.items) {
    const text = scalarText(deref(ctx, item));
    if (text === undefined) continue;
    let s = interpolate(text.trim()).value;
    const proto = /\/([a-z]+)$/i.exec(s);
    if (proto) {
      if ((proto[1] as string).toLowerCase() !== 'tcp') continue;
      s = s.slice(0, proto.index);
    }
    if (s.includes(HOLE)) continue;
    out.push(...(portRange(s) ?? []));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Command lines

/** A command line assembled from YAML values, remembering where each character is written. */
class CommandText {
  text = '';
  readonly offsets: number[] = [];

  /** Append a scalar's value, turning compose's `$$` into `$`. */
  addScalar(ctx: Ctx, node: YamlNode, value: string): void {
    const offs = scalarOffsets(ctx, node, value);
    for (let i = 0; i < value.length; i++) {
      if (value[i] === '$' && value[i + 1] === '$') {
        this.push('$', offs[i] ?? 0);
        i++;
        continue;
      }
      this.push(value[i] as string, offs[i] ?? 0);
    }
  }

  /** Append a list item as one shell word (quoted when it holds blanks or quotes). */
  addWord(ctx: Ctx, node: YamlNode, value: string): void {
    if (this.text !== '') this.push(' ', this.offsets[this.offsets.length - 1] ?? 0);
    const quote = /[\s'"\\]/.test(value) || value === '';
    const offs = scalarOffsets(ctx, node, value);
    if (quote) this.push("'", offs[0] ?? 0);
    const before = this.text.length;
    this.addScalar(ctx, node, quote ? value.replace(/'/g, "'\\''") : value);
    if (quote && value.includes("'")) {
      // The escaped quotes shifted the characters: map them back by position within the value.
      const added = this.text.length - before;
      for (let i = 0; i < added; i++) this.offsets[before + i] = offs[Math.min(i, value.length - 1)] ?? 0;
    }
    if (quote) this.push("'", offs[value.length] ?? 0);
  }

  addSpace(): void {
    if (this.text !== '') this.push(' ', this.offsets[this.offsets.length - 1] ?? 0);
  }

  private push(ch: string, offset: number): void {
    this.text += ch;
    this.offsets.push(offset);
  }

  /** The file offset of a character of the text (the end for one past it). */
  offsetOf(i: number): number {
    if (this.offsets.length === 0) return 0;
    if (i >= this.offsets.length) return (this.offsets[this.offsets.length - 1] as number) + 1;
    return this.offsets[Math.max(0, i)] as number;
  }
}

const SHELLS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh|ksh)$/;

interface CommandParts {
  readonly items: readonly { node: YamlNode; value: string }[];
  readonly isList: boolean;
}

function commandParts(ctx: Ctx, node: YamlNode | null): CommandParts | undefined {
  if (Y.isSeq(node)) {
    const items: { node: YamlNode; value: string }[] = [];
    for (const item of node.items) {
      const n = deref(ctx, item);
      const value = scalarText(n);
      if (n && value !== undefined) items.push({ node: n, value });
    }
    return { items, isList: true };
  }
  const value = scalarText(node);
  if (node && value !== undefined) return { items: [{ node, value }], isList: false };
  return undefined;
}

/** The text `command:` shows (a list joined with blanks). */
function displayCommand(parts: CommandParts | undefined): string | undefined {
  if (!parts) return undefined;
  if (!parts.isList) return parts.items[0]?.value;
  return parts.items.map((i) => (/[\s'"]/.test(i.value) || i.value === '' ? `'${i.value.replace(/'/g, "'\\''")}'` : i.value)).join(' ');
}

/** What the container runs: entrypoint + command, or the script of `sh -c SCRIPT` in exec form. */
function buildCommand(ctx: Ctx, entrypoint: CommandParts | undefined, command: CommandParts | undefined): CommandText | undefined {
  const all: { node: YamlNode; value: string; list: boolean }[] = [];
  for (const parts of [entrypoint, command]) for (const i of parts?.items ?? []) all.push({ ...i, list: parts?.isList ?? false });
  if (all.length === 0) return undefined;
  // Exec form `[sh, -c, SCRIPT]` (possibly split between entrypoint and command): the script is the command.
  const first = all[0];
  if (first && first.list && SHELLS.test(first.value)) {
    const c = all.findIndex((x, i) => i > 0 && x.list && /^-[a-z]*c[a-z]*$/.test(x.value));
    const script = c > 0 ? all[c + 1] : undefined;
    if (script) {
      const t = new CommandText();
      t.addScalar(ctx, script.node, script.value);
      return t;
    }
  }
  const t = new CommandText();
  for (const x of all) {
    if (x.list) t.addWord(ctx, x.node, x.value);
    else {
      t.addSpace();
      t.addScalar(ctx, x.node, x.value);
    }
  }
  return t;
}

/**
 * Environment values handed to the command-line reader carry their real place under this marked file name,
 * so that they are told apart from places in the command text when the listeners come back.
 */
const ENV_MARK = '\u0000environment';

/** Map a source the command-line reader computed on `cmd.text` (placed at line 1, column 1) back into the file. */
function remapSource(ctx: Ctx, cmd: CommandText, src: BackendSource): BackendSource {
  if (src.file === ctx.file + ENV_MARK) return { ...src, file: ctx.file };
  if (src.file !== ctx.file) return src;
  // Offset of (line, column) in cmd.text when the text starts at 1:1.
  let lineStart = 0;
  for (let l = 1; l < src.line; l++) {
    const nl = cmd.text.indexOf('\n', lineStart);
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  const start = Math.max(0, Math.min(cmd.text.length, lineStart + src.column - 1));
  const length = Math.max(0, src.endColumn - src.column);
  const from = cmd.offsetOf(start);
  const to = length > 0 ? cmd.offsetOf(Math.min(start + length - 1, cmd.text.length - 1)) + 1 : from;
  return sourceAt(ctx, from, Math.max(from, to));
}

function remapListener(ctx: Ctx, cmd: CommandText, l: Listener): Listener {
  const out: Record<string, unknown> = { ...l };
  for (const [k, v] of Object.entries(l)) {
    if (k === 'source') out[k] = remapSource(ctx, cmd, v as BackendSource);
    else if (v !== null && typeof v === 'object' && 'source' in v && typeof (v as { source: unknown }).source === 'object') {
      out[k] = { ...(v as object), source: remapSource(ctx, cmd, (v as { source: BackendSource }).source) };
    }
  }
  return out as unknown as Listener;
}

// ---------------------------------------------------------------------------------------------------------
// nginx detection

/** The image's repository name (`nginx`, `nginx-proxy`, `openresty`) without registry, owner or tag. */
function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return (last.split(':')[0] ?? last).toLowerCase();
}

const NGINX_WORD = /(?<![-\w])(?:nginx|openresty)/i;

/**
 * Whether a service runs nginx: its image's name says nginx or openresty (not an exporter, a companion, or
 * a project's `-php` image), its command or entrypoint starts nginx (or an nginx entrypoint script), its
 * service name or build context names nginx, or it mounts files into /etc/nginx or openresty's directory.
 */
export function looksLikeNginx(service: {
  name: string;
  image?: string | undefined;
  commandLine?: string | undefined;
  build?: string | undefined;
  volumeTargets?: readonly string[] | undefined;
}): boolean {
  if (service.image !== undefined) {
    const name = imageName(interpolate(service.image, true).value);
    if (/nginx|openresty/.test(name) && !/exporter|companion|-php$/.test(name)) return true;
  }
  if (service.commandLine !== undefined && NGINX_WORD.test(service.commandLine)) return true;
  if (/(^|[-_.])(nginx|openresty)($|[-_.])/i.test(service.name)) return true;
  if (service.build !== undefined && /(^|[\\/])(nginx|openresty)([\\/]|$)/i.test(service.build)) return true;
  return (service.volumeTargets ?? []).some((t) => /^\/etc\/nginx(\/|$)|^\/usr\/local\/openresty\//.test(t));
}

function buildText(ctx: Ctx, node: YamlNode | null): string | undefined {
  const s = scalarText(node);
  if (s !== undefined) return s;
  const e = entries(ctx, node);
  const context = scalarText(e.get('context')?.value ?? null) ?? '';
  const dockerfile = scalarText(e.get('dockerfile')?.value ?? null) ?? '';
  return context || dockerfile ? `${context}/${dockerfile}` : undefined;
}

function volumeTargets(ctx: Ctx, node: YamlNode | null): string[] {
  if (!Y.isSeq(node)) return [];
  const out: string[] = [];
  for (const item of node.items) {
    const n = deref(ctx, item);
    if (Y.isMap(n)) {
      const t = scalarText(entries(ctx, n).get('target')?.value ?? null);
      if (t !== undefined) out.push(t);
      continue;
    }
    const s = scalarText(n);
    if (s === undefined) continue;
    // SOURCE:TARGET[:MODE] or TARGET.
    const parts = s.split(':');
    out.push((parts.length >= 2 ? parts[1] : parts[0]) ?? '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Environment

/**
 * The `environment` of a service (list `KEY=value` or map `KEY: value`) as written, with each value's place.
 * `- KEY` alone (passed through from the host) has no value and is left out.
 */
function environment(ctx: Ctx, node: YamlNode | null, fallback: BackendSource): Map<string, { value: string; source: BackendSource }> {
  const out = new Map<string, { value: string; source: BackendSource }>();
  if (Y.isSeq(node)) {
    for (const item of node.items) {
      const n = deref(ctx, item);
      const s = scalarText(n);
      if (!n || s === undefined) continue;
      const m = /^\s*([^=\s]+)\s*=(.*)$/s.exec(s);
      if (!m) continue;
      const value = (m[2] as string).trim();
      const at = value === '' ? s.indexOf('=') + 1 : s.indexOf(value, s.indexOf('=') + 1);
      const offs = scalarOffsets(ctx, n, s);
      const from = offs[at] ?? 0;
      out.set(m[1] as string, { value, source: sourceAt(ctx, from, value === '' ? from : (offs[at + value.length - 1] ?? from) + 1) });
    }
    return out;
  }
  for (const [key, e] of entries(ctx, node)) {
    const value = scalarText(e.value);
    if (value !== undefined) out.set(key, { value, source: nodeSource(ctx, e.value, fallback) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The reader

/**
 * Read a compose file: its services, and the listeners their commands open (`service` and `name` set to the
 * service). A service whose command opens no listener but whose environment sets `PORT` gets one HTTP
 * listener on that port (every interface; kind `compose`). Never throws.
 */
export function readCompose(file: string, text: string): ReaderResult {
  try {
    return readComposeUnsafe(file, text);
  } catch (error) {
    return { services: [], listeners: [], problems: [`could not read the compose file (${error instanceof Error ? error.message : String(error)})`] };
  }
}

function readComposeUnsafe(file: string, text: string): ReaderResult {
  const st = new SourceText(text, file);
  Y ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  const doc = Y.parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e ? st.positionAt(e.pos[0]) : undefined;
    const message = (e?.message ?? 'invalid YAML').split('\n')[0];
    return { services: [], listeners: [], problems: [`not valid YAML${pos ? ` (line ${pos.line}, column ${pos.column})` : ''}: ${message}`] };
  }
  const ctx: Ctx = { file, text, st, doc };
  const root = deref(ctx, doc.contents);
  if (root === null) return { services: [], listeners: [] };
  if (!Y.isMap(root)) return { services: [], listeners: [], problems: ['not a compose file: the top level is not a mapping'] };
  const servicesNode = entries(ctx, root).get('services')?.value ?? null;
  if (!Y.isMap(servicesNode)) return { services: [], listeners: [] };

  const services: ComposeService[] = [];
  const listeners: Listener[] = [];
  for (const [name, entry] of entries(ctx, servicesNode)) {
    const source = nodeSource(ctx, entry.keyNode, { file, line: 1, column: 1, endColumn: 1 });
    const e = entries(ctx, entry.value);
    const get = (key: string): YamlNode | null => e.get(key)?.value ?? null;

    const image = scalarText(get('image'));
    const networkMode = scalarText(get('network_mode'));
    const cmdParts = commandParts(ctx, get('command'));
    const entrypointParts = commandParts(ctx, get('entrypoint'));
    const command = displayCommand(cmdParts);
    const commandLine = [displayCommand(entrypointParts), command].filter((x) => x !== undefined).join(' ');

    services.push({
      name,
      file,
      ...(image !== undefined ? { image } : {}),
      ports: readPorts(ctx, get('ports'), source),
      expose: readExpose(ctx, get('expose')),
      ...(networkMode !== undefined ? { networkMode } : {}),
      ...(command !== undefined ? { command } : {}),
      runsNginx: looksLikeNginx({ name, image, commandLine: commandLine || undefined, build: buildText(ctx, get('build')), volumeTargets: volumeTargets(ctx, get('volumes')) }),
      source,
    });

    const env = environment(ctx, get('environment'), source);
    const serviceListeners: Listener[] = [];
    const cmd = buildCommand(ctx, entrypointParts, cmdParts);
    if (cmd && cmd.text.trim() !== '') {
      // The service's environment, for programs that read it (gunicorn PORT, UVICORN_PORT, `sh -c` scripts);
      // values compose interpolates are unknown here and left out.
      const known = new Map<string, Sourced<string>>();
      for (const [k, v] of env) {
        const i = interpolate(v.value);
        if (!i.symbolic) known.set(k, { value: i.value, source: { ...v.source, file: file + ENV_MARK } });
      }
      try {
        for (const l of readCommandLine(file, 1, 1, cmd.text, { name, env: known })) serviceListeners.push({ ...remapListener(ctx, cmd, l), name, service: name });
      } catch {
        // The command-line reader is not supposed to throw; a command it cannot follow opens no listener here.
      }
    }
    if (serviceListeners.length === 0) {
      const port = env.get('PORT');
      if (port) {
        const v = interpolate(port.value);
        const n = !v.symbolic && /^\d+$/.test(v.value) && Number(v.value) >= 1 && Number(v.value) <= 65535 ? Number(v.value) : undefined;
        serviceListeners.push({
          kind: 'compose',
          name,
          service: name,
          protocol: 'http',
          transport: 'tcp',
          ...(n !== undefined ? { port: n } : { symbolic: true }),
          source: port.source,
        });
      }
    }
    listeners.push(...serviceListeners);
  }
  return { services, listeners };
}
