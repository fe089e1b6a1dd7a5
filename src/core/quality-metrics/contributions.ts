/**
 * Per-request metric contributions (DESIGN §2.5; docs/quality-metrics.md lists every key).
 *
 * A rollup cell keeps `MetricSums`: name → [Σx, Σw·x] with w = 1/samplingProb. This module defines the
 * x of ONE request; compute.ts turns merged sums back into metrics. Everything is a plain sum, so cells
 * merge, and a superseded verdict is undone, by addition (`addSums(cell, old, -1)`).
 *
 * Conventions:
 * - a key that is absent means Σx = 0: contributions omit zero-valued keys (except `n`), so cells stay
 *   sparse;
 * - every non-empty contribution has `n` = [1, w]: the number (and Σw) of requests the metrics are
 *   over. It is kept here rather than borrowed from QualityAcc.judged, which also counts verdicts whose
 *   payload carries no metric (feedback proxies);
 * - `<name>^2` holds the squares x² of a non-binary metric (for the variance of its mean).
 */
import type { Label, OutcomePayload, Prediction } from '../event.ts';
import { evaluateCondition } from '../input-class.ts';
import type { MetricSums } from '../rollup.ts';
import type { Comparison, Condition, VerdictRule } from '../spec.ts';

/** Cut-offs always reported for ranking; the spec's own k is added (rankingKs). */
export const RANKING_KS: readonly number[] = [1, 3, 5, 10];

/** RANKING_KS with the spec's k, sorted ascending without duplicates. */
export function rankingKs(ruleK: number): number[] {
  if (!(Number.isInteger(ruleK) && ruleK >= 1)) throw new RangeError(`rankingKs: k = ${ruleK} is not a positive integer`);
  return [...new Set([...RANKING_KS, ruleK])].sort((a, b) => a - b);
}

/**
 * Separator of confusion keys: `cm␀<JSON truth>␀<JSON pred>`. JSON.stringify escapes every control
 * character inside strings (U+0000 becomes the six characters `\u0000`) and numbers never contain it,
 * so U+0000 cannot occur in an encoded label and the key splits unambiguously. JSON keeps 1 and "1"
 * apart (`1` vs `"1"`).
 */
export const CM_SEP = '\u0000';
const CM_PREFIX = `cm${CM_SEP}`;

export function confusionKey(truth: Label, pred: Label): string {
  return `${CM_PREFIX}${JSON.stringify(truth)}${CM_SEP}${JSON.stringify(pred)}`;
}

/** The (truth, pred) of a confusion key; undefined for any other key. */
export function parseConfusionKey(key: string): { truth: Label; pred: Label } | undefined {
  if (!key.startsWith(CM_PREFIX)) return undefined;
  const parts = key.slice(CM_PREFIX.length).split(CM_SEP);
  if (parts.length !== 2) return undefined;
  const truth = JSON.parse(parts[0]!) as unknown;
  const pred = JSON.parse(parts[1]!) as unknown;
  if (!isLabel(truth) || !isLabel(pred)) return undefined;
  return { truth, pred };
}

function isLabel(v: unknown): v is Label {
  return typeof v === 'string' || typeof v === 'number';
}

/** Calibration bins: b = min(9, ⌊score·10⌋) for a score in [0, 1]. */
export const CALIBRATION_BINS = 10;

export function calibrationBin(score: number): number {
  return Math.min(CALIBRATION_BINS - 1, Math.floor(score * CALIBRATION_BINS));
}

export function calibrationKey(bin: number, field: 'n' | 'p' | 'pq' | 'good'): string {
  return `cal|${bin}|${field}`;
}

/** Ranking key of metric `name` at cut-off k: `hit@5`, `ndcg@10` … */
export function atK(name: 'hit' | 'precision' | 'recall' | 'ndcg' | 'mrr', k: number): string {
  return `${name}@${k}`;
}

export const SQUARE = '^2';
export const SCORE_PREFIX = 'score:';
export const PASS_PREFIX = 'pass:';
/** `scored:<s>` = [1, w] for each request whose payload has score s: the n of its mean and pass rate. */
export const SCORED_PREFIX = 'scored:';

/** The comparisons of a generative criteria condition on score `name` (paths are relative to `scores`). */
export function criteriaOn(criteria: Condition, name: string): Comparison[] {
  return criteria.all.filter((c) => c.path.length === 1 && c.path[0] === name);
}

/** A probability usable for calibration and CBPE: finite and in [0, 1]. */
function isProbability(x: number | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;
}

/** Builds [x, w·x] entries, dropping zeros. */
class SumsBuilder {
  readonly sums: MetricSums = {};
  constructor(private readonly w: number) {
    this.sums['n'] = [1, w];
  }

  add(key: string, x: number): void {
    if (x === 0) return;
    const cur = this.sums[key];
    if (cur === undefined) this.sums[key] = [x, this.w * x];
    else {
      cur[0] += x;
      cur[1] += this.w * x;
    }
  }

  /** x and x² under `key` and `key^2`. */
  addWithSquare(key: string, x: number): void {
    this.add(key, x);
    this.add(key + SQUARE, x * x);
  }
}

/**
 * The metric contribution of ONE judged request: the deciding outcome's payload against the request's
 * prediction, with weight w = 1/samplingProb. `{}` when the payload does not fit the task (a feedback
 * proxy, a label without a label prediction …). See docs/quality-metrics.md for the keys.
 */
