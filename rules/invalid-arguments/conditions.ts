/**
 * The condition of `if`, read the way ngx_http_rewrite_if_condition() reads it: `($var)`, `($var = s)`,
 * `($var != s)`, `($var ~ re)` (also `~*`, `!~`, `!~*`), `(-f path)` (also `-d`, `-e`, `-x` and `!-f` ...).
 * Variable names, values and regular expressions are not judged here.
 */

/** What nginx says, about which argument (its index among the arguments), with the text it quotes. */
export interface ConditionProblem {
  readonly kind: 'invalid' | 'unexpected';
  readonly index: number;
  /** The argument as nginx quotes it: without the `(` or `)` it stripped. */
  readonly token: string;
}

const COMPARISONS = new Set(['=', '!=', '~', '~*', '!~', '!~*']);
const FILE_TESTS = new Set(['-f', '-d', '-e', '-x', '!-f', '!-d', '!-e', '!-x']);

/** The first problem nginx stops at in the arguments of `if`, or undefined when the condition is well-formed. */
export function conditionProblem(args: readonly string[]): ConditionProblem | undefined {
  const values = [...args];
  let last = values.length - 1;
  const first = values[0] ?? '';
  if (!first.startsWith('(')) return { kind: 'invalid', index: 0, token: first };
  let cur = 0;
  if (first.length === 1) cur = 1;
  else values[0] = first.slice(1);

  const closing = values[last] ?? '';
  if (!closing.endsWith(')')) return { kind: 'invalid', index: last, token: closing };
  if (closing.length === 1) last--;
  else values[last] = closing.slice(0, -1);

  const token = values[cur] ?? '';
  const invalid: ConditionProblem = { kind: 'invalid', index: cur, token };
  if (token.length > 1 && token.startsWith('$')) {
    if (cur !== last && cur + 2 !== last) return invalid;
    if (cur === last) return undefined;
    const operator = values[cur + 1] ?? '';
    return COMPARISONS.has(operator) ? undefined : { kind: 'unexpected', index: cur + 1, token: operator };
  }
  if (token.length === 2 || token.length === 3) {
    if (!token.startsWith('-') && !token.startsWith('!-')) return invalid;
    if (cur + 1 !== last) return invalid;
    return FILE_TESTS.has(token) ? undefined : invalid;
  }
  return invalid;
}
