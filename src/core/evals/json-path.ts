/**
 * The JSONPath subset endpoint specs use to pick values out of a model's response (DESIGN §2.7):
 * `$` followed by any number of `.name`, `['name']` / `["name"]` and `[N]` (N an integer; a negative N
 * counts from the end, as RFC 9535 §2.3.3 does). That is all a response path needs, so no dependency:
 * JSONPath libraries also implement filters and script expressions (`?(@.x)`, `(@.length-1)`), which
 * some evaluate as JavaScript — more than we want to run on a spec's text.
 *
 * `.name` takes RFC 9535's member-name-shorthand (a letter, `_` or a non-ASCII character, then those or
 * digits); any other name is written in brackets: `$['model-version']`.
 */

export type JsonPathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number };

export type JsonPathParse =
  | { readonly ok: true; readonly segments: readonly JsonPathSegment[] }
  /** `offset`: where in the text the problem is (0-based). */
  | { readonly ok: false; readonly message: string; readonly offset: number };

const SHORTHAND_FIRST = /[A-Za-z_\u0080-\uFFFF]/;
const SHORTHAND_REST = /[A-Za-z0-9_\u0080-\uFFFF]/;
/** Longer paths are a mistake, not a response layout. */
const MAX_LENGTH = 1000;

export function parseJsonPath(path: string): JsonPathParse {
  const fail = (message: string, offset: number): JsonPathParse => ({ ok: false, message, offset });
  if (path.length > MAX_LENGTH) return fail(`a JSONPath must be at most ${MAX_LENGTH} characters`, 0);
  if (path[0] !== '$') return fail('a JSONPath starts with `$`, e.g. `$.label` or `$.predictions[0].label`', 0);
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i]!;
    if (ch === '.') {
      const start = i + 1;
      let j = start;
      if (j < path.length && SHORTHAND_FIRST.test(path[j]!)) {
        j++;
        while (j < path.length && SHORTHAND_REST.test(path[j]!)) j++;
      }
      if (j === start) {
        return fail(path[start] === '.'
          ? 'recursive descent (`..`) is not supported; write the full path'
          : path[start] === '*'
            ? 'wildcards (`.*`) are not supported; select one value'
            : 'expected a name after `.`; write other names in brackets, e.g. `[\'model-version\']`', start);
      }
      segments.push({ kind: 'name', name: path.slice(start, j) });
      i = j;
    } else if (ch === '[') {
      const r = bracket(path, i);
      if (!r.ok) return fail(r.message, r.offset);
      segments.push(r.segment);
      i = r.end;
    } else {
      return fail(`unexpected \`${ch}\`; expected \`.name\`, \`['name']\` or \`[N]\``, i);
    }
  }
  return { ok: true, segments };
}

type Bracket =
  | { readonly ok: true; readonly segment: JsonPathSegment; readonly end: number }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/** `[` at `open`: a quoted name or an integer index, then `]`. */
function bracket(path: string, open: number): Bracket {
  const q = path[open + 1];
  if (q === "'" || q === '"') {
    let name = '';
    let j = open + 2;
    for (; j < path.length && path[j] !== q; j++) {
      if (path[j] === '\\') {
        const next = path[j + 1];
        if (next !== q && next !== '\\') return { ok: false, message: `only \\${q} and \\\\ are escapes inside a quoted name`, offset: j };
        name += next;
        j++;
      } else {
        name += path[j]!;
      }
    }
    if (j >= path.length) return { ok: false, message: `unterminated name: missing closing ${q}`, offset: open + 1 };
    if (path[j + 1] !== ']') return { ok: false, message: 'expected `]` after the quoted name', offset: j + 1 };
    return { ok: true, segment: { kind: 'name', name }, end: j + 2 };
  }
  const m = /^-?(0|[1-9][0-9]*)\]/.exec(path.slice(open + 1));
  if (m === null) {
    const close = path.indexOf(']', open);
    if (close < 0) return { ok: false, message: 'missing closing `]`', offset: open };
    const inside = path.slice(open + 1, close);
    return {
      ok: false, offset: open + 1,
      message: inside === '*' ? 'wildcards (`[*]`) are not supported; select one value'
        : inside.startsWith('?') || inside.startsWith('(') ? 'filter and script expressions are not supported'
          : `expected an integer index or a quoted name inside \`[…]\`, got \`${inside}\``,
    };
  }
  const index = Number(m[0].slice(0, -1));
  if (!Number.isSafeInteger(index)) return { ok: false, message: 'index out of range', offset: open + 1 };
  return { ok: true, segment: { kind: 'index', index }, end: open + 1 + m[0].length };
}

/**
 * The value at `segments` in `value` (a parsed JSON document), or undefined when the path does not exist:
 * a name on a non-object or a missing own property, an index on a non-array or out of range.
 */
export function selectJsonPath(segments: readonly JsonPathSegment[], value: unknown): unknown {
  let cur: unknown = value;
  for (const s of segments) {
    if (s.kind === 'name') {
      // Own properties only: `$.constructor` must not reach Object.prototype.
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, s.name)) return undefined;
      cur = (cur as Record<string, unknown>)[s.name];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = s.index < 0 ? cur.length + s.index : s.index;
      if (i < 0 || i >= cur.length) return undefined;
      cur = cur[i] as unknown;
    }
  }
  return cur;
}
