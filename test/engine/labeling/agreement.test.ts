/**
 * Agreement over hand-built overlap sets (memory store): κ and α against testdata/reference/agreement.json
 * (sklearn, and the coincidence formula in numpy) and against values worked out by hand below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ServiceSpec } from '../../../src/core/spec.ts';
import { agreementReport } from '../../../src/engine/labeling/agreement.ts';
import { parseSpec } from '../../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../../src/store/memory/memory-store.ts';
import type { Store } from '../../../src/store/port.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY = 86_400_000;

interface Case { name: string; input: { rater1?: string[]; rater2?: string[]; raters?: Array<Array<string | number | null>> }; expected: any }
const reference = JSON.parse(readFileSync(new URL('../../../testdata/reference/agreement.json', import.meta.url), 'utf8')) as { cases: Case[] };
const ref = (name: string): Case => reference.cases.find((c) => c.name === name)!;

function specOf(name: string, body: string): ServiceSpec {
  const r = parseSpec(`apiVersion: mlslo/v1\nkind: Service\nmetadata: {name: ${name}, owner: o, oncall: s, tier: 2}\nspec: ${body}\n`, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

/**
 * Queues one item per unit (needed = raters) and records, unit by unit in rater order, each rater's
 * label; `prediction` is each unit's request prediction.
 */
async function rated(store: Store, service: string, raters: ReadonlyArray<ReadonlyArray<unknown>>, labelOf: (v: unknown) => object, prediction: (u: number) => object): Promise<void> {
  const units = raters[0]!.length;
  await store.enqueueLabelItems(Array.from({ length: units }, (_, u) => ({
    service, requestId: `r${u}`, day: NOW - DAY, createdAt: NOW - DAY, samplingProb: 1, stratum: '', needed: raters.length,
    request: JSON.stringify({ id: `r${u}`, prediction: prediction(u) }),
  })));
  const items = await store.listLabelItems(service, { fromDay: 0, toDay: NOW, limit: 1000 });
  let at = NOW - 1000;
  for (let u = 0; u < units; u++) {
    for (let r = 0; r < raters.length; r++) {
      const v = raters[r]![u];
      if (v === null) continue;
      const item = items.find((i) => i.requestId === `r${u}`)!;
      const res = await store.recordLabelAction({ itemId: item.id, service, requestId: item.requestId, labeler: `L${r}`, at: at++, action: 'label', label: JSON.stringify(labelOf(v)), note: null }, NOW);
      assert.equal(res.kind, 'ok');
    }
  }
}

test('two labelers on twelve classification items: κ as sklearn computes it, α by hand', async () => {
  const store = createMemoryStore();
  const spec = specOf('clf', '{task: classification}');
  const c = ref('kappa_binary_strings');
  await rated(store, 'clf', [c.input.rater1!, c.input.rater2!], (v) => ({ label: v }), () => ({ label: 'ham' }));
  // A third labeler: one label on an item of its own (not overlap), one skip, one flag.
  await store.enqueueLabelItems(['solo', 'skipped', 'flagged'].map((id) => ({ service: 'clf', requestId: id, day: NOW - DAY, createdAt: NOW - DAY, samplingProb: 1, stratum: '', needed: 2, request: '{}' })));
  const extra = (await store.listLabelItems('clf', { fromDay: 0, toDay: NOW, limit: 100 })).filter((i) => i.request === '{}');
  for (const [i, action] of [[0, 'label'], [1, 'skip'], [2, 'flag']] as const) {
    await store.recordLabelAction({ itemId: extra[i]!.id, service: 'clf', requestId: extra[i]!.requestId, labeler: 'L2', at: NOW - 10, action, label: action === 'label' ? '{"label":"spam"}' : null, note: action === 'flag' ? 'why' : null }, NOW);
  }
  const r = await agreementReport(store, spec, NOW - DAY, NOW);
  const kappa = { value: c.expected.kappa, n: 12, observed: 9 / 12 };
  assert.equal(r.overlapItems, 12);
  assert.ok(Math.abs(r.kappa.value! - kappa.value) < 1e-12);
  assert.deepEqual({ ...r.kappa, value: kappa.value }, kappa);
  // α nominal by hand: 3 of 12 units disagree → o(spam,ham) = o(ham,spam) = 3, n = 24 values, 9 spam and
  // 15 ham. D_o = 6/24 = 0.25, D_e = 2·9·15/(24·23) = 270/552, α = 1 − 0.25·552/270 = 22/45.
  assert.ok(Math.abs(r.alpha.value! - 22 / 45) < 1e-12, String(r.alpha.value));
  assert.deepEqual([r.alpha.units, r.alpha.pairable], [12, 24]);
  assert.deepEqual(r.labelers.map((l) => [l.labeler, l.labels, l.skips, l.flags, l.kappa.n]), [['L0', 12, 0, 0, 12], ['L1', 12, 0, 0, 12], ['L2', 1, 1, 1, 0]]);
  assert.ok(Math.abs(r.labelers[0]!.kappa.value! - kappa.value) < 1e-12);
  assert.deepEqual(r.labelers[2]!.kappa, { value: null, n: 0, observed: 0 });
  // The window leaves out labels given before it.
  assert.equal((await agreementReport(store, spec, NOW - 500, NOW)).overlapItems, 0);
});

