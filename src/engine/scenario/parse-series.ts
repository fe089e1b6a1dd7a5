/** One `series:` item of a scenario file → a Series, checked against its service's spec. */
import { isMap, isScalar, type LineCounter } from 'yaml';
import { OUTCOME_SOURCES, type OutcomeSource } from '../../core/event.ts';
import { classify } from '../../core/input-class.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { describe, type At, type Reader } from '../../spec/yaml-reader.ts';
import type { Latency, Level, QualitySeries, Series } from './model.ts';
import { placeOf, readLevel, readMinutes, readRate, readShare } from './parse-values.ts';

const SERIES_KEYS = ['service', 'model', 'from', 'to', 'rate', 'errors', 'latency', 'input', 'cohort', 'quality'] as const;
const LATENCY_KEYS = ['ms', 'slow', 'slow_ms'] as const;
const QUALITY_KEYS = ['accuracy', 'labelled', 'delay', 'source'] as const;

export interface SeriesContext {
  readonly r: Reader;
  readonly lines: LineCounter;
  readonly specs: ReadonlyMap<string, ServiceSpec>;
}

function maxOf(l: Level): number {
  return l.kind === 'constant' ? l.value : Math.max(l.from, l.to);
}

function readService(c: SeriesContext, at: At | undefined, whole: At): ServiceSpec | undefined {
  const { r, specs } = c;
  if (at === undefined) {
    if (specs.size === 1) return [...specs.values()][0];
    r.report(whole, specs.size === 0 ? 'no spec to run against' : `\`service\` is required when the scenario has several specs (${[...specs.keys()].join(', ')})`);
    return undefined;
  }
  const name = r.string(at);
  if (name === undefined) return undefined;
  const spec = specs.get(name);
  if (spec === undefined) r.report(at, `no spec declares service \`${name}\` (known: ${[...specs.keys()].join(', ') || 'none'})`);
  return spec;
}

function readErrors(c: SeriesContext, at: At | undefined): Map<string, Level> | undefined {
  const out = new Map<string, Level>();
  if (at === undefined) return out;
  const entries = c.r.mapOfAny(at);
  if (entries === undefined) return undefined;
  let ok = true;
  for (const [type, v] of entries) {
    const l = readLevel(c.r, v, (a) => readShare(c.r, a));
    if (l === undefined) ok = false;
    else out.set(type, l);
  }
  if (ok && [...out.values()].reduce((a, l) => a + maxOf(l), 0) > 1 + 1e-9) c.r.report(at, 'the error shares add up to more than 100%');
  return ok ? out : undefined;
}

