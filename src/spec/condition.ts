/**
 * The small expression language of `when:` (latency classes), `quality.criteria` (generative verdicts)
 * and `quality.feedback` (the feedback proxy rule), parsed into core `Condition`s:
 *
 *   expr       := conjunction ('||' conjunction)*        -- `||` only where the caller allows it
 *   conjunction:= term ('&&' term)*
 *   term       := path op literal | path | '!' path      -- bare/negated paths only where allowed
 *   path       := ident ('.' ident)*                      ident := [A-Za-z_][A-Za-z0-9_]*
 *   op         := '<=' | '<' | '>=' | '>' | '==' | '!='
 *   literal    := number | 'string' | "string" | true | false
 *
 * `&&` binds tighter than `||`, so every expression is already in disjunctive normal form and no
 * parentheses are needed (none are accepted). Errors carry the offset of the offending token.
 */
import type { CompareOp, Comparison, Condition } from '../core/spec.ts';

/**
 * A disjunction of conjunctions, the parser's general result. Core `Condition` is a conjunction, so
 * callers that feed the core parse with `or: false` and take the single branch.
 */
export interface Disjunction {
  readonly source: string;
  readonly any: readonly Condition[];
}

export interface ExprError {
  /** 0-based offset into the expression text. */
  readonly offset: number;
  readonly message: string;
}

export interface ExprOptions {
  /** Allow `||` between conjunctions. */
  readonly or: boolean;
  /** Allow `flag` for `flag == true` and `!flag` for `flag == false`. */
  readonly bareBooleans: boolean;
  /** What a valid attribute looks like, for messages (e.g. `input.tokens`). */
  readonly example: string;
  /** Returns why a path is not acceptable, or undefined. */
  readonly checkPath: (path: readonly string[]) => string | undefined;
  /** Returns why a (path-valid) comparison does not type-check, or undefined. */
  readonly checkComparison?: (c: Comparison) => string | undefined;
}

export type ExprResult = { readonly ok: true; readonly any: readonly Condition[] } | { readonly ok: false; readonly errors: readonly ExprError[] };

type TokenKind = 'ident' | 'number' | 'string' | 'op' | 'and' | 'or' | 'not' | 'dot' | 'paren' | 'bad';
interface Token { readonly kind: TokenKind; readonly text: string; readonly start: number; readonly value?: string | number }

const OPS: readonly CompareOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const ORDERING: readonly CompareOp[] = ['<', '<=', '>', '>='];
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

class SyntaxErr extends Error {
  constructor(readonly offset: number, message: string) { super(message); }
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const rest = src.slice(i);
    const two = rest.slice(0, 2);
    const op = OPS.find((o) => rest.startsWith(o));
    if (two === '&&') out.push({ kind: 'and', text: two, start: i });
    else if (two === '||') out.push({ kind: 'or', text: two, start: i });
    else if (op !== undefined) out.push({ kind: 'op', text: op, start: i });
    else if (c === '!') out.push({ kind: 'not', text: c, start: i });
    else if (c === '=') throw new SyntaxErr(i, '`=` is not an operator; use `==`');
    else if (c === '&' || c === '|') throw new SyntaxErr(i, `\`${c}\` is not an operator; use \`${c}${c}\``);
    else if (c === '(' || c === ')') out.push({ kind: 'paren', text: c, start: i });
    else if (c === '.' && !/^\.\d/.test(rest)) out.push({ kind: 'dot', text: c, start: i });
    else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j]!;
        j++;
      }
      if (j >= src.length) throw new SyntaxErr(i, 'unterminated string');
      out.push({ kind: 'string', text: src.slice(i, j + 1), start: i, value: s });
      i = j + 1;
      continue;
    } else {
      const num = NUMBER.exec(rest)?.[0];
      const id = IDENT.exec(rest)?.[0];
      const glued = num === undefined ? undefined : /^[A-Za-z0-9_.]+/.exec(rest.slice(num.length))?.[0];
      if (num !== undefined && glued !== undefined) throw new SyntaxErr(i, `invalid number \`${num}${glued}\``);
      if (num !== undefined) out.push({ kind: 'number', text: num, start: i, value: Number(num) });
      else if (id !== undefined) out.push({ kind: 'ident', text: id, start: i });
      else throw new SyntaxErr(i, `unexpected character \`${c}\``);
    }
    i += out[out.length - 1]!.text.length;
  }
  return out;
}

function found(t: Token | undefined): string {
  return t === undefined ? 'end of expression' : `\`${t.text}\``;
}

