/**
 * Human labeling through real HTTP and SQLite (DESIGN §2.4, §2.8; docs/labeling.md): the sampler's
 * weights keep the quality estimate honest, the queue's leases, overlap, skip and flag, labels becoming
 * human outcomes, and which keys may do what.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.ts';
import { call, labelItems } from '../helpers/labeling.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: pop, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  quality: {minSamples: 100}
  cohorts: [region]
  labeling: {dailyBudget: 300, overlap: 0}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: q, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  quality: {minSamples: 2}
  cohorts: [region]
  labeling: {dailyBudget: 10, overlap: 0.5, lease: 10m}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: nolabel, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const YESTERDAY = Date.parse('2026-11-27T00:00:00Z');
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();
/** The public id of a key `mlslo_<id>_<secret>`: the labeler's name in actions and outcomes. */
const keyId = (key: string): string => key.split('_')[1]!;

let s: TestServer;
let admin: string;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW);
  admin = await s.key('admin');
  read = await s.key('read');
});
after(async () => {
  await s.stop();
});

async function post(items: unknown[]): Promise<void> {
  for (let i = 0; i < items.length; i += 5000) {
    const r = await s.post(JSON.stringify(items.slice(i, i + 5000)), admin);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rejected, []);
  }
}

const inference = (service: string, id: string, ts: number, region: string) => ({
  kind: 'inference', id, service, ts: iso(ts), latencyMs: 20, status: 'ok', cohort: { region },
  prediction: { label: 'yes', score: 0.8, probabilities: { yes: 0.8, no: 0.2 } },
});

