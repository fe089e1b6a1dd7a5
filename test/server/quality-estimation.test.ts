/**
 * Honest quality estimation through real HTTP and SQLite (DESIGN §2.4–§2.5, issue 3): delayed labels,
 * as-of, Hájek weights against over-sampling, cohort significance with BH, the cardinality cap.
 * Every expected number is worked out by hand in the comment beside it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: clf, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.85}
  quality: {minSamples: 30}
  cohorts: [region, language]
  cohortCap: 3
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: fb, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  quality: {minSamples: 2, feedback: "clicked == true && dwellMs >= 10000"}
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();

let s: TestServer;
let ingest: string;
let read: string;
let seq = 0;

interface Req { region: string; good: boolean; samplingProb?: number; labelled?: boolean; language?: string }

/** Inference events for `reqs` at `ts`, and outcomes at `labelTs` for those labelled. */
function events(reqs: Req[], ts: number, labelTs: number): { inferences: unknown[]; outcomes: unknown[] } {
  const inferences: unknown[] = [];
  const outcomes: unknown[] = [];
  for (const r of reqs) {
    const id = `q${seq++}`;
    inferences.push({ kind: 'inference', id, service: 'clf', ts: iso(ts), latencyMs: 10, status: 'ok',
      cohort: { region: r.region, language: r.language ?? 'en' }, prediction: { label: 'yes', score: 0.9 } });
    if (r.labelled !== false) {
      outcomes.push({ kind: 'outcome', requestId: id, service: 'clf', ts: iso(labelTs), source: 'ground_truth',
        label: r.good ? 'yes' : 'no', ...(r.samplingProb === undefined ? {} : { samplingProb: r.samplingProb }) });
    }
  }
  return { inferences, outcomes };
}

const many = (n: number, r: Omit<Req, 'good'>, goodShare: number): Req[] =>
  Array.from({ length: n }, (_, i) => ({ ...r, good: i < Math.round(n * goodShare) }));

async function post(items: unknown[]): Promise<void> {
  for (let i = 0; i < items.length; i += 5000) {
    const r = await s.post(JSON.stringify(items.slice(i, i + 5000)), ingest);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.rejected, []);
  }
}

before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
});
after(async () => s.stop());

test('delayed labels change a past day\'s quality as they arrive; as-of ignores them', async () => {
  // Day D−2 (Nov 26): 40 requests, no labels yet. Day D−1 (Nov 27): 40 requests labelled at once, 36 good.
  const d2 = events(many(40, { region: 'eu' }, 0.5), NOW - 2 * DAY, NOW - 2 * DAY + 3_600_000);
  const d1 = events(many(40, { region: 'eu' }, 0.9), NOW - DAY, NOW - DAY + 60_000);
  await post([...d2.inferences, ...d1.inferences, ...d1.outcomes]);
  s.clock = NOW - DAY + 120_000;
  const before = await s.get('/v1/services/clf/quality?window=3d&by=day', read);
  assert.equal(before.status, 200, JSON.stringify(before.json));
  const day = (doc: any, d: string) => doc.groups.find((g: { day: string }) => g.day === d);
  assert.equal(day(before.json, '2026-11-26').judged, 0);
  assert.equal(day(before.json, '2026-11-27').judged, 40);
  // The Nov 26 labels arrive a day late (20 good of 40): Nov 26 now reads 0.5, Nov 27 is unchanged.
  s.clock = NOW;
  await post(d2.outcomes.map((o: any) => ({ ...o, ts: iso(NOW - 60_000) })));
  const afterLabels = await s.get('/v1/services/clf/quality?window=3d&by=day', read);
  assert.equal(day(afterLabels.json, '2026-11-26').judged, 40);
  assert.equal(day(afterLabels.json, '2026-11-26').qHat, 0.5);
  assert.equal(day(afterLabels.json, '2026-11-27').qHat, 0.9);
  // As of before the late labels arrived, Nov 26 is unjudged again: 36 good of 40 overall.
  const asOf = await s.get(`/v1/services/clf/quality?window=3d&by=day&at=${encodeURIComponent(iso(NOW - 2 * 60_000))}`, read);
  assert.equal(day(asOf.json, '2026-11-26').judged, 0);
  assert.equal(asOf.json.overall.judged, 40);
  assert.equal(asOf.json.overall.qHat, 0.9);
});

