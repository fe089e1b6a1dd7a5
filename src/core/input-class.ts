/**
 * Conditions over request attributes (DESIGN §2.1, §2.3): latency input classes, generative criteria
 * and feedback rules all use the same conjunction of comparisons.
 *
 * Semantics, chosen so a malformed or partial event never silently satisfies a rule:
 * - a path walks nested plain objects from the root (`['input', 'tokens']`); a missing step makes the
 *   comparison false — for `!=` too;
 * - ordering operators compare two numbers, or two strings (by UTF-16 code units); any other pair is false;
 * - `==` / `!=` require the same type, then compare values (`1 == "1"` is false, and so is `1 != "1"`).
 */
import type { Comparison, Condition, LatencyClass } from './spec.ts';

type Scalar = number | string | boolean;

function lookup(root: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

function holds(c: Comparison, root: Readonly<Record<string, unknown>>): boolean {
  const v = lookup(root, c.path);
  if (!isScalar(v) || typeof v !== typeof c.value) return false;
  switch (c.op) {
    case '==': return v === c.value;
    case '!=': return v !== c.value;
    default: {
      if (typeof v === 'boolean') return false;
      const a = v;
      const b = c.value as number | string;
      switch (c.op) {
        case '<=': return a <= b;
        case '<': return a < b;
        case '>=': return a >= b;
        case '>': return a > b;
      }
    }
  }
}

/** True when every comparison holds (an empty condition always holds). */
export function evaluateCondition(cond: Condition, root: Readonly<Record<string, unknown>>): boolean {
  for (const c of cond.all) if (!holds(c, root)) return false;
  return true;
}

/** The first class whose condition holds; the last class is the catch-all and matches anything. */
export function classify(classes: readonly LatencyClass[], root: Readonly<Record<string, unknown>>): LatencyClass {
  const last = classes[classes.length - 1];
  if (last === undefined) throw new RangeError('classify: no latency classes');
  for (const cls of classes) {
    if (cls === last || cls.when === undefined || evaluateCondition(cls.when, root)) return cls;
  }
  return last;
}
