/**
 * Event batches for fuzzing `POST /v1/events`: valid events generated from DESIGN §3.1 (not from the
 * server's schemas), and single mutations of a valid event whose verdict is known by construction —
 * drop a required field → `missing_field` at it, a number where a string belongs → `invalid_type` at
 * it, and so on (docs/errors.md, "Item codes"). The JSON text is written by `toJson`, which can also
 * emit tokens JSON.stringify cannot: `1e400`, `-0`, 10,000-deep nesting, own `__proto__` members.
 */
import fc from 'fast-check';

export const NOW = Date.parse('2026-11-28T10:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Four services, one per task, so outcomes of every payload kind meet every judge. */
export const FUZZ_SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: fz-cls, owner: fuzz, oncall: fuzz, tier: 2}
spec:
  task: classification
  objectives: {errors: 0.99, latency: 0.9, quality: 0.8}
  latency:
    classes:
      - {name: short, when: "input.tokens <= 512", thresholdMs: 300}
      - {name: long, thresholdMs: 2000}
  quality:
    minSamples: 5
    sources: [human, ground_truth, judge, feedback]
    feedback: "clicked && !followUp"
    objectives:
      - {metric: precision, class: fraud, target: 0.5, perCohort: true}
  cohorts: [region, device]
  drift: {features: {amount: numeric, country: categorical}}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fz-rank, owner: fuzz, oncall: fuzz, tier: 2}
spec:
  task: ranking
  objectives: {quality: 0.5}
  quality: {k: 5, objectives: [{metric: ndcg, target: 0.5}]}
  cohorts: [region]
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fz-reg, owner: fuzz, oncall: fuzz, tier: 2}
spec:
  task: regression
  objectives: {quality: 0.5}
  quality: {tolerance: 1}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fz-gen, owner: fuzz, oncall: fuzz, tier: 2}
spec:
  task: generative
  objectives: {quality: 0.5}
  quality: {criteria: "factuality >= 0.8", sources: [human, judge, feedback], feedback: "clicked"}
  cohorts: [language]
`;
export const SERVICES = ['fz-cls', 'fz-rank', 'fz-reg', 'fz-gen'] as const;

/** DESIGN §3.1 field lists. */
export const INFERENCE_FIELDS = ['kind', 'id', 'service', 'model', 'ts', 'latencyMs', 'status', 'errorType', 'input', 'cohort', 'features', 'prediction'];
export const OUTCOME_FIELDS = ['kind', 'id', 'requestId', 'service', 'ts', 'source', 'samplingProb', 'annotator', 'label', 'relevant', 'value', 'scores', 'feedback'];
export const PAYLOADS = ['label', 'relevant', 'value', 'scores', 'feedback'] as const;

// ---------------------------------------------------------------------------------------------------
// JSON text with tokens JSON.stringify cannot write

/** A JSON token written verbatim: `1e400`, `-0`, `[[[…]]]`. */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of `v`; own `__proto__` members are written like any other key. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${toJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** An object with these own members, `__proto__` included (assignment would set the prototype instead). */
export function own(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries);
}

function withMember(o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return own([...Object.entries(o).filter(([k]) => k !== key), [key, value]]);
}

function without(o: Record<string, unknown>, key: string): Record<string, unknown> {
  return own(Object.entries(o).filter(([k]) => k !== key));
}

export const deepArray = (n: number): Raw => new Raw('['.repeat(n) + ']'.repeat(n));
export const deepObject = (n: number): Raw => new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n));

// ---------------------------------------------------------------------------------------------------
// Valid events

/** Any well-formed string (every code point, NUL and controls included; no lone surrogates). */
const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength });
/** Keys that trip naive code: prototype members, pointer escapes, the empty key. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', 'a/b', 'a~b', '~1', ' ', '\u0000'];
const key = fc.oneof({ weight: 3, arbitrary: text(12) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const labelArb = fc.oneof(text(16), fc.integer(), fc.constantFrom('fraud', 'legit', 0, 1));
const unit = fc.double({ min: 0, max: 1, noNaN: true });

function attrs<T>(value: fc.Arbitrary<T>, maxLength = 5): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(fc.tuple(key, value), { maxLength }).map(own);
}

/** A timestamp spelled with any offset and 0–9 fraction digits, and the instant it means (ms precision). */
export interface Stamp {
  readonly text: string;
  readonly ms: number;
}

export function spell(ms: number, offsetMin: number, fracDigits: number, extra = '0'): string {
  const local = new Date(ms + offsetMin * MINUTE);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms3 = p(local.getUTCMilliseconds(), 3);
  const frac = fracDigits === 0 ? '' : `.${fracDigits <= 3 ? ms3.slice(0, fracDigits) : ms3 + extra.repeat(fracDigits - 3)}`;
  const off = offsetMin === 0 && fracDigits % 2 === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${p(Math.floor(Math.abs(offsetMin) / 60))}:${p(Math.abs(offsetMin) % 60)}`;
  return `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())}T${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}${frac}${off}`;
}