describe('the sampler\'s weights', () => {
  /**
   * Region big: 4000 requests, every 20th wrong (3800 right, accuracy 0.95). Region small: 400
   * requests, 2 of every 5 wrong (240 right, 0.60). True quality = (3800 + 240) / 4400 = 0.91818….
   */
  const truth = new Map<string, string>();
  const population: unknown[] = [];
  for (let i = 0; i < 4000; i++) {
    const id = `big-${i}`;
    truth.set(id, i % 20 === 0 ? 'no' : 'yes');
    population.push(inference('pop', id, YESTERDAY + i * 15_000, 'big'));
  }
  for (let i = 0; i < 400; i++) {
    const id = `small-${i}`;
    truth.set(id, i % 5 >= 3 ? 'no' : 'yes');
    population.push(inference('pop', id, YESTERDAY + i * 15_000 + 7_000, 'small'));
  }
  const TRUE_QUALITY = (3800 + 240) / 4400;

  test('with stratified, unequal sampling the weighted quality estimate recovers the true quality of a synthetic population within its interval, where the unweighted one does not', async () => {
    await post(population);
    const sample = await call(s, 'POST', '/v1/services/pop/labeling/sample?day=2026-11-27', admin);
    assert.equal(sample.status, 200, JSON.stringify(sample.json));
    // Budget 300, minSamples 100, nothing labelled yet: each region first gets its 100 (topUp), the
    // remaining 100 go by size 4000 : 400 → 90.9 and 9.1, rounded by largest remainder to 91 and 9.
    // So π = 191/4000 = 0.04775 in big and 109/400 = 0.2725 in small: small is oversampled 5.7×.
    assert.deepEqual(sample.json, {
      service: 'pop', day: '2026-11-27', candidates: 4400, queued: 300,
      allocation: [
        { stratum: 'big', size: 4000, alreadyLabelled: 0, topUp: 100, proportional: 91, draw: 191 },
        { stratum: 'small', size: 400, alreadyLabelled: 0, topUp: 100, proportional: 9, draw: 109 },
      ],
    });
    const queued = await labelItems(s, 'pop');
    assert.equal(queued.length, 300);
    for (const item of queued) {
      assert.equal(item.samplingProb, item.stratum === 'big' ? 191 / 4000 : 109 / 400, item.requestId);
      assert.equal(item.needed, 1);
      assert.equal(item.stratum, item.requestId.split('-')[0]);
    }

    // A labeler labels the first 120 through the queue (each becomes a human outcome with samplingProb π) …
    const labeler = await s.key('labeler', 'pop');
    for (let n = 0; n < 120; n++) {
      const lease = await call(s, 'POST', '/v1/labeling/lease', labeler, {});
      assert.equal(lease.status, 200);
      const item = lease.json.item;
      const r = await call(s, 'POST', `/v1/labeling/items/${item.id}/label`, labeler, { label: truth.get(item.requestId) });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    // … and an external tool posts the other 180 as outcome events carrying the item's π.
    const rest = (await labelItems(s, 'pop')).filter((i) => i.labels === 0);
    assert.equal(rest.length, 180);
    await post(rest.map((i) => ({
      kind: 'outcome', requestId: i.requestId, service: 'pop', ts: iso(NOW), source: 'human', label: truth.get(i.requestId), samplingProb: i.samplingProb,
    })));

    const q = await s.get('/v1/services/pop/quality?window=7d', read);
    assert.equal(q.status, 200);
    const { qHat, interval, judged, metrics } = q.json.overall;
    assert.equal(judged, 300);
    const unweighted = metrics.accuracy.value;
    // Why this cannot pass by luck: the seed is fixed (service and day), so the draw is the same on
    // every run. Over the sampler's random draws (2,000 seeds, simulated with core/labeling/sampler.ts)
    // the truth lies in the Hájek interval in 98% of them (the Kish effective n ≈ 227 makes it a bit
    // conservative), while the unweighted accuracy is biased by about −0.095 (≈ 0.823 expected: the
    // 0.60 region is 36% of the sample but 9% of the traffic) — over 5 of its standard errors — and fell
    // below the interval in every one of the 2,000 draws.
    assert.ok(interval.lower <= TRUE_QUALITY && TRUE_QUALITY <= interval.upper, `true ${TRUE_QUALITY} outside [${interval.lower}, ${interval.upper}] (q̂ ${qHat})`);
    assert.ok(Math.abs(qHat - TRUE_QUALITY) < 0.03, `q̂ ${qHat}`);
    assert.ok(unweighted < interval.lower, `unweighted ${unweighted} inside [${interval.lower}, ${interval.upper}]`);
    assert.ok(TRUE_QUALITY - unweighted > 0.05, `unweighted ${unweighted}`);
    assert.ok(Math.abs(metrics.accuracy.weighted - qHat) < 1e-9, 'the weighted accuracy is q̂');
  });
});

describe('the queue', () => {
  // 20 requests yesterday; budget 10 of 20, so π = 0.5; overlap 0.5 (by a hash of the request id).
  const truth = new Map<string, string>();
  const traffic: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `q-${i}`;
    truth.set(id, i % 3 === 0 ? 'no' : 'yes');
    traffic.push(inference('q', id, YESTERDAY + i * MIN, 'eu'));
  }
  let l1: string;
  let l2: string;
  let l3: string;
  const lease = async (key: string): Promise<any> => {
    const r = await call(s, 'POST', '/v1/labeling/lease', key, { service: 'q' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.item;
  };
  const act = (key: string, id: string, action: string, body: unknown = {}) => call(s, 'POST', `/v1/labeling/items/${id}/${action}`, key, body);
  const judgedQ = async (): Promise<number> => (await s.get('/v1/services/q/quality?window=7d', read)).json.overall.judged;

  before(async () => {
    l1 = await s.key('labeler', 'q');
    l2 = await s.key('labeler', 'q');
    l3 = await s.key('labeler', 'q');
    await post(traffic);
    const r = await call(s, 'POST', '/v1/services/q/labeling/sample', admin);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    // Without `day`: yesterday.
    assert.equal(r.json.day, '2026-11-27');
    assert.equal(r.json.queued, 10);
    const items = await labelItems(s, 'q');
    assert.ok(items.some((i) => i.needed === 2) && items.some((i) => i.needed === 1), 'the overlap share gives both kinds of item');
    assert.ok(items.every((i) => i.samplingProb === 0.5));
  });

  test('leases are exclusive and expire; a label becomes a human outcome; a retried submit is a duplicate', async () => {
    const queues = await call(s, 'GET', '/v1/labeling/queues', l1);
    assert.deepEqual(queues.json, { queues: [{ service: 'q', task: 'classification', open: 10, available: 10, done: 0, flagged: 0 }] });

    const a = await lease(l1);
    const items = await labelItems(s, 'q');
    assert.equal(a.id, items[0]!.id, 'the oldest item first');
    assert.deepEqual(a.form, { kind: 'class', classes: ['no', 'yes'] });
    assert.equal(a.remaining, 9);
    assert.equal(a.leasedUntil, iso(s.clock + 10 * MIN));
    assert.deepEqual(Object.keys(a.request).sort(), ['cohort', 'features', 'id', 'input', 'model', 'prediction', 'service', 'ts']);
    assert.equal(a.request.id, a.requestId);
    assert.equal((await lease(l1)).id, a.id, 'leasing again returns the item already held');
    const b = await lease(l2);
    assert.notEqual(b.id, a.id, 'another labeler never gets a held item');
    assert.equal((await call(s, 'GET', '/v1/labeling/queues', l2)).json.queues[0].available, 9, 'a is held by l1');

    const taken = await act(l2, a.id, 'label', { label: 'yes' });
    assert.equal(taken.status, 409);
    assert.equal(taken.json.error.code, 'MLSLO_ERR_LABEL_CONFLICT');

    // Validation comes first, with every problem and its JSON pointer.
    const bad = await act(l2, b.id, 'label', { value: 3 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'MLSLO_ERR_LABEL_INVALID');
    assert.deepEqual(bad.json.error.details.problems.map((p: { path: string }) => p.path), ['/value', '/label']);
    assert.deepEqual((await act(l2, b.id, 'label', { label: 1.5 })).json.error.details.problems.map((p: { path: string }) => p.path), ['/label']);
    assert.equal((await act(l2, 'no-such-item', 'label', { label: 'yes' })).status, 404);

    assert.equal(await judgedQ(), 0);
    s.clock += 11 * MIN;
    assert.equal((await lease(l2)).id, a.id, 'after expiry the oldest item is free again, and l2 no longer holds b');
    assert.equal((await act(l1, a.id, 'label', { label: 'yes' })).status, 409, 'l1 lost the item when its lease ran out');

    const label = truth.get(a.requestId)!;
    const done = await act(l2, a.id, 'label', { label });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.deepEqual(done.json, { itemId: a.id, action: 'label', outcome: `label:${a.id}:${keyId(l2)}` });
    assert.equal(await judgedQ(), 1, 'the label is a human verdict in the quality report');
    const again = await act(l2, a.id, 'label', { label });
    assert.deepEqual([again.status, again.json], [200, done.json], 'a retried submit answers as the first');
    assert.equal(await judgedQ(), 1, 'and adds no second label');
    const other = await act(l2, a.id, 'label', { label: label === 'yes' ? 'no' : 'yes' });
    assert.equal(other.status, 409, 'a different label is never written over the first');
    const report = await s.get('/v1/services/q/report?window=7d', read);
    assert.equal(report.json.quality.judged, 1);
  });

  test('skip and flag record actions only; overlap items go to two labelers; the queue drains', async () => {
    const c = await lease(l1);
    const skipped = await act(l1, c.id, 'skip');
    assert.deepEqual([skipped.status, skipped.json], [200, { itemId: c.id, action: 'skip', outcome: null }]);
    assert.equal((await act(l1, c.id, 'skip')).status, 200, 'a retried skip is a success');
    assert.equal((await act(l1, c.id, 'label', { label: 'yes' })).status, 409, 'l1 already skipped it');
    const d = await lease(l1);
    assert.notEqual(d.id, c.id, 'a skipped item is not offered to the same labeler again');
    const long = await act(l1, d.id, 'flag', { note: 'x'.repeat(501) });
    assert.equal(long.status, 400);
    assert.deepEqual(long.json.error.details.problems, [{ path: '/note', message: 'must be at most 500 characters' }]);
    assert.equal((await act(l1, d.id, 'flag', { note: 'contains a phone number' })).status, 200);
    assert.equal((await call(s, 'GET', '/v1/labeling/queues', l2)).json.queues[0].flagged, 1);

    // Each labeler takes whatever the queue offers until it is empty.
    const got = new Map<string, string[]>();
    for (const key of [l1, l2, l3]) {
      for (;;) {
        const item = await lease(key);
        if (item === null) break;
        assert.notEqual(item.id, d.id, 'a flagged item is never offered');
        got.set(item.id, [...(got.get(item.id) ?? []), keyId(key)]);
        assert.equal((await act(key, item.id, 'label', { label: truth.get(item.requestId) })).status, 200);
      }
    }
    const items = await labelItems(s, 'q');
    for (const i of items) {
      if (i.id === d.id) {
        assert.deepEqual([i.flagged, i.labels], [true, 0]);
        continue;
      }
      assert.equal(i.labels, i.needed, `item ${i.id} has its ${i.needed} label(s)`);
    }
    const overlap = items.filter((i) => i.needed === 2 && !i.flagged);
    for (const i of overlap) {
      const by = new Set([...(got.get(i.id) ?? []), ...(i.id === items[0]!.id ? [keyId(l2)] : [])]);
      assert.equal(by.size, 2, `overlap item ${i.id} labeled by two different labelers`);
    }
    const queues = await call(s, 'GET', '/v1/labeling/queues', l3);
    assert.deepEqual(queues.json.queues[0], { service: 'q', task: 'classification', open: 0, available: 0, done: 9, flagged: 1 });
    const extra = await act(l3, items.find((i) => i.id !== d.id && i.needed === 1)!.id, 'label', { label: 'yes' });
    assert.equal(extra.status, 409, 'an item with its labels takes no more');

    const agreement = await s.get('/v1/services/q/labeling/agreement', read);
    assert.equal(agreement.status, 200);
    assert.equal(agreement.json.overlapItems, overlap.length);
    // Everyone labeled the truth: complete agreement (α is undefined when every overlap label is the same class).
    const classes = new Set(overlap.map((i) => truth.get(i.requestId)));
    assert.equal(agreement.json.alpha.value, classes.size > 1 ? 1 : null);
    assert.equal(agreement.json.alpha.units, overlap.length);
    assert.equal(agreement.json.kappa.observed, 1);
    const mine = agreement.json.labelers.find((l: { labeler: string }) => l.labeler === keyId(l1));
    assert.deepEqual([mine.skips, mine.flags], [1, 1]);
    assert.equal(await judgedQ(), 9, 'nine requests carry a human verdict (the flagged one none)');
  });

  test('the sampler: a rerun of a day queues nothing new; days not over are refused', async () => {
    const again = await call(s, 'POST', '/v1/services/q/labeling/sample?day=2026-11-27', admin);
    assert.equal(again.status, 200);
    // The labeled requests now have human verdicts and are no longer candidates; the draw over the
    // rest may pick requests again, but the queue keeps one item per request.
    assert.equal(again.json.candidates, 11);
    const before = (await labelItems(s, 'q')).length;
    assert.equal(before, 10 + again.json.queued);
    for (const day of ['2026-11-28', '2026-11-31', '27-11-2026']) {
      const r = await call(s, 'POST', `/v1/services/q/labeling/sample?day=${day}`, admin);
      assert.equal(r.status, 400, day);
      assert.equal(r.json.error.code, 'MLSLO_ERR_QUERY_INVALID');
    }
    const off = await call(s, 'POST', '/v1/services/nolabel/labeling/sample', admin);
    assert.deepEqual([off.status, off.json.error.code], [400, 'MLSLO_ERR_LABELING_OFF']);
    assert.equal((await call(s, 'POST', '/v1/services/nope/labeling/sample', admin)).status, 404);
  });
  test('the CLI: labeling sample, labeling agreement, calibration', async () => {
    const env = { MLSLO_URL: s.url, MLSLO_KEY: admin };
    const sample = await runCli(['labeling', 'sample', 'pop', '--day', '2026-11-26'], env);
    assert.equal(sample.code, 0, sample.stderr);
    assert.match(sample.stdout, /^pop — 2026-11-26: 0 candidates, 0 queued\n/);
    const agreement = await runCli(['labeling', 'agreement', 'q', '--window', '7d'], env);
    assert.equal(agreement.code, 0, agreement.stderr);
    assert.match(agreement.stdout, /overlap items: \d+; Krippendorff's α/);
    assert.ok(agreement.stdout.includes(keyId(l1)) && agreement.stdout.includes('κ vs the other label'));
    const json = await runCli(['calibration', 'q', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual([doc.service, doc.humanJudged, doc.signals.map((x: { signal: string }) => x.signal)], ['q', 9, ['judge', 'feedback', 'ground_truth']]);
    const table = await runCli(['calibration', 'q'], env);
    assert.match(table.stdout, /q — 9 requests with a human verdict/);
    assert.match(table.stdout, /ground_truth/);
    const off = await runCli(['labeling', 'sample', 'nolabel'], env);
    assert.equal(off.code, 1);
    assert.match(off.stderr, /MLSLO_ERR_LABELING_OFF/);
  });
});

describe('who may label', () => {
  test('a labeler key is refused on every non-labeling route; other keys are refused on the queue', async () => {
    const scoped = await s.key('labeler', 'q');
    const any = await s.key('labeler');
    for (const key of [scoped, any]) {
      for (const path of ['/v1/services/q/report', '/v1/services/q/quality', '/v1/services', '/v1/alerts', '/v1/services/q/labeling/agreement', '/v1/services/q/calibration']) {
        const r = await s.get(path, key);
        assert.equal(r.status, 403, path);
        assert.equal(r.json.error.code, 'MLSLO_ERR_FORBIDDEN');
      }
      const events = await s.post(JSON.stringify([inference('q', 'by-labeler', NOW - MIN, 'eu')]), key);
      assert.equal(events.status, 403);
      assert.equal((await call(s, 'POST', '/v1/services/q/labeling/sample', key)).status, 403);
    }
    for (const role of ['read', 'ingest'] as const) {
      const key = await s.key(role);
      assert.equal((await call(s, 'POST', '/v1/labeling/lease', key, {})).status, 403, role);
      assert.equal((await call(s, 'GET', '/v1/labeling/queues', key)).status, 403, role);
    }
    assert.equal((await call(s, 'POST', '/v1/services/q/labeling/sample', read)).status, 403);
  });

  test('a scoped labeler sees its service only; the lease body is checked', async () => {
    const scoped = await s.key('labeler', 'q');
    assert.deepEqual((await call(s, 'GET', '/v1/labeling/queues', scoped)).json.queues.map((q: { service: string }) => q.service), ['q']);
    assert.equal((await call(s, 'POST', '/v1/labeling/lease', scoped, { service: 'pop' })).status, 403);
    const pop = (await labelItems(s, 'pop'))[0]!;
    assert.equal((await call(s, 'POST', `/v1/labeling/items/${pop.id}/skip`, scoped)).status, 403);
    const any = await s.key('labeler');
    assert.deepEqual((await call(s, 'GET', '/v1/labeling/queues', any)).json.queues.map((q: { service: string }) => q.service), ['pop', 'q']);
    const off = await call(s, 'POST', '/v1/labeling/lease', any, { service: 'nolabel' });
    assert.deepEqual([off.status, off.json.error.code], [400, 'MLSLO_ERR_LABELING_OFF']);
    assert.equal((await call(s, 'POST', '/v1/labeling/lease', any, { service: 'nope' })).status, 404);
    assert.equal((await call(s, 'POST', '/v1/labeling/lease', any, { service: 7 })).status, 400);
    assert.equal((await call(s, 'POST', '/v1/labeling/lease', any, { services: 'q' })).status, 400);
    // Admin keys may label too.
    assert.equal((await call(s, 'POST', '/v1/labeling/lease', admin, {})).status, 200);
  });
});
