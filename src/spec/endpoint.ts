/**
 * One model endpoint as the spec writes it (`evals.endpoints.<name>`, `goldenSets[].endpoint`,
 * `goldenSets[].judge`; DESIGN §2.7) → core `EndpointSpec`, defaults applied. Response paths are checked
 * against the JSONPath subset of core/evals/json-path.ts and request templates against the placeholder
 * grammar of core/evals/template.ts, so a typo fails `mlslo validate`, not the first eval run.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { parseJsonPath } from '../core/evals/json-path.ts';
import { scanPlaceholders } from '../core/evals/template.ts';
import type { EndpointSpec } from '../core/spec.ts';
import { didYouMean, listOf } from './suggest.ts';
import { describe, type At, type Reader } from './yaml-reader.ts';

const ENDPOINT_KEYS = ['url', 'method', 'request', 'headers', 'prediction', 'score', 'model', 'timeoutMs', 'concurrency', 'retries'] as const;
const METHODS = ['POST', 'PUT'] as const;

export const ENDPOINT_DEFAULTS = {
  method: 'POST',
  request: { input: '{{input}}' },
  /** A judge gets the example and the model's output by default. */
  judgeRequest: { input: '{{input}}', output: '{{output}}', expected: '{{expected}}' },
  timeoutMs: 10_000,
  concurrency: 4,
  retries: 2,
} as const;

/** Upper bounds: beyond them a value is a mistake (a 3-hour timeout, 10 000 parallel calls at a model). */
const LIMITS = { timeoutMs: 600_000, concurrency: 64, retries: 10 } as const;

/** What a template may name, per use (core/spec.ts `EndpointSpec`). */
export type TemplateUse = 'golden' | 'judge' | 'named';
const TEMPLATE_DATA: Readonly<Record<TemplateUse, readonly string[]>> = {
  golden: ['input', 'expected', 'segment', 'id'],
  judge: ['input', 'expected', 'segment', 'id', 'output'],
  // A named endpoint can be a replay target or a golden set's endpoint (or judge).
  named: ['input', 'expected', 'segment', 'id', 'features', 'cohort', 'output'],
};

// RFC 9110 §5.6.2 token.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A JSONPath string of the supported subset; problems point at the offending character. */
export function readJsonPath(r: Reader, at: At): string | undefined {
  const s = r.string(at);
  if (s === undefined) return undefined;
  const p = parseJsonPath(s);
  if (p.ok) return s;
  r.report(at, `invalid JSONPath \`${s}\`: ${p.message}`, r.valueOffset(at, p.offset));
  return undefined;
}

/** The YAML value as JSON; each string's placeholders are checked against `allowed`. */
function readTemplate(r: Reader, at: At, allowed: readonly string[]): { ok: boolean; value: unknown } {
  const n = at.node;
  if (isMap(n)) {
    const entries = r.mapOfAny(at);
    if (entries === undefined) return { ok: false, value: undefined };
    let ok = true;
    const out: [string, unknown][] = [];
    for (const [k, v] of entries) {
      const t = readTemplate(r, v, allowed);
      ok &&= t.ok;
      out.push([k, t.value]);
    }
    // fromEntries defines own properties, so a key such as `__proto__` stays data.
    return { ok, value: Object.fromEntries(out) };
  }
  if (isSeq(n)) {
    const items = r.list(at) ?? [];
    let ok = true;
    const out = items.map((item) => {
      const t = readTemplate(r, item, allowed);
      ok &&= t.ok;
      return t.value;
    });
    return { ok, value: out };
  }
  const v = isScalar(n) ? n.value : undefined;
  if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return { ok: true, value: v };
  if (typeof v !== 'string') {
    r.report(at, `must be JSON (a string, finite number, true, false, null, list or mapping), got ${describe(n)}`);
    return { ok: false, value: undefined };
  }
  const scan = scanPlaceholders(v);
  if (!scan.ok) {
    r.report(at, scan.message, r.valueOffset(at, scan.offset));
    return { ok: false, value: undefined };
  }
  let ok = true;
  for (const p of scan.placeholders) {
    const head = p.path[0]!;
    if (allowed.includes(head)) continue;
    r.report(at, `unknown placeholder \`{{${p.path.join('.')}}}\`: a template here can use ${listOf(allowed)}${didYouMean(head, allowed)}`, r.valueOffset(at, p.start));
    ok = false;
  }
  return { ok, value: v };
}

