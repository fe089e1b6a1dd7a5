import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge } from '../../../src/core/verdict.ts';
import { computeRanking } from '../../../src/core/quality-metrics/compute.ts';
import { RANKING_KS, rankingKs, verdictSums } from '../../../src/core/quality-metrics/contributions.ts';
import { Z95 } from '../../../src/core/quality-metrics/metric-value.ts';
import { assertClose, loadReference } from '../../helpers/reference.ts';
import { sumAll, type Judged } from './helpers.ts';

type ByK = Record<string, number>;
interface Query { id: string; predicted: string[]; relevance: Record<string, number> }
interface PerQuery { id: string; hit: ByK; precision: ByK; recall: ByK; ndcg: ByK; mrr_at: ByK; mrr: number }
interface Expected { per_query: PerQuery[]; mean: { hit: ByK; precision: ByK; recall: ByK; ndcg: ByK; mrr_at: ByK; mrr: number } }

const ref = loadReference<{ k: number[]; queries: Query[] }, Expected>('ranking');
const RULE = { task: 'ranking', k: 10 } as const;

/** Binary relevance: the payload carries the relevant set only, so graded NDCG is not comparable. */
function isBinary(c: { name: string; input: { queries: Query[] } }): boolean {
  return c.input.queries.every((q) => Object.values(q.relevance).every((g) => g === 1))
    || c.name === 'edge_cases'; // graded items there are never retrieved in the top 10: NDCG is 0 either way
}

function judged(q: Query): Judged {
  return { prediction: { kind: 'items', items: q.predicted }, payload: { kind: 'relevant', relevant: Object.keys(q.relevance) }, weight: 1 };
}

const close = (a: number, b: number, what: string): void => assertClose(a, b, 1e-9, 1e-12, what);

test('rankingKs adds the spec k to 1, 3, 5, 10', () => {
  assert.deepEqual(RANKING_KS, [1, 3, 5, 10]);
  assert.deepEqual(rankingKs(10), [1, 3, 5, 10]);
  assert.deepEqual(rankingKs(20), [1, 3, 5, 10, 20]);
  assert.deepEqual(rankingKs(4), [1, 3, 4, 5, 10]);
  assert.throws(() => rankingKs(0));
});

test('ranking.json per query: hit, precision, recall, mrr@k, mrr (all cases) and NDCG (binary cases) to 1e-9', () => {
  let queries = 0;
  for (const c of ref.cases) {
    assert.deepEqual(c.input.k, [1, 3, 5, 10]);
    c.input.queries.forEach((q, i) => {
      const e = c.expected.per_query[i]!;
      const s = verdictSums(RULE, judged(q).prediction, judged(q).payload, 1);
      const v = (key: string): number => s[key]?.[0] ?? 0;
      const what = `${c.name}/${q.id}`;
      for (const k of c.input.k) {
        close(v(`hit@${k}`), e.hit[k]!, `${what} hit@${k}`);
        close(v(`precision@${k}`), e.precision[k]!, `${what} precision@${k}`);
        close(v(`recall@${k}`), e.recall[k]!, `${what} recall@${k}`);
        close(v(`mrr@${k}`), e.mrr_at[k]!, `${what} mrr@${k}`);
        close(v(`precision@${k}^2`), e.precision[k]! ** 2, `${what} precision@${k}^2`);
        if (isBinary(c)) close(v(`ndcg@${k}`), e.ndcg[k]!, `${what} ndcg@${k}`);
      }
      close(v('mrr'), e.mrr, `${what} mrr`);
      assert.deepEqual(s['n'], [1, 1]);
      queries++;
    });
  }
  assert.equal(queries, 62);
});

test('ranking.json means from merged sums to 1e-9 (queries without relevant items included)', () => {
  for (const c of ref.cases) {
    const r = computeRanking(sumAll(RULE, c.input.queries.map(judged)), 10);
    const m = c.expected.mean;
    assert.equal(r.n, c.input.queries.length);
    assert.deepEqual(r.atK.map((a) => a.k), [1, 3, 5, 10]);
    for (const a of r.atK) {
      const k = a.k;
      close(a.hit.value, m.hit[k]!, `${c.name} hit@${k}`);
      close(a.precision.value, m.precision[k]!, `${c.name} precision@${k}`);
      close(a.recall.value, m.recall[k]!, `${c.name} recall@${k}`);
      close(a.mrr.value, m.mrr_at[k]!, `${c.name} mrr@${k}`);
      if (isBinary(c)) close(a.ndcg.value, m.ndcg[k]!, `${c.name} ndcg@${k}`);
      close(a.precision.weighted!, m.precision[k]!, `${c.name} weighted precision@${k}`);
    }
    close(r.mrr.value, m.mrr, `${c.name} mrr`);
  }
});

test('mean intervals: mean ± z·s/√n with the n − 1 sample sd, none for n < 2', () => {
  const c = ref.cases.find((x) => x.name === 'random_40_queries_graded')!;
  const r = computeRanking(sumAll(RULE, c.input.queries.map(judged)), 10);
  const xs = c.expected.per_query.map((q) => q.mrr);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  close(r.mrr.interval!.lower, mean - Z95 * sd / Math.sqrt(xs.length), 'mrr lower');
  close(r.mrr.interval!.upper, mean + Z95 * sd / Math.sqrt(xs.length), 'mrr upper');
  const one = computeRanking(sumAll(RULE, [judged(c.input.queries[0]!)]), 10);
  assert.equal(one.mrr.interval, undefined);
  assert.ok(one.atK[0]!.hit.interval !== undefined, 'hit is a proportion: Wilson even for n = 1');
});

test('hit@k at the spec k agrees with the verdict (judge) on every query', () => {
  for (const k of [1, 2, 3, 7, 10]) {
    const rule = { task: 'ranking', k } as const;
    for (const c of ref.cases) {
      for (const q of c.input.queries) {
        const j = judged(q);
        const s = verdictSums(rule, j.prediction, j.payload, 1);
        assert.equal((s[`hit@${k}`]?.[0] ?? 0) === 1, judge(rule, j.prediction, j.payload), `${q.id} k=${k}`);
      }
    }
  }
});

test('a repeated item counts once; items match by type (1 ≠ "1")', () => {
  const s = verdictSums(RULE, { kind: 'items', items: ['a', 'a', 1] }, { kind: 'relevant', relevant: ['a', '1'] }, 1);
  assert.equal(s['precision@3']![0], 1 / 3);
  assert.equal(s['recall@3']![0], 1 / 2);
});
