/**
 * `spec.quality.objectives`: targets on the aggregate metrics of DESIGN §2.5, overall or per cohort.
 * Ratio metrics are lower bounds in (0, 1]. `mae` and `rmse` are upper bounds in the model's own unit,
 * and `score_mean` a lower bound on the judge's scale, so their targets only need to be positive.
 */
import type { QualityMetric, QualityObjective, Task } from '../core/spec.ts';
import { listOf } from './suggest.ts';
import type { At, Reader } from './yaml-reader.ts';

interface MetricRule {
  readonly task: Task;
  /** precision/recall/f1: a `class` for one class, none for the macro average. */
  readonly takesClass: boolean;
  /** score_mean/pass_rate: the outcome score they are computed on. */
  readonly needsScore: boolean;
  readonly target: 'ratio' | 'positive';
}

const c = (takesClass = false): MetricRule => ({ task: 'classification', takesClass, needsScore: false, target: 'ratio' });
const rank: MetricRule = { task: 'ranking', takesClass: false, needsScore: false, target: 'ratio' };
const reg = (target: MetricRule['target']): MetricRule => ({ task: 'regression', takesClass: false, needsScore: false, target });
const gen = (target: MetricRule['target']): MetricRule => ({ task: 'generative', takesClass: false, needsScore: true, target });

export const METRIC_RULES: Readonly<Record<QualityMetric, MetricRule>> = {
  accuracy: c(), precision: c(true), recall: c(true), f1: c(true),
  hit: rank, precision_at_k: rank, recall_at_k: rank, ndcg: rank, mrr: rank,
  mae: reg('positive'), rmse: reg('positive'), within_tolerance: reg('ratio'),
  score_mean: gen('positive'), pass_rate: gen('ratio'),
};

const METRICS = Object.keys(METRIC_RULES) as QualityMetric[];
const OBJECTIVE_KEYS = ['metric', 'class', 'score', 'target', 'perCohort'] as const;

export interface ObjectivesRead {
  readonly objectives: QualityObjective[] | undefined;
  /** Whether any entry asks for per-cohort evaluation, valid or not (so tier checks do not pile on). */
  readonly anyPerCohort: boolean;
}

export function readQualityObjectives(r: Reader, at: At, task: Task | undefined): ObjectivesRead {
  const items = r.list(at);
  if (items === undefined) return { objectives: undefined, anyPerCohort: false };
  const out: QualityObjective[] = [];
  const seen = new Set<string>();
  let ok = true;
  let anyPerCohort = false;
  for (const item of items) {
    const view = r.map(item, OBJECTIVE_KEYS);
    if (view === undefined) { ok = false; continue; }
    const pcAt = view.get('perCohort');
    const perCohort = pcAt === undefined ? false : r.boolean(pcAt);
    if (pcAt !== undefined && r.scalar(pcAt) === true) anyPerCohort = true;
    const metricAt = view.require('metric');
    const metric = metricAt === undefined ? undefined : r.oneOf(metricAt, METRICS);
    const rule = metric === undefined ? undefined : METRIC_RULES[metric];
    if (metric !== undefined && rule !== undefined && task !== undefined && rule.task !== task) {
      const fitting = METRICS.filter((m) => METRIC_RULES[m].task === task);
      r.report(metricAt!, `\`${metric}\` is a ${rule.task} metric; a ${task} service can use ${listOf(fitting)}`);
      ok = false;
    }
    const classAt = view.get('class');
    let cls: string | number | undefined;
    if (classAt !== undefined) {
      const v = r.scalar(classAt);
      if (rule !== undefined && !rule.takesClass) {
        r.report(classAt, 'only precision, recall and f1 take a `class`');
        ok = false;
      } else if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isSafeInteger(v))) cls = v;
      else {
        r.report(classAt, 'must be a label: a string or an integer');
        ok = false;
      }
    }
    const scoreAt = view.get('score');
    let score: string | undefined;
    if (scoreAt !== undefined && rule !== undefined && !rule.needsScore) {
      r.report(scoreAt, 'only score_mean and pass_rate take a `score`');
      ok = false;
    } else if (scoreAt !== undefined) score = r.string(scoreAt);
    else if (rule?.needsScore === true) view.require('score', `: \`${metric!}\` is computed on one outcome score, such as \`factuality\``);
    if (scoreAt !== undefined && score === undefined) ok = false;
    const targetAt = view.require('target');
    let target = targetAt === undefined ? undefined : r.number(targetAt);
    if (target !== undefined && rule !== undefined) {
      const fits = rule.target === 'ratio' ? target > 0 && target <= 1 : target > 0;
      if (!fits) {
        r.report(targetAt!, rule.target === 'ratio' ? `must be greater than 0 and at most 1, got ${target}` : `must be greater than 0, got ${target}`);
        target = undefined;
      }
    }
    if (metric === undefined || target === undefined || perCohort === undefined || (rule?.needsScore === true && score === undefined)) { ok = false; continue; }
    const key = JSON.stringify([metric, cls ?? null, score ?? null, perCohort]);
    if (seen.has(key)) {
      r.report(item, `duplicate objective: \`${metric}\`${cls === undefined ? '' : ` for class \`${cls}\``}${score === undefined ? '' : ` on \`${score}\``} is already set${perCohort ? ' per cohort' : ''}`);
      ok = false;
      continue;
    }
    seen.add(key);
    out.push({ metric, ...(cls === undefined ? {} : { class: cls }), ...(score === undefined ? {} : { score }), target, perCohort });
  }
  return { objectives: ok ? out : undefined, anyPerCohort };
}