/** Parses an expression; syntax stops at the first error, while path and type errors are all collected. */
export function parseExpression(src: string, opts: ExprOptions): ExprResult {
  let tokens: Token[];
  try {
    tokens = tokenize(src);
  } catch (e) {
    if (e instanceof SyntaxErr) return { ok: false, errors: [{ offset: e.offset, message: e.message }] };
    throw e;
  }
  if (tokens.length === 0) return { ok: false, errors: [{ offset: 0, message: 'the expression is empty' }] };
  const errors: ExprError[] = [];
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];

  const path = (): { path: string[]; start: number; end: number } => {
    const first = peek();
    if (first?.kind !== 'ident' || first.text === 'true' || first.text === 'false') {
      if (first?.kind === 'paren') throw new SyntaxErr(first.start, opts.or ? 'parentheses are not supported; `&&` binds tighter than `||`' : 'parentheses are not supported');
      throw new SyntaxErr(first?.start ?? src.length, `expected an attribute such as \`${opts.example}\`, found ${found(first)}`);
    }
    const parts = [first.text];
    pos++;
    while (peek()?.kind === 'dot') {
      const dot = peek()!;
      pos++;
      const next = peek();
      if (next?.kind !== 'ident') throw new SyntaxErr(next?.start ?? dot.start + 1, `expected a name after \`.\`, found ${found(next)}`);
      parts.push(next.text);
      pos++;
    }
    const last = tokens[pos - 1]!;
    return { path: parts, start: first.start, end: last.start + last.text.length };
  };

  const literal = (): string | number | boolean => {
    const t = peek();
    pos++;
    if (t?.kind === 'number' || t?.kind === 'string') return t.value!;
    if (t?.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    throw new SyntaxErr(t?.start ?? src.length, `expected a number, a quoted string, true or false, found ${found(t)}`);
  };

  const term = (): Comparison => {
    const not = peek()?.kind === 'not' ? peek() : undefined;
    if (not !== undefined) {
      if (!opts.bareBooleans) throw new SyntaxErr(not.start, '`!` is not supported here; compare with `== false`');
      pos++;
    }
    const p = path();
    const pathErr = opts.checkPath(p.path);
    if (pathErr !== undefined) errors.push({ offset: p.start, message: pathErr });
    const opTok = peek();
    let cmp: Comparison;
    if (not !== undefined || opTok?.kind !== 'op') {
      if (not === undefined && !opts.bareBooleans) {
        throw new SyntaxErr(opTok?.start ?? src.length, `expected a comparison operator (<=, <, >=, >, ==, !=) after \`${p.path.join('.')}\`, found ${found(opTok)}`);
      }
      cmp = { path: p.path, op: '==', value: not === undefined };
    } else {
      pos++;
      const valueStart = peek()?.start ?? src.length;
      const value = literal();
      const op = opTok.text as CompareOp;
      cmp = { path: p.path, op, value };
      if (ORDERING.includes(op) && typeof value !== 'number') {
        errors.push({ offset: valueStart, message: `\`${op}\` compares numbers; compare ${typeof value === 'string' ? 'a string' : 'true or false'} with == or !=` });
        return cmp;
      }
    }
    const typeErr = pathErr === undefined ? opts.checkComparison?.(cmp) : undefined;
    if (typeErr !== undefined) errors.push({ offset: p.start, message: typeErr });
    return cmp;
  };

  const branches: Condition[] = [];
  try {
    for (;;) {
      const start = peek()?.start ?? src.length;
      const all: Comparison[] = [term()];
      while (peek()?.kind === 'and') { pos++; all.push(term()); }
      const t = peek();
      const end = t?.start ?? src.length;
      branches.push({ source: src.slice(start, end).trim(), all });
      if (t === undefined) break;
      if (t.kind === 'or') {
        // Without `||` support, report it and read on as if it were `&&`, to find later problems too.
        if (!opts.or) errors.push({ offset: t.start, message: '`||` is not supported here: a condition is a conjunction of comparisons joined by `&&`' });
        pos++;
        continue;
      }
      throw new SyntaxErr(t.start, `expected ${opts.or ? '`&&` or `||`' : '`&&`'} between comparisons, found ${found(t)}`);
    }
  } catch (e) {
    if (!(e instanceof SyntaxErr)) throw e;
    errors.push({ offset: e.offset, message: e.message });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, any: branches };
}

/** Renders a comparison list back to source form (used by tests and messages). */
export function formatComparisons(all: readonly Comparison[]): string {
  return all.map((c) => `${c.path.join('.')} ${c.op} ${typeof c.value === 'string' ? JSON.stringify(c.value) : String(c.value)}`).join(' && ');
}
