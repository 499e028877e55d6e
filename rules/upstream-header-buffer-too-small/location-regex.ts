/**
 * Whether a URI matches a `location ~` / `location ~*` regex, without a backtracking engine: the pattern
 * comes from the configuration being linted, and JavaScript's RegExp takes exponential time on patterns
 * such as `^(a+)+$` or `(a|aa)*b`. The pattern is compiled to a Thompson NFA and simulated in lock step,
 * which costs at most (program size x subject length) steps, both capped.
 *
 * The subset is what location regexes use: literals, `.`, classes, `\d \w \s` and their negations, `^ $ \A
 * \z \Z \b \B`, groups (capturing, `(?:`, named), `|`, and the quantifiers `* + ? {n} {n,} {n,m}` with their
 * lazy forms (laziness does not change whether there is a match). Anything else (backreferences,
 * lookaround, possessive quantifiers, inline flags, `\p{..}`) makes the pattern unjudgeable: undefined.
 */

/** Instructions of the NFA program. */
type Instruction =
  | { readonly op: 'char'; readonly test: (c: number) => boolean }
  | { readonly op: 'split'; readonly a: number; readonly b: number }
  | { readonly op: 'jump'; readonly to: number }
  | { readonly op: 'assert'; readonly kind: Assertion }
  | { readonly op: 'match' };

type Assertion = 'start' | 'end' | 'end-or-final-newline' | 'word-boundary' | 'not-word-boundary';

type Ast =
  | { readonly kind: 'char'; readonly test: (c: number) => boolean }
  | { readonly kind: 'seq'; readonly items: readonly Ast[] }
  | { readonly kind: 'alt'; readonly options: readonly Ast[] }
  | { readonly kind: 'repeat'; readonly item: Ast; readonly min: number; readonly max: number }
  | { readonly kind: 'assert'; readonly which: Assertion };

/** Program size above which a pattern is not judged (`(a{1000}){1000}` would be a million instructions). */
const MAX_PROGRAM = 20_000;
/** Group nesting above which a pattern is not judged (the parser recurses once per level). */
const MAX_NESTING = 100;
/** Program size x subject length above which a match is not attempted. */
const MAX_STEPS = 50_000_000;

class Unsupported extends Error {}

export interface LocationRegex {
  /** Whether the regex matches somewhere in `subject`; undefined when the subject is too long to judge. */
  test(subject: string): boolean | undefined;
}

