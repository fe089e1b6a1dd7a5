/**
 * `spec.labeling` (DESIGN §2.8): the daily labeling sampler and what the label form asks for. Absent:
 * no sampler runs for the service.
 */
import type { LabelingSpec, QualitySpec, Task } from '../core/spec.ts';
import { parseDuration } from './duration.ts';
import { listOf } from './suggest.ts';
import type { At, MapView, Reader } from './yaml-reader.ts';

const LABELING_KEYS = ['dailyBudget', 'favourUncertain', 'overlap', 'lease', 'stratifyBy', 'rubric', 'rubricMax', 'gradeMax'] as const;
const TASK_KEYS: Readonly<Record<string, Task>> = { rubric: 'generative', rubricMax: 'generative', gradeMax: 'ranking' };

export const LABELING_DEFAULTS = { favourUncertain: 0, overlap: 0.1, lease: '10m', rubricMax: 1, gradeMax: 3 } as const;
/** A day's queue beyond this is a typo, not a labeling team. */
const MAX_DAILY_BUDGET = 1_000_000;
// Rubric names become outcome score names, which criteria compare (`factuality >= 0.8`).
const SCORE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface LabelingContext {
  readonly task: Task | undefined;
  /** Declared cohort attributes; undefined when `spec.cohorts` is invalid. */
  readonly cohorts: readonly string[] | undefined;
  /** Undefined when `spec.quality` is invalid (the defaults that come from it cannot be computed). */
  readonly quality: QualitySpec | undefined;
}

function unit(r: Reader, at: At | undefined, dflt: number): number | undefined {
  if (at === undefined) return dflt;
  const v = r.number(at);
  if (v === undefined || (v >= 0 && v <= 1)) return v;
  r.report(at, `must be between 0 and 1, got ${v}`);
  return undefined;
}

/** The criteria's score names, in order of first appearance. */
function criteriaScores(quality: QualitySpec): string[] {
  const v = quality.verdict;
  return v.task === 'generative' ? [...new Set(v.criteria.all.map((c) => c.path[0]!))] : [];
}

function readStratifyBy(r: Reader, view: MapView, ctx: LabelingContext): { ok: boolean; value: string[] | undefined } {
  const at = view.get('stratifyBy');
  if (at === undefined) {
    if (ctx.quality === undefined || ctx.cohorts === undefined) return { ok: true, value: undefined };
    const first = ctx.cohorts[0];
    return { ok: true, value: ctx.quality.stratifyBy.length > 0 ? [...ctx.quality.stratifyBy] : first === undefined ? [] : [first] };
  }
  const list = r.stringList(at, 'attribute');
  if (list === undefined || ctx.cohorts === undefined) return { ok: false, value: undefined };
  let ok = list.length === (r.list(at)?.length ?? 0);
  for (const s of list) {
    if (ctx.cohorts.includes(s.value)) continue;
    r.report(s.at, `\`${s.value}\` is not a declared cohort attribute; add it to \`spec.cohorts\`${ctx.cohorts.length === 0 ? '' : ` (declared: ${listOf(ctx.cohorts, 'and')})`}`);
    ok = false;
  }
  return { ok, value: list.map((s) => s.value) };
}

function readRubric(r: Reader, view: MapView, ctx: LabelingContext): { ok: boolean; value: string[] | undefined } {
  const at = view.get('rubric');
  const needed = ctx.quality === undefined ? undefined : criteriaScores(ctx.quality);
  if (at === undefined || ctx.task !== 'generative') return { ok: true, value: needed };
  const list = r.stringList(at, 'rubric score');
  if (list === undefined) return { ok: false, value: undefined };
  let ok = list.length === (r.list(at)?.length ?? 0);
  for (const s of list) {
    if (SCORE_NAME.test(s.value)) continue;
    r.report(s.at, `rubric score \`${s.value}\` must start with a letter or \`_\` and hold at most 63 letters, digits or \`_\``);
    ok = false;
  }
  // A human label must let the verdict criteria be evaluated, so it has to give every score they name.
  const missing = (needed ?? []).filter((n) => !list.some((s) => s.value === n));
  if (missing.length > 0) {
    r.report(at, `must include every score the verdict criteria use (\`quality.criteria\`); missing ${listOf(missing, 'and')}`);
    ok = false;
  }
  return { ok, value: list.map((s) => s.value) };
}

/** Undefined both when absent and when invalid; `ok` tells the two apart. */
export function readLabeling(r: Reader, at: At | undefined, ctx: LabelingContext): { ok: boolean; value: LabelingSpec | undefined } {
  if (at === undefined) return { ok: true, value: undefined };
  const view = r.map(at, LABELING_KEYS);
  if (view === undefined) return { ok: false, value: undefined };
  let ok = true;
  for (const [key, task] of Object.entries(TASK_KEYS)) {
    const keyNode = view.keyNode(key);
    if (keyNode === undefined || ctx.task === undefined || ctx.task === task) continue;
    r.sink.at(keyNode, view.get(key)!.pointer, `\`${key}\` applies only to ${task} services`);
    ok = false;
  }
  const budgetAt = view.require('dailyBudget', ': how many requests to send to labelers per UTC day');
  let dailyBudget = budgetAt === undefined ? undefined : r.integer(budgetAt, 1);
  if (dailyBudget !== undefined && dailyBudget > MAX_DAILY_BUDGET) {
    r.report(budgetAt!, `must be at most ${MAX_DAILY_BUDGET}, got ${dailyBudget}`);
    dailyBudget = undefined;
  }
  const favourUncertain = unit(r, view.get('favourUncertain'), LABELING_DEFAULTS.favourUncertain);
  const overlap = unit(r, view.get('overlap'), LABELING_DEFAULTS.overlap);
  const leaseAt = view.get('lease');
  const leaseMs = leaseAt === undefined ? parseDuration(LABELING_DEFAULTS.lease)! : r.duration(leaseAt);
  const stratifyBy = readStratifyBy(r, view, ctx);
  const rubric = readRubric(r, view, ctx);
  const maxOf = (key: string, dflt: number): number | undefined => {
    const a = view.get(key);
    return a === undefined || ctx.task !== TASK_KEYS[key] ? dflt : r.integer(a, 1);
  };
  const rubricMax = maxOf('rubricMax', LABELING_DEFAULTS.rubricMax);
  const gradeMax = maxOf('gradeMax', LABELING_DEFAULTS.gradeMax);
  if (!ok || !stratifyBy.ok || !rubric.ok || dailyBudget === undefined || favourUncertain === undefined || overlap === undefined
    || leaseMs === undefined || stratifyBy.value === undefined || rubric.value === undefined || rubricMax === undefined || gradeMax === undefined) {
    return { ok: false, value: undefined };
  }
  return { ok: true, value: { dailyBudget, favourUncertain, overlap, leaseMs, stratifyBy: stratifyBy.value, rubric: rubric.value, rubricMax, gradeMax } };
}