function readInput(c: SeriesContext, at: At | undefined, strings: boolean): Record<string, number | string> | undefined {
  const out: Record<string, number | string> = {};
  if (at === undefined) return out;
  const entries = c.r.mapOfAny(at);
  if (entries === undefined) return undefined;
  let ok = true;
  for (const [k, v] of entries) {
    const x = isScalar(v.node) ? v.node.value : undefined;
    if (typeof x === 'string' || (!strings && typeof x === 'number' && Number.isFinite(x))) out[k] = x;
    else {
      c.r.report(v, `must be ${strings ? 'a string' : 'a number or a string'}, got ${describe(v.node)}`);
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function readLatency(c: SeriesContext, at: At | undefined, spec: ServiceSpec, input: Record<string, number | string>): Latency | undefined {
  const { r } = c;
  const cls = classify(spec.latency.classes, { input });
  const none: Level = { kind: 'constant', value: 0 };
  // Unspecified: comfortably fast, half the threshold of the class the input falls in.
  if (at === undefined) return { kind: 'fixed', ms: cls.thresholdMs / 2, slow: none, slowMs: 0 };
  if (!isMap(at.node)) {
    const ms = r.number(at);
    if (ms !== undefined && ms < 0) r.report(at, `must be ≥ 0, got ${ms}`);
    return ms === undefined || ms < 0 ? undefined : { kind: 'fixed', ms, slow: none, slowMs: 0 };
  }
  const entries = r.mapOfAny(at) ?? new Map<string, At>();
  const classNames = spec.latency.classes.map((x) => x.name);
  if ([...entries.keys()].every((k) => classNames.includes(k)) && entries.size > 0) {
    const ms = new Map<string, number>();
    for (const [k, v] of entries) {
      const n = r.number(v);
      if (n !== undefined) ms.set(k, n);
    }
    if (!entries.has(cls.name)) {
      r.report(at, `the series' input falls in latency class \`${cls.name}\` of \`${spec.name}\`, which this mapping does not give`);
      return undefined;
    }
    return ms.size === entries.size ? { kind: 'byClass', ms, place: placeOf(c.lines, at) } : undefined;
  }
  const m = r.map(at, [...LATENCY_KEYS, ...classNames]);
  if (m === undefined) return undefined;
  const msAt = m.require('ms');
  const ms = msAt === undefined ? undefined : r.number(msAt);
  const slowAt = m.get('slow');
  const slow = slowAt === undefined ? none : readLevel(r, slowAt, (a) => readShare(r, a));
  const slowMsAt = slowAt === undefined ? m.get('slow_ms') : m.require('slow_ms', ' with `slow`');
  const slowMs = slowMsAt === undefined ? 0 : r.number(slowMsAt);
  if (m.unknownKeys > 0 || ms === undefined || slow === undefined || slowMs === undefined) return undefined;
  return { kind: 'fixed', ms, slow, slowMs };
}

function readQuality(c: SeriesContext, at: At | undefined, spec: ServiceSpec): QualitySeries | undefined | null {
  if (at === undefined) return undefined;
  const { r } = c;
  const m = r.map(at, QUALITY_KEYS);
  if (m === undefined) return null;
  if (spec.task === 'generative') {
    r.report(at, `scenario tests cannot label a generative service yet (\`${spec.name}\`): its verdict depends on criteria over scores`);
    return null;
  }
  const accAt = m.require('accuracy');
  const accuracy = accAt === undefined ? undefined : readLevel(r, accAt, (a) => readShare(r, a));
  const labAt = m.get('labelled');
  const labelled: Level | undefined = labAt === undefined ? { kind: 'constant', value: 1 } : readLevel(r, labAt, (a) => readShare(r, a));
  const delayAt = m.get('delay');
  const delayMs = delayAt === undefined ? 0 : readMinutes(r, delayAt, 'a delay', true);
  const srcAt = m.get('source');
  const fallback = spec.quality.sources.find((s) => s !== 'feedback') ?? spec.quality.sources[0] ?? 'ground_truth';
  const source: OutcomeSource | undefined = srcAt === undefined ? fallback : r.oneOf(srcAt, OUTCOME_SOURCES);
  if (srcAt !== undefined && source !== undefined && !spec.quality.sources.includes(source)) {
    r.report(srcAt, `\`${spec.name}\` does not count \`${source}\` outcomes (quality.sources: ${spec.quality.sources.join(', ')})`);
    return null;
  }
  if (accuracy === undefined || labelled === undefined || delayMs === undefined || source === undefined) return null;
  return { accuracy, labelled, delayMs, source };
}

export function readSeries(c: SeriesContext, at: At, index: number): Series | undefined {
  const { r } = c;
  const m = r.map(at, SERIES_KEYS);
  if (m === undefined) return undefined;
  const spec = readService(c, m.get('service'), at);
  const modelAt = m.get('model');
  const model = modelAt === undefined ? 'v1' : r.string(modelAt);
  const fromAt = m.get('from');
  const from = fromAt === undefined ? 0 : readMinutes(r, fromAt, 'an offset from `start`', true);
  const toAt = m.require('to');
  const to = toAt === undefined ? undefined : readMinutes(r, toAt, 'an offset from `start`', false);
  if (from !== undefined && to !== undefined && to <= from) r.report(toAt!, 'must be after `from`');
  const rateAt = m.require('rate');
  const rate = rateAt === undefined ? undefined : readLevel(r, rateAt, (a) => readRate(r, a));
  const errors = readErrors(c, m.get('errors'));
  const input = readInput(c, m.get('input'), false);
  const cohortAt = m.get('cohort');
  const cohort = readInput(c, cohortAt, true) as Record<string, string> | undefined;
  if (spec !== undefined && cohort !== undefined) {
    for (const attr of Object.keys(cohort)) {
      if (!spec.cohorts.includes(attr)) r.report(cohortAt!, `\`${spec.name}\` declares no cohort attribute \`${attr}\` (cohorts: ${spec.cohorts.join(', ') || 'none'})`);
    }
  }
  if (spec === undefined || input === undefined) return undefined;
  const latency = readLatency(c, m.get('latency'), spec, input);
  const quality = readQuality(c, m.get('quality'), spec);
  if (model === undefined || from === undefined || to === undefined || to <= from || rate === undefined || errors === undefined
    || cohort === undefined || latency === undefined || quality === null || m.unknownKeys > 0) return undefined;
  return { index, service: spec.name, model, from, to, rate, errors, latency, input, cohort, quality, place: placeOf(c.lines, at) };
}