test('an over-sampled cohort does not bias q̂ once the weights apply', async () => {
  // Fresh service state is shared, so this scenario lives in its own window: the last 30 minutes.
  // apac: 200 requests, all labelled (p = 1), 180 good. latam: 200 requests, accuracy 0.5, 10% labelled
  // with samplingProb 0.1 → 20 labels, 10 good. Unweighted share: 190 / 220 = 0.8636…; Hájek:
  // (180 + 10·10) / (200 + 20·10) = 280 / 400 = 0.70, the true accuracy of the 400 requests.
  const t = NOW - 10 * 60_000;
  const apac = events(many(200, { region: 'apac' }, 0.9), t, t + 60_000);
  const latam = many(200, { region: 'latam' }, 0.5).map((r, i) => ({ ...r, labelled: i % 10 === 0, samplingProb: 0.1 }));
  // Every 10th request is labelled: indices 0, 10, …, 90 are good (< 100), 100 … 190 bad → 10 good of 20.
  const la = events(latam, t, t + 60_000);
  await post([...apac.inferences, ...apac.outcomes, ...la.inferences, ...la.outcomes]);
  const r = await s.get('/v1/services/clf/quality?window=30m', read);
  assert.equal(r.status, 200);
  assert.equal(r.json.overall.judged, 220);
  assert.ok(Math.abs(r.json.overall.qHat - 0.7) < 1e-12, `q̂ ${r.json.overall.qHat}`);
  // The plain (scikit-learn) accuracy over the judged requests stays unweighted: 190 / 220.
  assert.ok(Math.abs(r.json.overall.metrics.accuracy.value - 190 / 220) < 1e-12);
  assert.ok(Math.abs(r.json.overall.metrics.accuracy.weighted - 0.7) < 1e-12);
});