/** Compiles a location regex; undefined when it uses syntax outside the subset or is too large. */
export function compileLocationRegex(pattern: string, caseless: boolean): LocationRegex | undefined {
  let program: Instruction[];
  try {
    const ast = new Parser(pattern, caseless).parseAll();
    if (size(ast) > MAX_PROGRAM) return undefined;
    program = [];
    emit(ast, program);
    program.push({ op: 'match' });
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return { test: (subject) => (program.length * (subject.length + 1) > MAX_STEPS ? undefined : run(program, subject)) };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordChar = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const not =
  (f: (c: number) => boolean) =>
  (c: number): boolean =>
    !f(c);

/** The other case of an ASCII letter, else the character itself. */
function otherCase(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 97 && c <= 122) return c - 32;
  return c;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly src: string,
    private readonly caseless: boolean,
  ) {}

  parseAll(): Ast {
    const ast = this.alternation();
    if (this.i < this.src.length) throw new Unsupported(); // an unbalanced ")"
    return ast;
  }

  private alternation(): Ast {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Ast) : { kind: 'alt', options };
  }

  private sequence(): Ast {
    const items: Ast[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { kind: 'seq', items };
  }

  private quantified(atom: Ast): Ast {
    let item = atom;
    for (;;) {
      const c = this.src[this.i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
        if (m === null) return item; // PCRE reads a "{" that starts no quantifier as a literal
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min || min > MAX_PROGRAM) throw new Unsupported();
        this.i += m[0].length - 1;
      } else return item;
      this.i++;
      if (this.src[this.i] === '?') this.i++;
      else if (this.src[this.i] === '+') throw new Unsupported(); // possessive: can make a match fail
      if (item.kind === 'assert' || item.kind === 'repeat') throw new Unsupported();
      item = { kind: 'repeat', item, min, max };
    }
  }

  private atom(): Ast {
    const c = this.src[this.i] as string;
    this.i++;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return { kind: 'char', test: (x) => x !== 10 };
      case '^':
        return { kind: 'assert', which: 'start' };
      case '$':
        return { kind: 'assert', which: 'end-or-final-newline' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported(); // a quantifier with nothing to repeat
      default:
        return this.literal(c.charCodeAt(0));
    }
  }

  private literal(code: number): Ast {
    if (this.caseless && otherCase(code) !== code) {
      const other = otherCase(code);
      return { kind: 'char', test: (x) => x === code || x === other };
    }
    return { kind: 'char', test: (x) => x === code };
  }

  private group(): Ast {
    if (++this.depth > MAX_NESTING) throw new Unsupported();
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith('?:')) this.i += 2;
      else if (rest.startsWith('?<') && rest !== '?<=' && rest !== '?<!') this.skipName('>');
      else if (rest.startsWith('?P<')) {
        this.i++;
        this.skipName('>');
      } else if (rest.startsWith("?'")) this.skipName("'");
      else throw new Unsupported(); // lookaround, atomic groups, inline flags, conditionals, comments
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported();
    this.i++;
    this.depth--;
    // Wrapped, so that a quantifier after the group applies to the group (`(a+)+`), not to a quantifier.
    return { kind: 'seq', items: [inner] };
  }

  /** Skips `?<name>` (with `this.i` on the `?`). */
  private skipName(close: string): void {
    const end = this.src.indexOf(close, this.i + 2);
    if (end === -1 || !/^\w+$/.test(this.src.slice(this.i + 2, end))) throw new Unsupported();
    this.i = end + 1;
  }

  /** An escape outside a class (after the backslash). */
  private escape(): Ast {
    const c = this.src[this.i];
    if (c === undefined) throw new Unsupported();
    this.i++;
    switch (c) {
      case 'A':
        return { kind: 'assert', which: 'start' };
      case 'z':
        return { kind: 'assert', which: 'end' };
      case 'Z':
        return { kind: 'assert', which: 'end-or-final-newline' };
      case 'b':
        return { kind: 'assert', which: 'word-boundary' };
      case 'B':
        return { kind: 'assert', which: 'not-word-boundary' };
    }
    const test = this.classEscape(c);
    if (test !== undefined) return { kind: 'char', test };
    return this.literal(this.escapedCode(c));
  }

  /** `\d \D \w \W \s \S`, the same inside and outside a class. */
  private classEscape(c: string): ((x: number) => boolean) | undefined {
    switch (c) {
      case 'd':
        return isDigit;
      case 'D':
        return not(isDigit);
      case 'w':
        return isWordChar;
      case 'W':
        return not(isWordChar);
      case 's':
        return isSpace;
      case 'S':
        return not(isSpace);
    }
    return undefined;
  }

  /** The character an escape stands for: `\t \n \r \f \e \xHH`, or any escaped punctuation. */
  private escapedCode(c: string): number {
    switch (c) {
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'f':
        return 12;
      case 'e':
        return 27;
      case 'x': {
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i, this.i + 2));
        if (m === null) throw new Unsupported();
        this.i += 2;
        return parseInt(m[0], 16);
      }
    }
    // Letters and digits are escapes with meanings outside the subset (backreferences, \p, \Q, \K, ...).
    if (/[A-Za-z0-9]/.test(c)) throw new Unsupported();
    return c.charCodeAt(0);
  }

  private charClass(): Ast {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const tests: ((x: number) => boolean)[] = [];
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) throw new Unsupported();
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[' && this.src[this.i + 1] === ':') throw new Unsupported(); // POSIX classes
      let lo: number;
      if (c === '\\') {
        const e = this.src[this.i + 1];
        if (e === undefined) throw new Unsupported();
        this.i += 2;
        const test = this.classEscape(e);
        if (test !== undefined) {
          tests.push(test);
          continue;
        }
        lo = e === 'b' ? 8 : this.escapedCode(e);
      } else {
        lo = c.charCodeAt(0);
        this.i++;
      }
      let hi = lo;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== undefined && this.src[this.i + 1] !== ']') {
        const h = this.src[this.i + 1] as string;
        if (h === '\\') {
          const e = this.src[this.i + 2];
          if (e === undefined || this.classEscape(e) !== undefined) throw new Unsupported();
          this.i += 3;
          hi = this.escapedCode(e);
        } else {
          hi = h.charCodeAt(0);
          this.i += 2;
        }
        if (hi < lo) throw new Unsupported();
      }
      ranges.push([lo, hi]);
    }
    const caseless = this.caseless;
    const inside = (x: number): boolean => {
      for (const [lo, hi] of ranges) if (x >= lo && x <= hi) return true;
      for (const t of tests) if (t(x)) return true;
      return false;
    };
    const member = caseless ? (x: number): boolean => inside(x) || inside(otherCase(x)) : inside;
    return { kind: 'char', test: negate ? (x) => !member(x) : member };
  }
}

