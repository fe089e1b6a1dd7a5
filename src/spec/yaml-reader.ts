/**
 * Typed reading of YAML nodes with positions. Every reader reports its problem to the sink and returns
 * undefined, so a caller carries on and one pass over a document finds every problem.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { childPointer, type ProblemSink } from './problems.ts';
import { parseExpression, type Disjunction, type ExprOptions } from './condition.ts';
import { parseDuration } from './duration.ts';
import { closest, didYouMean, listOf } from './suggest.ts';
import type { Condition } from '../core/spec.ts';

/** A value node and the JSON pointer that names it. */
export interface At {
  readonly node: Node;
  readonly pointer: string;
}

/** A mapping whose keys were checked against the known ones. */
export class MapView {
  constructor(
    readonly at: At,
    private readonly entries: ReadonlyMap<string, { readonly key: Node; readonly value: At }>,
    private readonly sink: ProblemSink,
    /** Known keys that an unknown key was taken for (`taget` → `target`). */
    private readonly suggested: ReadonlySet<string>,
    /** How many keys were unknown; checks on the mapping as a whole stay quiet when there were some. */
    readonly unknownKeys: number,
  ) {}

  get(key: string): At | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keyNode(key: string): Node | undefined {
    return this.entries.get(key)?.key;
  }

  /**
   * The value, or a "missing" problem at this mapping (pointer: where the value belongs) — unless a
   * misspelling of the key was already reported, which says the same thing better.
   */
  require(key: string, why = ''): At | undefined {
    const v = this.get(key);
    if (v === undefined && !this.suggested.has(key)) this.sink.at(this.at.node, childPointer(this.at.pointer, key), `missing required field \`${key}\`${why}`);
    return v;
  }
}

/** A scalar string as `value`, anything else as `describe` puts it. */
export function shown(node: Node): string {
  return isScalar(node) && typeof node.value === 'string' ? `\`${node.value}\`` : describe(node);
}

export function describe(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `the string \`${v}\``;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `\`${String(v)}\``;
  }
  return 'another type';
}

export class Reader {
  constructor(readonly sink: ProblemSink, private readonly doc: Document.Parsed, private readonly text: string) {}

  /** Follows aliases (`*name`) to the anchored node. */
  resolve(node: unknown): Node | undefined {
    let n = node;
    for (let i = 0; i < 32 && isAlias(n); i++) n = n.resolve(this.doc);
    return isMap(n) || isSeq(n) || isScalar(n) ? n : undefined;
  }

  report(at: At, message: string, offset = 0): void {
    this.sink.at(at.node, at.pointer, message, offset);
  }

  /** A mapping; keys outside `known` are reported, with a suggestion when one is close. */
  map(at: At, known: readonly string[]): MapView | undefined {
    if (!isMap(at.node)) {
      this.report(at, `must be a mapping, got ${describe(at.node)}`);
      return undefined;
    }
    const entries = new Map<string, { key: Node; value: At }>();
    const suggested = new Set<string>();
    let unknown = 0;
    for (const pair of at.node.items) {
      const keyNode = this.resolve(pair.key);
      if (keyNode === undefined) continue;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      // A key that is a list or mapping (`? [a, b]`) has no name a pointer could hold: point at its mapping.
      const pointer = isScalar(keyNode) ? childPointer(at.pointer, key) : at.pointer;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.sink.at(keyNode, pointer, `keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      if (!known.includes(key)) {
        const guess = closest(key, known);
        if (guess !== undefined) suggested.add(guess);
        unknown++;
        this.sink.at(keyNode, pointer, `unknown field \`${key}\`${guess === undefined ? '' : `; did you mean \`${guess}\`?`}`);
        continue;
      }
      // `key:` with no value parses as a null scalar; a missing value node (rare) points at the key.
      const value = this.resolve(pair.value) ?? keyNode;
      entries.set(key, { key: keyNode, value: { node: value, pointer } });
    }
    return new MapView(at, entries, this.sink, suggested, unknown);
  }

  /** A mapping with free keys (e.g. feature names), each to its value. */
  mapOfAny(at: At): Map<string, At> | undefined {
    if (!isMap(at.node)) {
      this.report(at, `must be a mapping, got ${describe(at.node)}`);
      return undefined;
    }
    const out = new Map<string, At>();
    for (const pair of at.node.items) {
      const keyNode = this.resolve(pair.key);
      if (keyNode === undefined) continue;
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof key !== 'string') {
        this.sink.at(keyNode, isScalar(keyNode) ? childPointer(at.pointer, String(key)) : at.pointer, `keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      out.set(key, { node: this.resolve(pair.value) ?? keyNode, pointer: childPointer(at.pointer, key) });
    }
    return out;
  }

  list(at: At): At[] | undefined {
    if (!isSeq(at.node)) {
      this.report(at, `must be a list, got ${describe(at.node)}`);
      return undefined;
    }
    const out: At[] = [];
    at.node.items.forEach((item, i) => {
      const node = this.resolve(item);
      if (node !== undefined) out.push({ node, pointer: childPointer(at.pointer, i) });
    });
    return out;
  }