/** The instant a spelling with `fracDigits` digits keeps: milliseconds beyond the digits are dropped. */
function kept(ms: number, fracDigits: number): number {
  const drop = fracDigits >= 3 ? 1 : 10 ** (3 - fracDigits);
  return ms - (((ms % 1000) + 1000) % 1000 % drop);
}

export const stampArb = (from: number, to: number): fc.Arbitrary<Stamp> =>
  fc.record({
    ms: fc.integer({ min: from, max: to }),
    offsetMin: fc.oneof(fc.constant(0), fc.integer({ min: -14 * 60, max: 14 * 60 })),
    fracDigits: fc.integer({ min: 0, max: 9 }),
    extra: fc.constantFrom('0', '9'),
  }).map(({ ms, offsetMin, fracDigits, extra }) => {
    const at = kept(ms, fracDigits);
    return { text: spell(at, offsetMin, fracDigits, extra), ms: at };
  });

/** Counted by the report: at least a minute before NOW, within the 7-day inference window. */
const inferenceStamp = stampArb(NOW - 6 * DAY, NOW - MINUTE);
const outcomeStamp = stampArb(NOW - 6 * DAY, NOW);

const predictionArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ label: labelArb, score: unit, probabilities: attrs(unit, 3) }, { requiredKeys: ['label'] }),
  fc.record({ items: fc.array(labelArb, { maxLength: 20 }) }),
  fc.record({ value: finite }),
  fc.record({ text: text(200) }, { requiredKeys: [] }),
);

/** A valid event without its identity: `id` (inferences) or `requestId`/`id` (outcomes) are set by the batch. */
export interface Draft {
  readonly item: Record<string, unknown>;
  readonly tsMs: number;
}

export const inferenceArb: fc.Arbitrary<Draft> = fc.record({
  service: fc.constantFrom(...SERVICES),
  model: fc.option(text(40), { nil: undefined }),
  ts: inferenceStamp,
  ok: fc.boolean(),
  latencyMs: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, -0, 1e308, Number.MIN_VALUE)),
  errorType: fc.oneof(fc.constantFrom('http_5xx', 'timeout', 'model_load', 'oom', 'gpu_oom', 'client_error'), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 })),
  errorLatency: fc.boolean(),
  input: fc.option(attrs(fc.oneof(finite, text(10))), { nil: undefined }),
  cohort: fc.option(attrs(fc.oneof(finite, text(10), fc.boolean())), { nil: undefined }),
  features: fc.option(attrs(fc.oneof(finite, text(10), fc.boolean(), fc.constant(null))), { nil: undefined }),
  prediction: fc.option(predictionArb, { nil: undefined }),
  tokens: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
}).map((g) => {
  const entries: [string, unknown][] = [['kind', 'inference'], ['service', g.service], ['ts', g.ts.text], ['status', g.ok ? 'ok' : 'error']];
  if (g.model !== undefined) entries.push(['model', g.model]);
  if (g.ok || g.errorLatency) entries.push(['latencyMs', g.latencyMs]);
  if (!g.ok) entries.push(['errorType', g.errorType]);
  const input = g.tokens === undefined ? g.input : withMember(g.input ?? {}, 'tokens', g.tokens);
  if (input !== undefined) entries.push(['input', input]);
  if (g.cohort !== undefined) entries.push(['cohort', g.cohort]);
  if (g.features !== undefined) entries.push(['features', g.features]);
  if (g.ok && g.prediction !== undefined) entries.push(['prediction', g.prediction]);
  return { item: own(entries), tsMs: g.ts.ms };
});