/** Instructions `emit` produces for a node (saturating, so huge counts cannot overflow). */
function size(ast: Ast): number {
  switch (ast.kind) {
    case 'char':
    case 'assert':
      return 1;
    case 'seq':
      return ast.items.reduce((n, item) => Math.min(n + size(item), MAX_PROGRAM + 1), 0);
    case 'alt':
      return ast.options.reduce((n, o) => Math.min(n + size(o) + 2, MAX_PROGRAM + 1), 0);
    case 'repeat': {
      const copies = ast.max === Infinity ? Math.max(ast.min, 1) : ast.max;
      return Math.min((size(ast.item) + 2) * copies + 2, MAX_PROGRAM + 1);
    }
  }
}

function emit(ast: Ast, out: Instruction[]): void {
  switch (ast.kind) {
    case 'char':
      out.push({ op: 'char', test: ast.test });
      return;
    case 'assert':
      out.push({ op: 'assert', kind: ast.which });
      return;
    case 'seq':
      for (const item of ast.items) emit(item, out);
      return;
    case 'alt': {
      const jumps: number[] = [];
      ast.options.forEach((option, k) => {
        if (k < ast.options.length - 1) {
          const split = out.length;
          out.push({ op: 'split', a: split + 1, b: -1 });
          emit(option, out);
          jumps.push(out.length);
          out.push({ op: 'jump', to: -1 });
          out[split] = { op: 'split', a: split + 1, b: out.length };
        } else emit(option, out);
      });
      for (const j of jumps) out[j] = { op: 'jump', to: out.length };
      return;
    }
    case 'repeat': {
      for (let k = 0; k < ast.min; k++) emit(ast.item, out);
      if (ast.max === Infinity) {
        const split = out.length;
        out.push({ op: 'split', a: split + 1, b: -1 });
        emit(ast.item, out);
        out.push({ op: 'jump', to: split });
        out[split] = { op: 'split', a: split + 1, b: out.length };
        return;
      }
      const splits: number[] = [];
      for (let k = ast.min; k < ast.max; k++) {
        splits.push(out.length);
        out.push({ op: 'split', a: out.length + 1, b: -1 });
        emit(ast.item, out);
      }
      for (const s of splits) out[s] = { op: 'split', a: s + 1, b: out.length };
      return;
    }
  }
}

/** Lock-step simulation: every thread advances one character at a time; no state is visited twice per step. */
function run(program: readonly Instruction[], subject: string): boolean {
  const n = subject.length;
  const mark = new Int32Array(program.length).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  const stack: number[] = [];
  const holds = (kind: Assertion, pos: number): boolean => {
    switch (kind) {
      case 'start':
        return pos === 0;
      case 'end':
        return pos === n;
      case 'end-or-final-newline':
        return pos === n || (pos === n - 1 && subject.charCodeAt(pos) === 10);
      case 'word-boundary':
      case 'not-word-boundary': {
        const before = pos > 0 && isWordChar(subject.charCodeAt(pos - 1));
        const after = pos < n && isWordChar(subject.charCodeAt(pos));
        return (before !== after) === (kind === 'word-boundary');
      }
    }
  };
  /** Adds the thread at `pc` and everything reachable from it without consuming input; true on a match. */
  const add = (list: number[], pc: number, pos: number, step: number): boolean => {
    stack.push(pc);
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (mark[at] === step) continue;
      mark[at] = step;
      const ins = program[at] as Instruction;
      switch (ins.op) {
        case 'match':
          stack.length = 0;
          return true;
        case 'char':
          list.push(at);
          break;
        case 'jump':
          stack.push(ins.to);
          break;
        case 'split':
          stack.push(ins.b, ins.a);
          break;
        case 'assert':
          if (holds(ins.kind, pos)) stack.push(at + 1);
          break;
      }
    }
    return false;
  };
  for (let pos = 0; pos <= n; pos++) {
    // Unanchored: a new attempt starts at every position (steps are numbered so marks need no clearing).
    if (add(current, 0, pos, pos)) return true;
    if (pos === n) break;
    const c = subject.charCodeAt(pos);
    for (const pc of current) {
      const ins = program[pc] as Instruction & { op: 'char' };
      if (ins.test(c) && add(next, pc + 1, pos + 1, pos + 1)) return true;
    }
    [current, next] = [next, []];
  }
  return false;
}
