/**
 * Quality objectives on aggregate metrics (DESIGN §2.5, e.g. `precision[fraud] >= 0.90`), judged with
 * the metric's interval so that sampling noise neither pages nor hides a real miss.
 *
 * Higher-is-better metrics (everything but MAE and RMSE; the target is a floor):
 *   violated  interval.upper < target   — even the optimistic end misses: the miss is significant;
 *   met       value ≥ target            — the point estimate meets it;
 *   at_risk   value < target ≤ upper    — below target, but not significantly (more labels will tell).
 * Lower-is-better metrics (MAE, RMSE; the target is a ceiling), mirrored:
 *   violated  interval.lower > target;  met  value ≤ target;  at_risk  value > target ≥ lower.
 * Metrics without an interval (F1, macro averages) are judged on the point estimate: met or violated.
 * `insufficient` when the metric is absent or rests on fewer than `minSamples` requests; no alert
 * should fire on it.
 */
import type { QualityObjective } from '../spec.ts';
import type { Interval } from '../stats/wilson.ts';
import type { QualityMetricsReport } from './compute.ts';
import type { MetricValue } from './metric-value.ts';

export type ObjectiveStatus = 'met' | 'at_risk' | 'violated' | 'insufficient';
export type Direction = 'higher_is_better' | 'lower_is_better';

export interface ObjectiveResult {
  readonly metric: QualityObjective['metric'];
  readonly class?: QualityObjective['class'];
  readonly score?: string;
  /** Readable name, e.g. `precision[fraud]`, `ndcg@10`, `score_mean[factuality]`. */
  readonly name: string;
  readonly target: number;
  readonly value: number | undefined;
  readonly interval: Interval | undefined;
  readonly n: number;
  readonly status: ObjectiveStatus;
  readonly direction: Direction;
}

export function objectiveDirection(metric: QualityObjective['metric']): Direction {
  return metric === 'mae' || metric === 'rmse' ? 'lower_is_better' : 'higher_is_better';
}

/**
 * The metric an objective refers to: `precision`/`recall`/`f1` per class when `class` is set, else the
 * macro average; ranking metrics at the spec's k (`mrr` is the plain MRR); `score_mean`/`pass_rate` of
 * `score` (`pass_rate` without a score is the share passing every criterion). Undefined when the
 * report's task has no such metric or the class/score never occurred.
 */
export function findMetric(obj: QualityObjective, metrics: QualityMetricsReport): { name: string; value: MetricValue | undefined } {
  const cls = obj.class === undefined ? '' : `[${String(obj.class)}]`;
  switch (metrics.task) {
    case 'classification': {
      if (obj.metric === 'accuracy') return { name: 'accuracy', value: metrics.accuracy };
      if (obj.metric !== 'precision' && obj.metric !== 'recall' && obj.metric !== 'f1') break;
      if (obj.class === undefined) return { name: `${obj.metric}[macro]`, value: metrics.macro[obj.metric] };
      const c = metrics.perClass.find((p) => p.label === obj.class);
      return { name: `${obj.metric}${cls}`, value: c?.[obj.metric] };
    }
    case 'ranking': {
      const at = metrics.atK.find((a) => a.k === metrics.k);
      switch (obj.metric) {
        case 'hit': return { name: `hit@${metrics.k}`, value: at?.hit };
        case 'precision_at_k': return { name: `precision@${metrics.k}`, value: at?.precision };
        case 'recall_at_k': return { name: `recall@${metrics.k}`, value: at?.recall };
        case 'ndcg': return { name: `ndcg@${metrics.k}`, value: at?.ndcg };
        case 'mrr': return { name: 'mrr', value: metrics.mrr };
        default: break;
      }
      break;
    }
    case 'regression':
      if (obj.metric === 'mae') return { name: 'mae', value: metrics.mae };
      if (obj.metric === 'rmse') return { name: 'rmse', value: metrics.rmse };
      if (obj.metric === 'within_tolerance') return { name: 'within_tolerance', value: metrics.withinTolerance };
      break;
    case 'generative': {
      if (obj.metric === 'pass_rate' && obj.score === undefined) return { name: 'pass_rate', value: metrics.pass };
      if (obj.metric !== 'score_mean' && obj.metric !== 'pass_rate') break;
      const s = metrics.scores.find((x) => x.name === obj.score);
      const name = `${obj.metric}[${obj.score ?? ''}]`;
      return { name, value: obj.metric === 'score_mean' ? s?.mean : s?.passRate };
    }
  }
  return { name: `${obj.metric}${cls}`, value: undefined };
}

export function evaluateObjective(obj: QualityObjective, metrics: QualityMetricsReport, minSamples: number): ObjectiveResult {
  const direction = objectiveDirection(obj.metric);
  const { name, value: m } = findMetric(obj, metrics);
  const head = {
    metric: obj.metric,
    ...(obj.class === undefined ? {} : { class: obj.class }),
    ...(obj.score === undefined ? {} : { score: obj.score }),
    name,
    target: obj.target,
    direction,
  };
  if (m === undefined || m.n < minSamples || m.n === 0) {
    return { ...head, value: m?.value, interval: m?.interval, n: m?.n ?? 0, status: 'insufficient' };
  }
  return { ...head, value: m.value, interval: m.interval, n: m.n, status: objectiveStatus(m.value, m.interval, obj.target, direction) };
}

export function objectiveStatus(value: number, interval: Interval | undefined, target: number, direction: Direction): ObjectiveStatus {
  if (direction === 'higher_is_better') {
    if (value >= target) return 'met';
    if (interval === undefined) return 'violated';
    return interval.upper < target ? 'violated' : 'at_risk';
  }
  if (value <= target) return 'met';
  if (interval === undefined) return 'violated';
  return interval.lower > target ? 'violated' : 'at_risk';
}
