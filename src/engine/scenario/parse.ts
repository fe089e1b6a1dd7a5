/**
 * Scenario files (docs/scenario-tests.md) → a checked Scenario, or every problem with file, line,
 * column and JSON pointer, as `mlslo validate` reports specs. Spec files named under `specs:` are read
 * through the `readSpecs` callback (the only I/O), relative to the scenario file.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ServiceSpec } from '../../core/spec.ts';
import { readService } from '../../spec/document.ts';
import { compareProblems, ProblemSink, type SpecProblem } from '../../spec/problems.ts';
import { Reader, type At } from '../../spec/yaml-reader.ts';
import type { Assertion, Scenario, Series } from './model.ts';
import { readAssertion } from './parse-assert.ts';
import { readSeries } from './parse-series.ts';
import { readMinutes } from './parse-values.ts';

const TOP_KEYS = ['name', 'specs', 'spec', 'start', 'evaluation_interval', 'coarse_interval', 'series', 'assert'] as const;
const DEFAULT_START = '2026-01-01T00:00:00Z';
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
export const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;
export const DEFAULT_COARSE_INTERVAL_MS = 10 * 60_000;

export type ReadSpecs = (paths: string[]) => Promise<{ specs: ServiceSpec[]; problems: SpecProblem[] }>;
export type ParseResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: SpecProblem[] };

function readStart(r: Reader, at: At | undefined): number | undefined {
  const v = at === undefined ? DEFAULT_START : r.scalar(at);
  const ms = typeof v === 'string' && ISO_WITH_OFFSET.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms) || ms % 60_000 !== 0) {
    if (at !== undefined) r.report(at, `must be an ISO-8601 time on a whole minute with an offset, such as \`${DEFAULT_START}\``);
    return undefined;
  }
  return ms;
}

async function readSpecSources(r: Reader, root: { get(k: string): At | undefined }, file: string, readSpecs: ReadSpecs): Promise<{ specs: ServiceSpec[]; fileProblems: SpecProblem[] }> {
  const specs: ServiceSpec[] = [];
  const fileProblems: SpecProblem[] = [];
  const pathsAt = root.get('specs');
  const paths = pathsAt === undefined ? [] : r.stringList(pathsAt, 'spec file') ?? [];
  if (paths.length > 0) {
    const loaded = await readSpecs(paths.map((p) => (isAbsolute(p.value) ? p.value : join(dirname(file), p.value))));
    specs.push(...loaded.specs);
    fileProblems.push(...loaded.problems);
  }
  const inlineAt = root.get('spec');
  if (inlineAt !== undefined) {
    const docs = isSeq(inlineAt.node) ? r.list(inlineAt) ?? [] : [inlineAt];
    for (const d of docs) {
      const s = readService(r, d).spec;
      if (s !== undefined) specs.push(s);
    }
  }
  return { specs, fileProblems };
}

export async function parseScenario(text: string, file: string, readSpecs: ReadSpecs): Promise<ParseResult> {
  const lines = new LineCounter();
  const sink = new ProblemSink(file, lines);
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  for (const e of [...doc.errors, ...doc.warnings]) sink.atOffset(e.pos[0], '', `invalid YAML: ${e.message.split(/ at line \d+/)[0] ?? e.message}`);
  if (sink.problems.length > 0) return { ok: false, problems: sink.problems };
  const r = new Reader(sink, doc, text);
  const rootAt: At = { node: doc.contents ?? doc.createNode(null), pointer: '' };
  if (!isMap(rootAt.node)) {
    r.report(rootAt, 'a scenario file must be a mapping with `specs` or `spec`, `series` and `assert`');
    return { ok: false, problems: sink.problems };
  }
  const m = r.map(rootAt, TOP_KEYS);
  if (m === undefined) return { ok: false, problems: sink.problems };
  if (m.get('specs') === undefined && m.get('spec') === undefined) r.report(rootAt, 'a scenario needs `specs` (files) or `spec` (an inline Service document)');
  const { specs, fileProblems } = await readSpecSources(r, m, file, readSpecs);
  const byName = new Map<string, ServiceSpec>();
  for (const s of specs) {
    if (byName.has(s.name)) r.report(m.get('spec') ?? m.get('specs')!, `service \`${s.name}\` is defined twice`);
    byName.set(s.name, s);
  }

  const start = readStart(r, m.get('start'));
  const evalAt = m.get('evaluation_interval');
  const evaluationIntervalMs = evalAt === undefined ? DEFAULT_EVALUATION_INTERVAL_MS : readMinutes(r, evalAt, 'an interval', false);
  const coarseAt = m.get('coarse_interval');
  // Default: the first multiple of the evaluation interval that is at least 10 minutes.
  const coarseDefault = evaluationIntervalMs === undefined ? DEFAULT_COARSE_INTERVAL_MS : Math.ceil(DEFAULT_COARSE_INTERVAL_MS / evaluationIntervalMs) * evaluationIntervalMs;
  const coarseIntervalMs = coarseAt === undefined ? coarseDefault : readMinutes(r, coarseAt, 'an interval', false);
  if (evaluationIntervalMs !== undefined && coarseIntervalMs !== undefined && coarseIntervalMs % evaluationIntervalMs !== 0) {
    r.report(coarseAt ?? evalAt!, 'coarse_interval must be a multiple of evaluation_interval');
  }

  const series: Series[] = [];
  const seriesAt = m.require('series');
  const seriesItems = seriesAt === undefined ? [] : r.list(seriesAt) ?? [];
  if (seriesAt !== undefined && isSeq(seriesAt.node) && seriesItems.length === 0) r.report(seriesAt, 'needs at least one series');
  if (fileProblems.length === 0) {
    seriesItems.forEach((item, i) => {
      const s = readSeries({ r, lines, specs: byName }, item, i);
      if (s !== undefined && start !== undefined) series.push({ ...s, from: start + s.from, to: start + s.to });
    });
  }

  const asserts: Assertion[] = [];
  const assertAt = m.require('assert');
  const assertItems = assertAt === undefined ? [] : r.list(assertAt) ?? [];
  if (assertAt !== undefined && isSeq(assertAt.node) && assertItems.length === 0) r.report(assertAt, 'needs at least one assertion');
  assertItems.forEach((item, i) => {
    const a = readAssertion({ r, lines, start: start ?? 0, services: [...byName.keys()] }, item, i);
    if (a !== undefined) asserts.push(a);
  });

  const problems = [...fileProblems, ...sink.problems.sort(compareProblems)];
  if (problems.length > 0 || start === undefined || evaluationIntervalMs === undefined || coarseIntervalMs === undefined) return { ok: false, problems };
  return { ok: true, scenario: { file, specs, start, evaluationIntervalMs, coarseIntervalMs, series, asserts: asserts.sort((a, b) => a.at - b.at || a.index - b.index) } };
}