  scalar(at: At): unknown {
    return isScalar(at.node) ? at.node.value : undefined;
  }

  string(at: At): string | undefined {
    const v = this.scalar(at);
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.report(at, typeof v === 'string' ? 'must be a non-empty string' : `must be a string, got ${describe(at.node)}`);
    return undefined;
  }

  number(at: At): number | undefined {
    const v = this.scalar(at);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.report(at, `must be a number, got ${describe(at.node)}`);
    return undefined;
  }

  /** An integer ≥ min (and ≤ max when given). */
  integer(at: At, min: number, max = Infinity): number | undefined {
    const v = this.number(at);
    if (v === undefined) return undefined;
    if (Number.isInteger(v) && v >= min && v <= max) return v;
    this.report(at, max === Infinity ? `must be a whole number ≥ ${min}, got ${v}` : `must be a whole number from ${min} to ${max}, got ${v}`);
    return undefined;
  }

  /** A number > 0. */
  positive(at: At): number | undefined {
    const v = this.number(at);
    if (v === undefined || v > 0) return v;
    this.report(at, `must be greater than 0, got ${v}`);
    return undefined;
  }

  boolean(at: At): boolean | undefined {
    const v = this.scalar(at);
    if (typeof v === 'boolean') return v;
    this.report(at, `must be true or false, got ${describe(at.node)}`);
    return undefined;
  }

  /** One of a fixed set of strings (or numbers, for `tier`). */
  oneOf<T extends string | number>(at: At, allowed: readonly T[]): T | undefined {
    const v = this.scalar(at);
    const hit = allowed.find((a) => a === v);
    if (hit !== undefined) return hit;
    const hint = typeof v === 'string' ? didYouMean(v, allowed.map(String)) : '';
    const got = allowed.every((a) => typeof a === 'string') ? shown(at.node) : describe(at.node);
    this.report(at, `must be ${listOf(allowed)}, got ${got}${hint}`);
    return undefined;
  }

  /** A list of unique non-empty strings; each problem is reported at its item. */
  stringList(at: At, what: string): { value: string; at: At }[] | undefined {
    const items = this.list(at);
    if (items === undefined) return undefined;
    const out: { value: string; at: At }[] = [];
    for (const item of items) {
      const s = this.string(item);
      if (s === undefined) continue;
      if (out.some((o) => o.value === s)) this.report(item, `duplicate ${what} \`${s}\``);
      else out.push({ value: s, at: item });
    }
    return out;
  }

  /**
   * The offset of character `i` of a string scalar's value inside the source, when the source spells
   * the value verbatim on one line (plain or quoted without escapes); otherwise the scalar's start.
   */
  valueOffset(at: At, i: number): number {
    const n = at.node;
    if (!isScalar(n) || typeof n.value !== 'string' || n.range == null) return 0;
    const raw = this.text.slice(n.range[0], n.range[1]);
    if (n.type === 'PLAIN' && raw === n.value) return i;
    if ((n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === n.value) return i + 1;
    return 0;
  }

  /** An expression string parsed per `opts`; each error is reported at its token when the source allows. */
  expression(at: At, opts: ExprOptions): Disjunction | undefined {
    const src = this.string(at);
    if (src === undefined) return undefined;
    const r = parseExpression(src, opts);
    if (r.ok) return { source: src, any: r.any };
    for (const e of r.errors) this.report(at, e.message, this.valueOffset(at, e.offset));
    return undefined;
  }

  /** A conjunction (the core `Condition`): the expression parsed without `||`. */
  condition(at: At, opts: Omit<ExprOptions, 'or'>): Condition | undefined {
    const d = this.expression(at, { ...opts, or: false });
    const only = d?.any[0];
    return d === undefined || only === undefined ? undefined : { source: d.source, all: only.all };
  }

  /** Reports unless `url` parses as an absolute http(s) URL. */
  url(at: At): string | undefined {
    const s = this.string(at);
    if (s === undefined) return undefined;
    let ok = false;
    try {
      const u = new URL(s);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) this.report(at, `must be an http or https URL, got \`${s}\``);
    return ok ? s : undefined;
  }

  /**
   * A positive duration such as `30d`, `12h` or `1d12h`, in milliseconds; with `zero`, also `0` (or a
   * zero duration such as `0s`).
   */
  duration(at: At, opts: { readonly zero?: boolean } = {}): number | undefined {
    const v = this.scalar(at);
    if (v === 0 || (typeof v === 'string' && isZeroDuration(v))) {
      if (opts.zero === true) return 0;
      this.report(at, `must be longer than 0, got ${shown(at.node)}`);
      return undefined;
    }
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) this.report(at, `must be a duration such as \`30d\`, \`12h\` or \`1d12h\`${opts.zero === true ? ' (or `0`)' : ''}, got ${shown(at.node)}`);
    return ms;
  }
}

/** `0`, or a well-formed duration whose every unit is zero (`0s`, `0h0m`). */
function isZeroDuration(text: string): boolean {
  return text === '0' || (!/[1-9]/.test(text) && parseDuration(text.replace(/\d+/g, '1')) !== undefined);
}
