/**
 * RFC 6901 JSON pointers, written here from the RFC rather than taken from src/, so a fuzz property can
 * check independently that a rejection's `path` names a place in the input the client sent.
 */

/** The reference tokens of `pointer`, or undefined when it is not a well-formed pointer. */
export function tokens(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const out: string[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    // `~` must be followed by 0 or 1 (§3).
    if (/~(?![01])/.test(raw)) return undefined;
    out.push(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return out;
}

export function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** Own members only: a pointer to `/constructor` does not exist in `{}`. */
function child(v: unknown, t: string): { found: boolean; value?: unknown } {
  if (Array.isArray(v)) return INDEX.test(t) && Number(t) < v.length ? { found: true, value: v[Number(t)] } : { found: false };
  if (v !== null && typeof v === 'object') return Object.hasOwn(v, t) ? { found: true, value: (v as Record<string, unknown>)[t] } : { found: false };
  return { found: false };
}

export type Resolution = { readonly kind: 'value'; readonly value: unknown } | { readonly kind: 'absent-member' } | { readonly kind: 'none' };

/**
 * Where `pointer` leads in `doc`: to a value; to a member missing from an object that exists (how a
 * "missing field" is named); or nowhere.
 */
export function resolve(doc: unknown, pointer: string): Resolution {
  const ts = tokens(pointer);
  if (ts === undefined) return { kind: 'none' };
  let cur: unknown = doc;
  for (let i = 0; i < ts.length; i++) {
    const c = child(cur, ts[i]!);
    if (!c.found) {
      const isObject = cur !== null && typeof cur === 'object' && !Array.isArray(cur);
      return i === ts.length - 1 && isObject ? { kind: 'absent-member' } : { kind: 'none' };
    }
    cur = c.value;
  }
  return { kind: 'value', value: cur };
}
