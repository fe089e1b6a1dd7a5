import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge } from '../../../src/core/verdict.ts';
import type { VerdictRule } from '../../../src/core/spec.ts';
import { computeRegression } from '../../../src/core/quality-metrics/compute.ts';
import { verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { Z95 } from '../../../src/core/quality-metrics/metric-value.ts';
import { wilson } from '../../../src/core/stats/wilson.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';
import { sumAll, type Judged } from './helpers.ts';

interface Input { y_true: number[]; y_pred: number[]; tolerance: number; tolerance_pct: number }
interface Expected {
  n: number; mae: number; mse: number; rmse: number;
  within_abs: boolean[]; within_abs_count: number; within_abs_rate: number;
  within_rel: boolean[]; within_rel_count: number; within_rel_rate: number;
}
const ref = loadReference<Input, Expected>('regression');
const close = (a: number, b: number, what: string): void => assertClose(a, b, 1e-9, 1e-12, what);

function requests(c: Input): Judged[] {
  return c.y_true.map((t, i) => ({ prediction: { kind: 'value', value: c.y_pred[i]! }, payload: { kind: 'value', value: t }, weight: 1 }));
}

test('regression.json: MAE, MSE, RMSE and within-tolerance rates (absolute and relative) to 1e-9', () => {
  assert.equal(ref.cases.length, 8);
  for (const c of ref.cases) {
    const abs: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: c.input.tolerance } };
    const rel: VerdictRule = { task: 'regression', tolerance: { kind: 'relative', pct: c.input.tolerance_pct } };
    const r = computeRegression(sumAll(abs, requests(c.input)));
    const e = c.expected;
    assert.equal(r.n, e.n);
    close(r.mae.value, e.mae, `${c.name} mae`);
    close(r.mse.value, e.mse, `${c.name} mse`);
    close(r.rmse.value, e.rmse, `${c.name} rmse`);
    close(r.mae.weighted!, e.mae, `${c.name} weighted mae (unit weights)`);
    assert.equal(Math.round(r.withinTolerance.value * r.n), e.within_abs_count, c.name);
    close(r.withinTolerance.value, e.within_abs_rate, `${c.name} within abs`);
    assert.deepEqual(r.withinTolerance.interval, wilson(e.within_abs_count, e.n));
    const rr = computeRegression(sumAll(rel, requests(c.input)));
    close(rr.withinTolerance.value, e.within_rel_rate, `${c.name} within rel`);
    // Per request, `within` agrees with the verdict and with the reference flags.
    requests(c.input).forEach((q, i) => {
      for (const [rule, flags] of [[abs, e.within_abs], [rel, e.within_rel]] as const) {
        const w = (verdictSums(rule, q.prediction, q.payload, 1)['within']?.[0] ?? 0) === 1;
        assert.equal(w, flags[i], `${c.name}[${i}]`);
        assert.equal(w, judge(rule, q.prediction, q.payload), `${c.name}[${i}] judge`);
      }
    });
  }
});

test('MAE interval from Σ|e|, Σe²; RMSE interval = sqrt of the MSE interval (from Σe², Σe⁴)', () => {
  const c = ref.cases.find((x) => x.name === 'typical_n50')!.input;
  const rule: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: c.tolerance } };
  const r = computeRegression(sumAll(rule, requests(c)));
  const errs = c.y_true.map((t, i) => c.y_pred[i]! - t);
  const n = errs.length;
  const meanCi = (xs: number[]): [number, number] => {
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    return [Math.max(0, m - Z95 * sd / Math.sqrt(n)), m + Z95 * sd / Math.sqrt(n)];
  };
  const [maeLo, maeHi] = meanCi(errs.map(Math.abs));
  close(r.mae.interval!.lower, maeLo, 'mae lower');
  close(r.mae.interval!.upper, maeHi, 'mae upper');
  const [mseLo, mseHi] = meanCi(errs.map((e) => e * e));
  close(r.rmse.interval!.lower, Math.sqrt(mseLo), 'rmse lower');
  close(r.rmse.interval!.upper, Math.sqrt(mseHi), 'rmse upper');
  assert.ok(r.rmse.interval!.lower <= r.rmse.value && r.rmse.value <= r.rmse.interval!.upper);
});

test('weighted MAE and RMSE are Σw·x / Σw', () => {
  const rule: VerdictRule = { task: 'regression', tolerance: { kind: 'absolute', value: 1 } };
  const r = computeRegression(sumAll(rule, [
    { prediction: { kind: 'value', value: 3 }, payload: { kind: 'value', value: 1 }, weight: 1 },
    { prediction: { kind: 'value', value: 1 }, payload: { kind: 'value', value: 1 }, weight: 3 },
  ]));
  assert.equal(r.mae.value, 1);
  assert.equal(r.mae.weighted, 0.5);
  assert.equal(r.rmse.weighted, 1);
  assert.equal(r.withinTolerance.weighted, 0.75);
});
