/**
 * SQL literals for ClickHouse. 18.16 has no query parameters (`{name:Type}` arrived in 19.x), so every
 * value a query carries is written as a literal here, never concatenated raw. Inserts do not come through
 * here: they send JSONEachRow bodies, which carry values as data.
 *
 * String literals follow ClickHouse's lexer (https://clickhouse.com/docs/en/sql-reference/syntax#string):
 * single quotes, with backslash escapes; `\\` and `\'` are the only escapes a quoted string strictly
 * needs, the control characters are escaped too so a query stays one readable line in server logs.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '\b': '\\b', '\f': '\\f',
};

/** A quoted String literal holding exactly `s`. */
export function str(s: string): string {
  if (typeof s !== 'string') throw new TypeError(`a SQL string literal needs a string, got ${typeof s}`);
  return `'${s.replace(/[\\'\n\r\t\0\b\f]/g, (c) => ESCAPES[c]!)}'`;
}

/** An integer literal (Int64/UInt64 columns hold epoch ms, versions and counts); refuses anything else. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`a SQL integer literal needs a safe integer, got ${String(n)}`);
  return String(n);
}

/** A Float64 literal; NaN and ±∞ have no literal the store would want. */
export function float(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`a SQL number literal needs a finite number, got ${String(n)}`);
  return String(n);
}

/** `(a, b, …)` of string literals for `IN`; the caller must not ask for an empty list (no SQL for it). */
export function strList(values: Iterable<string>): string {
  const parts = [...values].map(str);
  if (parts.length === 0) throw new RangeError('an IN list needs at least one value');
  return `(${parts.join(', ')})`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A database or table name, backquoted; only plain identifiers are accepted (configuration, not data). */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`not a plain identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** Splits `items` into lists of at most `size`, so IN lists stay bounded. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `fn` over every item, at most `limit` calls in flight; results in the items' order. Lookups split into
 * IN-list chunks use it so a 40k-event batch waits for ~10 round trips in sequence instead of 40.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