test('a cohort 10 points worse on 500 judged is flagged; one on 20 judged is not', async () => {
  // An hour before the previous scenario's window: rest 5000 at 0.90 (region eu), a cohort of 500 at
  // 0.80 (region apac) and one of 20 at 0.80 (language pt, under minSamples 30).
  const t = NOW - 3_600_000;
  const rest = events(many(5000, { region: 'eu' }, 0.9), t, t + 60_000);
  const bad = events(many(500, { region: 'apac' }, 0.8), t, t + 60_000);
  const small = events(many(20, { region: 'eu', language: 'pt' }, 0.8), t, t + 60_000);
  await post([...rest.inferences, ...rest.outcomes, ...bad.inferences, ...bad.outcomes, ...small.inferences, ...small.outcomes]);
  const r = await s.get(`/v1/services/clf/quality?window=1h&by=cohort&at=${encodeURIComponent(iso(NOW - 30 * 60_000))}`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const g = (attr: string, value: string) => r.json.groups.find((x: { attr: string; value: string }) => x.attr === attr && x.value === value);
  const cohort = g('region', 'apac');
  assert.equal(cohort.judged, 500);
  assert.equal(cohort.qHat, 0.8);
  // z = (0.80 − 0.9018) / sqrt(p(1−p)(1/500 + 1/5020)) with pooled p = (400 + 4516)/5520: far beyond any BH threshold.
  assert.ok(cohort.test.pvalue < 1e-6);
  assert.deepEqual([...cohort.flags].sort(), ['below-objective', 'worse-than-rest']);
  const pt = g('language', 'pt');
  assert.equal(pt.judged, 20);
  assert.equal(pt.status, 'insufficient');
  assert.deepEqual(pt.flags, []);
  assert.equal(g('region', 'eu').flags.length, 0);
});

test('cohort values beyond the cap fold into (other), with a warning', async () => {
  // cohortCap 3; regions seen so far: eu, apac, latam. Two more fold into (other).
  const t = NOW - 5 * 60_000;
  const more = events([{ region: 'mena', good: true }, { region: 'oceania', good: false }], t, t + 60_000);
  await post([...more.inferences, ...more.outcomes]);
  const r = await s.get('/v1/services/clf/quality?window=3d&by=region', read);
  assert.equal(r.status, 400, 'by=region is the CLI shorthand; the API takes attr=region');
  const q = await s.get('/v1/services/clf/quality?window=3d&attr=region', read);
  assert.equal(q.status, 200);
  assert.deepEqual(q.json.groups.map((x: { value: string }) => x.value).sort(), ['(other)', 'apac', 'eu', 'latam']);
  assert.match(q.json.warnings.join('\n'), /`region` has more than 3 values/);
});

test('feedback is a proxy shown beside quality, never counted as quality unless the spec says so', async () => {
  // Four requests: r0 labelled correct and clicked with a long dwell (proxy good); r1 labelled wrong,
  // clicked but short dwell (proxy bad); r2 only feedback (proxy good, not judged); r3 a click without
  // dwell, then a later feedback with dwell: latest wins → proxy good.
  const t = NOW - 20 * 60_000;
  const inf = (id: string) => ({ kind: 'inference', id, service: 'fb', ts: iso(t), latencyMs: 5, status: 'ok', prediction: { label: 'a' } });
  const fb = (id: string, feedback: object, dt = 60_000) => ({ kind: 'outcome', requestId: id, service: 'fb', ts: iso(t + dt), source: 'feedback', feedback });
  const gt = (id: string, label: string) => ({ kind: 'outcome', requestId: id, service: 'fb', ts: iso(t + 60_000), source: 'ground_truth', label });
  await post([inf('f0'), inf('f1'), inf('f2'), inf('f3'),
    gt('f0', 'a'), fb('f0', { clicked: true, dwellMs: 12_000 }),
    gt('f1', 'b'), fb('f1', { clicked: true, dwellMs: 2_000 }),
    fb('f2', { clicked: true, dwellMs: 30_000 }),
    fb('f3', { clicked: true }), fb('f3', { clicked: true, dwellMs: 15_000 }, 120_000)]);
  const r = await s.get('/v1/services/fb/quality?window=1h', read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  // Quality counts ground truth only: f0 good, f1 bad → 1 of 2.
  assert.equal(r.json.overall.judged, 2);
  assert.equal(r.json.overall.qHat, 0.5);
  // The proxy: f0, f2, f3 good, f1 bad → 3 of 4.
  assert.equal(r.json.overall.proxy.n, 4);
  assert.equal(r.json.overall.proxy.value, 0.75);

  // The series shows the proxy SLI per bucket beside quality, not inside it: the hour of the four
  // requests has proxy 3/4 and q̂ 1/2 (minSamples 2); every other bucket has no feedback (null).
  const series = await s.get(`/v1/services/fb/series?window=1d&step=1h&at=${encodeURIComponent(iso(NOW))}`, read);
  assert.equal(series.status, 200, JSON.stringify(series.json));
  const withProxy = series.json.points.filter((p: { proxy: unknown }) => p.proxy !== null);
  assert.equal(withProxy.length, 1);
  assert.equal(withProxy[0].t, iso(Date.parse('2026-11-28T11:00:00Z')));
  assert.equal(withProxy[0].proxy.n, 4);
  assert.equal(withProxy[0].proxy.sli, 0.75);
  assert.equal(withProxy[0].quality.qHat, 0.5);
  // Wilson 95% for 3/4 (scipy binomtest(3, 4).proportion_ci('wilson')): [0.3006, 0.9544].
  assert.ok(Math.abs(withProxy[0].proxy.interval.lower - 0.30064) < 1e-4, String(withProxy[0].proxy.interval.lower));
  assert.ok(Math.abs(withProxy[0].proxy.interval.upper - 0.95440) < 1e-4, String(withProxy[0].proxy.interval.upper));
});