const payloadArb: fc.Arbitrary<readonly [string, unknown]> = fc.oneof(
  labelArb.map((l) => ['label', l] as const),
  fc.array(labelArb, { maxLength: 10 }).map((r) => ['relevant', r] as const),
  finite.map((v) => ['value', v] as const),
  attrs(finite, 4).map((s) => ['scores', s] as const),
  fc.record({ clicked: fc.boolean(), dwellMs: fc.double({ min: 0, max: 1e7, noNaN: true }), followUp: fc.boolean() }, { requiredKeys: [] }).map((f) => ['feedback', f] as const),
);

export const outcomeArb: fc.Arbitrary<Draft> = fc.record({
  service: fc.constantFrom(...SERVICES),
  ts: outcomeStamp,
  source: fc.constantFrom('human', 'ground_truth', 'judge', 'feedback'),
  // DESIGN §3.1 says (0, 1]; the validator floors it at 1e-12 (event-schema.ts: 1/p² must stay finite).
  samplingProb: fc.option(fc.oneof(fc.double({ min: 1e-12, max: 1, noNaN: true }), fc.constantFrom(1, 1e-12)), { nil: undefined }),
  annotator: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), { nil: undefined }),
  payload: payloadArb,
}).map((g) => {
  const entries: [string, unknown][] = [['kind', 'outcome'], ['service', g.service], ['ts', g.ts.text], ['source', g.source], [...g.payload]];
  if (g.samplingProb !== undefined) entries.push(['samplingProb', g.samplingProb]);
  if (g.annotator !== undefined) entries.push(['annotator', g.annotator]);
  return { item: own(entries), tsMs: g.ts.ms };
});

// ---------------------------------------------------------------------------------------------------
// Single mutations with a known verdict

export type Verdict =
  | { readonly kind: 'stored' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly code: string; readonly paths: readonly string[] };

export const STORED: Verdict = { kind: 'stored' };
const reject = (code: string, ...paths: string[]): Verdict => ({ kind: 'rejected', code, paths });

/** One entry of a batch: the item's JSON text (or a raw NDJSON line) and its expected verdict. */
export interface Entry {
  readonly json: string | Buffer;
  readonly verdict: Verdict;
  /** What the item is, when it is JSON: the pointer of a rejection is checked against it. */
  readonly value?: unknown;
  /** The instant `ts` names, for items generated valid. */
  readonly tsMs?: number;
}

export const MUTATIONS = [
  'dropRequired', 'wrongType', 'wrongAttrType', 'unknownField', 'outOfDomain', 'badTimestamp', 'tooOld', 'tooNew',
  'unknownService', 'notObject', 'deep', 'hugeString', 'loneSurrogate', 'outOfRangeNumber', 'harmlessNumber', 'invalidJsonLine',
] as const;
export type MutationName = (typeof MUTATIONS)[number];

export interface Mutation {
  readonly name: MutationName;
  /** Chooses among the candidates a mutation has (which field, which bad value). */
  readonly pick: number;
  readonly pick2: number;
  readonly key: string;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  name: fc.constantFrom(...MUTATIONS),
  pick: fc.nat(),
  pick2: fc.nat(),
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS, 'latencyMS', 'Kind', 'Id', 'ts ', 'zz'), text(8)),
});