function readHeaders(r: Reader, at: At): Record<string, string> | undefined {
  const entries = r.mapOfAny(at);
  if (entries === undefined) return undefined;
  const out: [string, string][] = [];
  const seen = new Set<string>();
  let ok = true;
  for (const [name, v] of entries) {
    if (!HEADER_NAME.test(name)) {
      r.report(v, `\`${name}\` is not a valid HTTP header name`);
      ok = false;
    } else if (seen.has(name.toLowerCase())) {
      r.report(v, `duplicate header \`${name}\` (header names are case-insensitive)`);
      ok = false;
    }
    seen.add(name.toLowerCase());
    const value = r.string(v);
    if (value === undefined) {
      ok = false;
      continue;
    }
    // `${NAME}` is read from the environment when the call is made; the spec only checks the syntax.
    for (const m of value.matchAll(/\$\{([^}]*)\}?/g)) {
      if (m[0].endsWith('}') && ENV_NAME.test(m[1]!)) continue;
      r.report(v, `\`${m[0]}\` is not an environment reference; write \`\${NAME}\` with a letter or \`_\` first, then letters, digits or \`_\``, r.valueOffset(v, m.index));
      ok = false;
    }
    out.push([name, value]);
  }
  return ok ? Object.fromEntries(out) : undefined;
}

function bounded(r: Reader, at: At | undefined, min: number, max: number, dflt: number): number | undefined {
  if (at === undefined) return dflt;
  const v = r.integer(at, min);
  if (v === undefined || v <= max) return v;
  r.report(at, `must be at most ${max}, got ${v}`);
  return undefined;
}

export function readEndpoint(r: Reader, at: At, use: TemplateUse): EndpointSpec | undefined {
  const view = r.map(at, ENDPOINT_KEYS);
  if (view === undefined) return undefined;
  let ok = true;
  const urlAt = view.require('url');
  const url = urlAt === undefined ? undefined : r.url(urlAt);
  const methodAt = view.get('method');
  const method = methodAt === undefined ? ENDPOINT_DEFAULTS.method : r.oneOf(methodAt, METHODS);
  const requestAt = view.get('request');
  let request: unknown = use === 'judge' ? ENDPOINT_DEFAULTS.judgeRequest : ENDPOINT_DEFAULTS.request;
  if (requestAt !== undefined) {
    const t = readTemplate(r, requestAt, TEMPLATE_DATA[use]);
    ok &&= t.ok;
    request = t.value;
  }
  const headersAt = view.get('headers');
  const headers = headersAt === undefined ? {} : readHeaders(r, headersAt);
  const predAt = view.require('prediction', use === 'judge' ? ': the JSONPath of the scores object in the judge\'s response, such as `$.scores`' : ': the JSONPath of the prediction in the response, such as `$.label`');
  const prediction = predAt === undefined ? undefined : readJsonPath(r, predAt);
  const optionalPath = (key: string): { ok: boolean; value: string | undefined } => {
    const a = view.get(key);
    if (a === undefined) return { ok: true, value: undefined };
    const p = readJsonPath(r, a);
    return { ok: p !== undefined, value: p };
  };
  const score = optionalPath('score');
  const model = optionalPath('model');
  const timeoutMs = bounded(r, view.get('timeoutMs'), 1, LIMITS.timeoutMs, ENDPOINT_DEFAULTS.timeoutMs);
  const concurrency = bounded(r, view.get('concurrency'), 1, LIMITS.concurrency, ENDPOINT_DEFAULTS.concurrency);
  const retries = bounded(r, view.get('retries'), 0, LIMITS.retries, ENDPOINT_DEFAULTS.retries);
  if (!ok || url === undefined || method === undefined || headers === undefined || prediction === undefined || !score.ok || !model.ok
    || timeoutMs === undefined || concurrency === undefined || retries === undefined) return undefined;
  return { url, method, request, headers, prediction, score: score.value, model: model.value, timeoutMs, concurrency, retries };
}