test('three labelers with missing labels: α as the reference computes it, κ on each item\'s first two labels by hand', async () => {
  const store = createMemoryStore();
  const spec = specOf('clf3', '{task: classification}');
  const c = ref('string_labels_nominal');
  await rated(store, 'clf3', c.input.raters!, (v) => ({ label: v }), () => ({ label: 'pos' }));
  const r = await agreementReport(store, spec, NOW - DAY, NOW);
  assert.equal(r.overlapItems, 5);
  assert.ok(Math.abs(r.alpha.value! - c.expected.nominal.alpha) < 1e-12);
  assert.deepEqual([r.alpha.units, r.alpha.pairable], [c.expected.nominal.units_pairable, c.expected.nominal.n_pairable_values]);
  // First two labels per item: (pos,pos) (neg,neg) (neu,neu) (pos,pos) (pos,neg) → agreement 4/5;
  // marginals 3/1/1 and 2/2/1 → p_e = (3·2 + 1·2 + 1·1)/25 = 9/25; κ = (0.8 − 0.36)/0.64 = 0.6875.
  assert.ok(Math.abs(r.kappa.value! - 0.6875) < 1e-12);
  assert.deepEqual([r.kappa.n, r.kappa.observed], [5, 0.8]);
  // L0 against the first other label on its items 0, 1, 2, 4: (pos,pos) (neg,neg) (neu,neu) (pos,neg) →
  // p_o = 3/4, marginals 2/1/1 and 1/2/1 → p_e = 5/16; κ = (12/16 − 5/16)/(11/16) = 7/11.
  const l0 = r.labelers.find((l) => l.labeler === 'L0')!;
  assert.ok(Math.abs(l0.kappa.value! - 7 / 11) < 1e-12);
  assert.deepEqual([l0.kappa.n, l0.kappa.observed, l0.labels], [4, 0.75, 4]);
});

test('regression: α on the interval scale; κ on the verdicts', async () => {
  const store = createMemoryStore();
  const spec = specOf('reg', '{task: regression, quality: {tolerance: 0.5}}');
  const c = ref('two_raters_no_missing');
  const [r1, r2] = c.input.raters! as number[][];
  // The model predicted rater 1's values: rater 1 always within tolerance, rater 2 once not (unit 5: 2 vs 1).
  await rated(store, 'reg', [r1!, r2!], (v) => ({ value: v }), (u) => ({ value: r1![u]! }));
  const r = await agreementReport(store, spec, NOW - DAY, NOW);
  assert.ok(Math.abs(r.alpha.value! - c.expected.interval.alpha) < 1e-12);
  // Verdicts: 10 good vs 9 good + 1 bad: p_o = 0.9 and p_e = (10·9 + 0·1)/100 = 0.9, so κ = 0.
  assert.deepEqual(r.kappa, { value: 0, n: 10, observed: 0.9 });
});

test('ranking: the verdict is compared (hit@k of each labeler\'s grades)', async () => {
  const store = createMemoryStore();
  const spec = specOf('rank', '{task: ranking, quality: {k: 1}}');
  // Two items predicted [a, b]: on item 0 both grade a relevant (good, good); on item 1 one grades a, the
  // other only b (good, bad). Nominal α over good/bad: values good×3, bad×1, one disagreeing unit:
  // D_o = 2/4, D_e = 2·3·1/(4·3) = 0.5 → α = 0.
  await rated(store, 'rank', [[[2, 0], [1, 0]], [[3, 0], [0, 2]]], (g) => ({ grades: [{ item: 'a', grade: (g as number[])[0] }, { item: 'b', grade: (g as number[])[1] }] }), () => ({ items: ['a', 'b'] }));
  const r = await agreementReport(store, spec, NOW - DAY, NOW);
  assert.equal(r.alpha.value, 0);
  assert.deepEqual([r.kappa.n, r.kappa.observed], [2, 0.5]);
});