const choose = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;
const esc = (t: string): string => t.replace(/~/g, '~0').replace(/\//g, '~1');
const DEEP = 10_000;

const BAD_STAMPS = [
  '2026-11-28T10:00:00', '2026-11-28 10:00:00Z', '2026-02-30T00:00:00Z', '2026-11-28T24:00:00Z', '2026-11-28T10:60:00Z',
  '2026-11-28T10:00:00+25:00', '2026-11-28T10:00:00+05:60', '1764324000000', '', 'Sat, 28 Nov 2026 10:00:00 GMT', '2026-11-28T10:00:00.Z',
  '2026-11-28T10:00:00Z\n', ' 2026-11-28T10:00:00Z', '２０２６-11-28T10:00:00Z', '2025-02-29T10:00:00Z', '2026-11-28T10:00:00.1234567890Z',
  '2026-11-28', 'T10:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '+002026-11-28T10:00:00Z', '2026-11-28T10:00:00z',
];

/** Fields of each JSON type, per kind (DESIGN §3.1). */
function fieldsOf(item: Record<string, unknown>) {
  const inf = item.kind === 'inference';
  return {
    strings: inf ? ['id', 'service', 'model', 'ts', 'errorType'] : ['id', 'requestId', 'service', 'ts', 'annotator'],
    numbers: inf ? ['latencyMs'] : ['samplingProb', 'value'],
    objects: inf ? ['input', 'cohort', 'features', 'prediction'] : ['scores', 'feedback'],
    enums: inf ? ['kind', 'status'] : ['kind', 'source'],
    required: inf ? ['kind', 'id', 'service', 'ts', 'status', item.status === 'ok' ? 'latencyMs' : 'errorType'] : ['kind', 'requestId', 'service', 'ts', 'source', 'payload'],
  };
}

function payloadOf(item: Record<string, unknown>): string {
  return PAYLOADS.find((p) => Object.hasOwn(item, p))!;
}

/**
 * `draft` (already given its identity) with one mutation, and the verdict DESIGN §3.1 and
 * docs/errors.md promise for it. A mutation that does not apply to this draft returns it unchanged.
 */
export function mutate(d: Draft, m: Mutation): Entry {
  const item = d.item;
  const f = fieldsOf(item);
  const inf = item.kind === 'inference';
  const entry = (value: unknown, verdict: Verdict): Entry => ({ json: toJson(value), value: reparse(value), verdict });
  switch (m.name) {
    case 'dropRequired': {
      const field = choose(f.required, m.pick);
      if (field === 'payload') return entry(without(item, payloadOf(item)), reject('missing_field', ''));
      return entry(without(item, field), reject('missing_field', `/${field}`));
    }
    case 'wrongType': {
      const all = [...f.strings, ...f.numbers, ...f.objects, ...f.enums];
      const field = choose(all, m.pick);
      if (f.enums.includes(field)) return entry(withMember(item, field, choose([1, true, null, [], {}], m.pick2)), reject('invalid_value', `/${field}`));
      const pool = f.strings.includes(field) ? [12, true, null, [], {}, deepArray(DEEP), new Raw('-0')]
        : f.numbers.includes(field) ? ['12', true, null, [], {}, 'NaN', deepArray(DEEP)]
          : ['x', 12, true, null, [], deepArray(DEEP)];
      return entry(withMember(item, field, choose(pool, m.pick2)), reject('invalid_type', `/${field}`));
    }
    case 'wrongAttrType': {
      // A member of a free-keyed map, or an element of a list, with a value of the wrong JSON type.
      type Where = 'input' | 'cohort' | 'features' | 'prediction' | 'scores' | 'label' | 'relevant' | 'feedback';
      const inside: ReadonlyArray<readonly [Where, readonly unknown[]]> = inf
        ? [['input', [true, null, [], {}]], ['cohort', [null, [], {}]], ['features', [[], {}, deepObject(DEEP)]], ['prediction', []]]
        : [['scores', ['x', true, null, [], {}]], ['label', []], ['relevant', []], ['feedback', []]];
      const [where, pool] = choose(inside, m.pick);
      if (where === 'prediction' && item.status === 'ok') {
        const bad = choose([true, null, 1.5, [], {}], m.pick2);
        const variant = choose(['label', 'items', 'probabilities'], m.pick2 >> 3);
        if (variant === 'label') return entry(withMember(item, 'prediction', { label: bad }), reject('invalid_type', '/prediction/label'));
        if (variant === 'items') return entry(withMember(item, 'prediction', { items: ['a', 1, bad] }), reject('invalid_type', '/prediction/items/2'));
        return entry(withMember(item, 'prediction', { label: 'a', probabilities: own([[m.key, choose(['x', null, []], m.pick2)]]) }), reject('invalid_type', `/prediction/probabilities/${esc(m.key)}`));
      }
      if (where === 'label' || where === 'relevant') {
        const bad = choose([true, null, 1.5, {}, deepArray(DEEP)], m.pick2);
        const base = without(item, payloadOf(item));
        return where === 'label'
          ? entry(withMember(base, 'label', bad), reject('invalid_type', '/label'))
          : entry(withMember(base, 'relevant', [1, 'a', bad]), reject('invalid_type', '/relevant/2'));
      }
      if (where === 'feedback') {
        const base = without(item, payloadOf(item));
        const sub = choose(['clicked', 'dwellMs', 'followUp'], m.pick2);
        return entry(withMember(base, 'feedback', own([[sub, sub === 'dwellMs' ? '5' : 'yes']])), reject('invalid_type', `/feedback/${sub}`));
      }
      if (where === 'prediction') return entry(withMember(item, 'input', own([[m.key, []]])), reject('invalid_type', `/input/${esc(m.key)}`));
      const base = where === 'scores' ? without(item, payloadOf(item)) : item;
      const map = (base[where] as Record<string, unknown> | undefined) ?? {};
      return entry(withMember(base, where, withMember(map, m.key, choose(pool, m.pick2))), reject('invalid_type', `/${where}/${esc(m.key)}`));
    }
    case 'unknownField': {
      const known = inf ? INFERENCE_FIELDS : OUTCOME_FIELDS;
      const k = known.includes(m.key) ? `${m.key}_` : m.key;
      const where = choose(['top', 'prediction', 'feedback'], m.pick);
      if (where === 'prediction' && inf && item.status === 'ok') {
        const pred = (item.prediction as Record<string, unknown> | undefined) ?? { label: 'a' };
        const pk = ['label', 'items', 'value', 'text', 'score', 'probabilities'].includes(k) ? `${k}_` : k;
        return entry(withMember(item, 'prediction', withMember(pred, pk, 1)), reject('unknown_field', `/prediction/${esc(pk)}`));
      }
      if (where === 'feedback' && !inf) {
        const fk = ['clicked', 'dwellMs', 'followUp'].includes(k) ? `${k}_` : k;
        return entry(withMember(without(item, payloadOf(item)), 'feedback', own([['clicked', true], [fk, true]])), reject('unknown_field', `/feedback/${esc(fk)}`));
      }
      return entry(withMember(item, k, choose([1, 'x', null, {}, []], m.pick2)), reject('unknown_field', `/${esc(k)}`));
    }
    case 'outOfDomain': {
      const long = (n: number, c = 'x') => c.repeat(n);
      const cases: [string, unknown, string][] = inf
        ? [
          ['latencyMs', -1, '/latencyMs'], ['latencyMs', -1e-300, '/latencyMs'], ['id', '', '/id'], ['id', long(257), '/id'], ['id', long(257, '😀'), '/id'],
          ['status', choose(['OK', '', 'failed', 'Ok'], m.pick2), '/status'], ['kind', choose(['Inference', 'metric', ''], m.pick2), '/kind'],
          ['service', '', '/service'], ['service', long(64, 'a'), '/service'], ['model', long(129), '/model'],
          item.status === 'ok' ? ['errorType', 'oom', '/errorType'] : ['prediction', { label: 'a' }, '/prediction'],
          item.status === 'ok' ? ['prediction', { label: 'a', score: choose([1.5, -0.5, 1.0000001], m.pick2) }, '/prediction/score'] : ['errorType', '', '/errorType'],
          item.status === 'ok' ? ['prediction', { label: 'a', probabilities: own([[m.key, 1.01]]) }, `/prediction/probabilities/${esc(m.key)}`] : ['errorType', long(65), '/errorType'],
          item.status === 'ok' ? ['prediction', { items: Array.from({ length: 1001 }, (_, i) => i) }, '/prediction/items'] : ['latencyMs', -5, '/latencyMs'],
        ]
        : [
          ['samplingProb', choose([0, -0.1, 1.0000001, 2, 9.99e-13, 5e-324, 1e-160], m.pick2), '/samplingProb'], ['source', choose(['robot', 'Human', ''], m.pick2), '/source'],
          ['requestId', '', '/requestId'], ['annotator', '', '/annotator'], ['id', '', '/id'], ['kind', 'Outcome', '/kind'],
          ['feedback', { dwellMs: -5 }, '/feedback/dwellMs'], ['relevant', Array.from({ length: 10_001 }, (_, i) => i), '/relevant'],
        ];
      const [field, value, path] = choose(cases, m.pick);
      const base = !inf && (PAYLOADS as readonly string[]).includes(field) ? without(item, payloadOf(item)) : item;
      return entry(withMember(base, field, value), reject('invalid_value', path));
    }
    case 'badTimestamp':
      return entry(withMember(item, 'ts', choose(BAD_STAMPS, m.pick)), reject('invalid_timestamp', '/ts'));
    case 'tooOld': {
      const oldest = NOW - (inf ? 7 * DAY : 30 * DAY);
      return entry(withMember(item, 'ts', spell(oldest - 1 - (m.pick % (90 * DAY)), 0, 3)), reject('too_old', '/ts'));
    }
    case 'tooNew':
      return entry(withMember(item, 'ts', spell(NOW + 10 * MINUTE + 1 + (m.pick % (400 * DAY)), choose([0, 60, -300], m.pick2), 3)), reject('too_new', '/ts'));
    case 'unknownService':
      return entry(withMember(item, 'service', choose(['nope', 'FZ-CLS', 'fz-cls ', 'fz-cls\u0000', 'fz', 'constructor', '__proto__'], m.pick)), reject('unknown_service', '/service'));
    case 'notObject': {
      const v = choose([1, 'x', null, true, [], [item], -0, deepArray(DEEP)], m.pick);
      return entry(v, reject('invalid_item', ''));
    }
    case 'deep': {
      const choices: [string, Raw, Verdict][] = [
        ['id', deepArray(DEEP), reject('invalid_type', '/id')],
        ['service', deepObject(DEEP), reject('invalid_type', '/service')],
        ['ts', deepArray(DEEP), reject('invalid_type', '/ts')],
      ];
      if (inf) choices.push(['input', new Raw(`{"tokens":${deepArray(DEEP).text}}`), reject('invalid_type', '/input/tokens')]);
      if (inf && item.status === 'ok') choices.push(['prediction', deepObject(DEEP), reject('unknown_field', '/prediction/a')]);
      if (!inf) choices.push(['scores', new Raw(`{"s":${deepObject(DEEP).text}}`), reject('invalid_type', '/scores/s')]);
      const [field, value, verdict] = choose(choices, m.pick);
      const base = field === 'scores' ? without(item, payloadOf(item)) : item;
      return entry(withMember(base, field, value), verdict);
    }
    case 'hugeString': {
      const big = 'x'.repeat(1_000_000 + (m.pick % 1000));
      if (inf && item.status === 'ok' && m.pick2 % 2 === 0) return entry(withMember(item, 'prediction', { text: big }), STORED);
      return entry(withMember(item, choose(['id', 'service', 'ts'], m.pick), big), m.pick % 3 === 2 ? reject('invalid_timestamp', '/ts') : reject('invalid_value', `/${choose(['id', 'service', 'ts'], m.pick)}`));
    }
    case 'loneSurrogate': {
      const lone = choose(['\ud800', '\udfff', '\udbff', '\udc00x'], m.pick2);
      const s = `a${lone}b`;
      const places: [Record<string, unknown>, string][] = [
        [withMember(item, 'id', s), '/id'], [withMember(item, 'service', s), '/service'],
      ];
      if (inf) {
        places.push([withMember(item, 'model', s), '/model']);
        places.push([withMember(item, 'cohort', own([['region', s]])), '/cohort/region']);
        places.push([withMember(item, 'input', own([[s, 1]])), `/input/${esc(s)}`]);
        places.push([withMember(item, 'features', own([['country', s]])), '/features/country']);
        if (item.status === 'ok') places.push([withMember(item, 'prediction', { items: ['a', s] }), '/prediction/items/1']);
        else places.push([withMember(item, 'errorType', s), '/errorType']);
      } else {
        places.push([withMember(item, 'requestId', s), '/requestId']);
        places.push([withMember(without(item, payloadOf(item)), 'label', s), '/label']);
        places.push([withMember(without(item, payloadOf(item)), 'scores', own([[s, 1]])), `/scores/${esc(s)}`]);
      }
      const [value, path] = choose(places, m.pick);
      return entry(value, reject('invalid_value', path));
    }
    case 'outOfRangeNumber': {
      // 1e400 is a JSON number no double holds: a value outside the domain, not a wrong type.
      const big = new Raw(choose(['1e400', '-1e400', '1E+999'], m.pick2));
      const places: [string, string][] = inf ? [['latencyMs', '/latencyMs']] : [['samplingProb', '/samplingProb'], ['value', '/value']];
      if (inf) places.push(['input', '/input/tokens'], ['features', '/features/amount']);
      if (inf && item.status === 'ok') places.push(['prediction', '/prediction/value']);
      const [field, path] = choose(places, m.pick);
      const value = field === 'input' ? own([['tokens', big]]) : field === 'features' ? own([['amount', big]]) : field === 'prediction' ? { value: big } : big;
      const base = field === 'value' ? without(item, payloadOf(item)) : item;
      return entry(withMember(base, field, value), reject('invalid_value', path));
    }
    case 'harmlessNumber': {
      // Spellings that parse to ordinary doubles: still valid.
      if (!inf || item.status !== 'ok') return entry(item, STORED);
      const v = new Raw(choose(['1e-400', '-1e-400', '-0', '0.0', '1E2', '5e-324', '0e0'], m.pick));
      return entry(withMember(item, 'latencyMs', v), STORED);
    }
    case 'invalidJsonLine': {
      const line = toJson(item);
      const cut = 1 + (m.pick % Math.max(1, line.length - 2));
      const bad = choose([line.slice(0, cut), '{', 'NaN', '[1,', 'undefined', "{'a':1}", `${line}${line}`, `${line},`, '{"kind":"inference",}', '\u0000', 'Infinity', '-', '"\\ud800', '\u001f'], m.pick2);
      return { json: bad, verdict: reject('invalid_json', '') };
    }
  }
}

/** What the server's JSON.parse of `toJson(v)` gives (1e400 → Infinity, deep tokens parsed). */
function reparse(v: unknown): unknown {
  return JSON.parse(toJson(v)) as unknown;
}

/** A stored item's JSON with `ts` spelled another way for the same instant: a duplicate (DESIGN §3.1). */
export function respelled(item: Record<string, unknown>, tsMs: number, offsetMin: number): string {
  return toJson(withMember(item, 'ts', spell(tsMs, offsetMin, 3)));
}

/** A stored item with other content under the same identity: `conflict` at `/id`. */
export function changed(item: Record<string, unknown>): Record<string, unknown> {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  if (item.kind === 'inference') return withMember(item, 'model', `${text(item.model)}-changed`);
  return withMember(item, 'annotator', `${text(item.annotator)}-changed`.slice(0, 100));
}