export function verdictSums(
  rule: VerdictRule,
  prediction: Prediction | undefined,
  payload: OutcomePayload,
  weight: number,
): MetricSums {
  if (!(Number.isFinite(weight) && weight > 0)) throw new RangeError(`verdictSums: weight ${weight} is not positive`);
  switch (rule.task) {
    case 'classification': {
      if (payload.kind !== 'label' || prediction?.kind !== 'label') return {};
      const b = new SumsBuilder(weight);
      b.add(confusionKey(payload.label, prediction.label), 1);
      const score = prediction.score;
      if (isProbability(score)) {
        const bin = calibrationBin(score);
        b.add(calibrationKey(bin, 'n'), 1);
        b.add(calibrationKey(bin, 'p'), score);
        b.add(calibrationKey(bin, 'pq'), score * (1 - score));
        b.add(calibrationKey(bin, 'good'), payload.label === prediction.label ? 1 : 0);
      }
      return b.sums;
    }
    case 'ranking': {
      if (payload.kind !== 'relevant' || prediction?.kind !== 'items') return {};
      const b = new SumsBuilder(weight);
      const m = rankingMetrics(prediction.items, payload.relevant, rankingKs(rule.k));
      for (const [k, at] of m.atK) {
        b.add(atK('hit', k), at.hit);
        b.addWithSquare(atK('precision', k), at.precision);
        b.addWithSquare(atK('recall', k), at.recall);
        b.addWithSquare(atK('ndcg', k), at.ndcg);
        b.addWithSquare(atK('mrr', k), at.mrr);
      }
      b.addWithSquare('mrr', m.mrr);
      return b.sums;
    }
    case 'regression': {
      if (payload.kind !== 'value' || prediction?.kind !== 'value') return {};
      const e = prediction.value - payload.value;
      if (!Number.isFinite(e)) return {};
      const abs = Math.abs(e);
      const sq = e * e;
      const b = new SumsBuilder(weight);
      b.add('abs', abs);
      b.add('sq', sq);
      b.add('sq' + SQUARE, sq * sq);
      // The same comparison as verdict.ts judge (and regression.json): equality is within.
      const within = rule.tolerance.kind === 'absolute'
        ? abs <= rule.tolerance.value
        : abs <= (rule.tolerance.pct / 100) * Math.abs(payload.value);
      b.add('within', within ? 1 : 0);
      return b.sums;
    }
    case 'generative': {
      if (payload.kind !== 'scores') return {};
      const b = new SumsBuilder(weight);
      b.add('pass', evaluateCondition(rule.criteria, payload.scores) ? 1 : 0);
      for (const name of Object.keys(payload.scores).sort()) {
        const s = payload.scores[name]!;
        if (typeof s !== 'number' || !Number.isFinite(s)) continue;
        b.add(SCORED_PREFIX + name, 1);
        b.addWithSquare(SCORE_PREFIX + name, s);
        const own = criteriaOn(rule.criteria, name);
        if (own.length > 0) {
          b.add(PASS_PREFIX + name, evaluateCondition({ source: rule.criteria.source, all: own }, payload.scores) ? 1 : 0);
        }
      }
      return b.sums;
    }
  }
}

/**
 * Label-free contribution, added for EVERY ok request at inference time (confidence-based performance
 * estimation): for a label prediction with a score in [0, 1], expected correctness p = score, the
 * predicted label's probability. Weight 1: inference events are not sampled.
 */
export function predictionSums(prediction: Prediction | undefined): MetricSums {
  if (prediction?.kind !== 'label' || !isProbability(prediction.score)) return {};
  const p = prediction.score;
  const pq = p * (1 - p);
  return { 'est|n': [1, 1], 'est|p': [p, p], 'est|pq': [pq, pq] };
}

export interface RankingAtK {
  readonly hit: number;
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly mrr: number;
}

/**
 * Binary-relevance ranking metrics of one query (testdata/reference/README.md, ranking.json):
 * precision@k = (#relevant in top k)/k even when the list is shorter; recall@k over |relevant|;
 * NDCG@k with gain 1 and discount 1/log2(rank + 1), IDCG over min(k, |relevant|) ideal positions;
 * MRR = 1/rank of the first relevant item (MRR@k: 0 when that rank > k). A query without relevant
 * items scores 0 everywhere. A repeated item counts at its first position only.
 */
export function rankingMetrics(
  items: readonly Label[],
  relevant: readonly Label[],
  ks: readonly number[],
): { atK: Map<number, RankingAtK>; mrr: number } {
  const rel = new Set<Label>(relevant);
  const seen = new Set<Label>();
  // hits[i] = 1 when the item at rank i + 1 is relevant (and not a repeat).
  const hits = items.map((item) => {
    const fresh = !seen.has(item);
    seen.add(item);
    return fresh && rel.has(item) ? 1 : 0;
  });
  const firstRank = hits.indexOf(1) + 1; // 0 when none
  const mrr = firstRank > 0 ? 1 / firstRank : 0;
  const out = new Map<number, RankingAtK>();
  for (const k of ks) {
    if (rel.size === 0) {
      out.set(k, { hit: 0, precision: 0, recall: 0, ndcg: 0, mrr: 0 });
      continue;
    }
    let found = 0;
    let dcg = 0;
    const top = Math.min(k, hits.length);
    for (let i = 0; i < top; i++) {
      if (hits[i] === 1) {
        found++;
        dcg += 1 / Math.log2(i + 2);
      }
    }
    let idcg = 0;
    for (let i = 0; i < Math.min(k, rel.size); i++) idcg += 1 / Math.log2(i + 2);
    out.set(k, {
      hit: found > 0 ? 1 : 0,
      precision: found / k,
      recall: found / rel.size,
      ndcg: dcg / idcg,
      mrr: firstRank > 0 && firstRank <= k ? mrr : 0,
    });
  }
  return { atK: out, mrr };
}
