import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateQuality, hajekQHat, stratifiedQHat } from '../../src/core/quality-estimate.ts';
import { addQuality, createQualityAcc, verdictQuality, type QualityAcc } from '../../src/core/rollup.ts';
import { wilson } from '../../src/core/stats/wilson.ts';
import { assertClose, loadReference } from '../helpers/reference.ts';

interface CInput { labels: string[]; y_true: string[]; y_pred: string[]; sampling_prob?: number[] }
interface CExpected { accuracy: number; hajek_accuracy?: number; sum_weights?: number }

function accOf(good: readonly boolean[], probs?: readonly number[]): QualityAcc {
  const acc = createQualityAcc();
  good.forEach((g, i) => addQuality(acc, verdictQuality(g, 1 / (probs?.[i] ?? 1))));
  return acc;
}

test('Hájek q̂ matches classification.json hajek_accuracy (rel 1e-12)', () => {
  const ref = loadReference<CInput, CExpected>('classification');
  let checked = 0;
  for (const c of ref.cases) {
    const good = c.input.y_true.map((t, i) => t === c.input.y_pred[i]);
    const acc = accOf(good, c.input.sampling_prob);
    const est = estimateQuality(acc, 1);
    assert.equal(est.status, 'ok', c.name);
    if (est.status !== 'ok') continue;
    const want = c.input.sampling_prob === undefined ? c.expected.accuracy : c.expected.hajek_accuracy!;
    assertClose(est.qHat, want, 1e-12, 0, `${c.name} qHat`);
    if (c.expected.sum_weights !== undefined) assertClose(acc.sumW, c.expected.sum_weights, 1e-12, 0, `${c.name} sumW`);
    assert.ok(est.interval.lower <= est.qHat && est.qHat <= est.interval.upper, c.name);
    checked++;
  }
  assert.equal(checked, ref.cases.length);
});

test('with unit weights the interval is exactly the plain Wilson interval and nEff = judged', () => {
  for (const [g, n] of [[0, 7], [3, 30], [29, 30], [30, 30], [81, 263], [999, 1000]] as const) {
    const acc = accOf(Array.from({ length: n }, (_, i) => i < g));
    const est = estimateQuality(acc, 1);
    assert.equal(est.status, 'ok');
    if (est.status !== 'ok') continue;
    assert.equal(est.effectiveN, n);
    assert.deepEqual(est.interval, wilson(g, n));
    assert.equal(est.qHat, g / n);
  }
});

test('Kish effective n shrinks the sample with unequal weights and widens the interval', () => {
  // 10 verdicts with weight 1 and 10 with weight 9: nEff = 100² / (10 + 810) = 12.195…
  const good = Array.from({ length: 20 }, (_, i) => i % 2 === 0);
  const probs = Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 1 / 9));
  const acc = accOf(good, probs);
  const est = estimateQuality(acc, 1);
  assert.equal(est.status, 'ok');
  if (est.status !== 'ok') return;
  assertClose(est.effectiveN, 10000 / 820, 1e-12, 0, 'nEff');
  assertClose(est.qHat, 0.5, 1e-12, 0, 'qHat');
  const plain = wilson(10, 20)!;
  assert.ok(est.interval.upper - est.interval.lower > plain.upper - plain.lower);
});

test('insufficient below minSamples, and with nothing judged', () => {
  const acc = accOf([true, false, true]);
  assert.deepEqual(estimateQuality(acc, 30), { status: 'insufficient', judged: 3 });
  assert.deepEqual(estimateQuality(createQualityAcc(), 0), { status: 'insufficient', judged: 0 });
  assert.equal(estimateQuality(acc, 3).status, 'ok');
  assert.equal(hajekQHat(createQualityAcc()), undefined);
});

test('all good → upper exactly 1; all bad → lower exactly 0 (weighted)', () => {
  const probs = [1, 0.5, 0.25, 0.1];
  const allGood = estimateQuality(accOf([true, true, true, true], probs), 1);
  const allBad = estimateQuality(accOf([false, false, false, false], probs), 1);
  assert.ok(allGood.status === 'ok' && allGood.interval.upper === 1 && allGood.qHat === 1);
  assert.ok(allBad.status === 'ok' && allBad.interval.lower === 0 && allBad.qHat === 0);
});

test('stratified q̂ = Σ (ok_c / ok)·q̂_c, strata without verdicts borrow the pooled q̂', () => {
  const eu = accOf([true, true, true, false]); // 0.75
  const us = accOf([true, false]); // 0.5
  const pooled = createQualityAcc();
  addQuality(pooled, eu);
  addQuality(pooled, us); // 4/6
  const q = stratifiedQHat([{ ok: 600, acc: eu }, { ok: 300, acc: us }, { ok: 100, acc: createQualityAcc() }], pooled);
  // 0.6·0.75 + 0.3·0.5 + 0.1·(4/6) = 0.45 + 0.15 + 0.0666…
  assertClose(q!, 0.45 + 0.15 + 0.1 * (4 / 6), 1e-15, 0, 'stratified');
  assert.equal(stratifiedQHat([{ ok: 10, acc: eu }], createQualityAcc()), undefined);
  assert.equal(stratifiedQHat([], pooled), undefined);
});
