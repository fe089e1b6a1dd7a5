/**
 * Rollup cells: the mergeable sufficient statistics kept per service × model × cohort value × time
 * bucket (DESIGN §4). A report merges cells and never reads events. Every field is a sum, so cells
 * merge by addition in any order and grouping (checked by a property test).
 */
import { createSketch, mergeSketch, type LatencySketch } from './latency-sketch.ts';

/** Quality sufficient statistics over judged ok requests; w = 1 / samplingProb (Hájek, §2.4). */
export interface QualityAcc {
  judged: number;
  good: number;
  sumW: number;
  sumW2: number;
  sumWGood: number;
}

/** Latency of ok requests of one input class. */
export interface ClassAcc {
  ok: number;
  fast: number;
  sketch: LatencySketch;
}

export interface RollupCell {
  /** Every inference event, excluded error types included. */
  total: number;
  /** Events whose error type the spec excludes (not eligible). */
  excluded: number;
  ok: number;
  /** Eligible errors by error type. */
  errors: Record<string, number>;
  classes: Record<string, ClassAcc>;
  quality: QualityAcc;
  /** Metric contributions of the cell's judged requests and label-free estimates (MetricSums). */
  sums: MetricSums;
}

export function createQualityAcc(): QualityAcc {
  return { judged: 0, good: 0, sumW: 0, sumW2: 0, sumWGood: 0 };
}

export function createCell(): RollupCell {
  return { total: 0, excluded: 0, ok: 0, errors: {}, classes: {}, quality: createQualityAcc(), sums: {} };
}

export function eligible(c: RollupCell): number {
  return c.total - c.excluded;
}

export function okFast(c: RollupCell): number {
  let n = 0;
  for (const k in c.classes) n += c.classes[k]!.fast;
  return n;
}

export function errorCount(c: RollupCell): number {
  let n = 0;
  for (const k in c.errors) n += c.errors[k]!;
  return n;
}

export function classAcc(c: RollupCell, name: string): ClassAcc {
  let acc = c.classes[name];
  if (acc === undefined) {
    acc = { ok: 0, fast: 0, sketch: createSketch() };
    c.classes[name] = acc;
  }
  return acc;
}

/** Adds `d` (which may hold negative deltas) into `into`. */
export function addQuality(into: QualityAcc, d: QualityAcc): void {
  into.judged += d.judged;
  into.good += d.good;
  into.sumW += d.sumW;
  into.sumW2 += d.sumW2;
  into.sumWGood += d.sumWGood;
}

export function negateQuality(d: QualityAcc): QualityAcc {
  return { judged: -d.judged, good: -d.good, sumW: -d.sumW, sumW2: -d.sumW2, sumWGood: -d.sumWGood };
}

/** The contribution of one verdict: good or bad, with weight w = 1 / samplingProb. */
export function verdictQuality(good: boolean, weight: number): QualityAcc {
  return { judged: 1, good: good ? 1 : 0, sumW: weight, sumW2: weight * weight, sumWGood: good ? weight : 0 };
}

/** Merges `from` into `into` (mutates `into`; `from` is left as it was). */
export function mergeCell(into: RollupCell, from: RollupCell): void {
  into.total += from.total;
  into.excluded += from.excluded;
  into.ok += from.ok;
  for (const k in from.errors) into.errors[k] = (into.errors[k] ?? 0) + from.errors[k]!;
  for (const k in from.classes) {
    const src = from.classes[k]!;
    const dst = classAcc(into, k);
    dst.ok += src.ok;
    dst.fast += src.fast;
    mergeSketch(dst.sketch, src.sketch);
  }
  addQuality(into.quality, from.quality);
  addSums(into.sums, from.sums);
}

/**
 * Named sums of per-request metric contributions (issue 3: confusion counts, hit@k, absolute errors,
 * generative scores, calibration bins …): name → [Σx, Σw·x] with w = 1/samplingProb. Plain sums, so
 * they merge, and a verdict change is undone, by addition like every other field of a cell.
 */
export type MetricSums = Record<string, [number, number]>;

/** Adds `d` (scaled by `sign`) into `into`; entries that become exactly zero are dropped. */
export function addSums(into: MetricSums, d: Readonly<MetricSums>, sign = 1): void {
  for (const k in d) {
    const [x, wx] = d[k]!;
    const cur = into[k];
    if (cur === undefined) into[k] = [sign * x, sign * wx];
    else {
      cur[0] += sign * x;
      cur[1] += sign * wx;
      if (cur[0] === 0 && cur[1] === 0) delete into[k];
    }
  }
}
