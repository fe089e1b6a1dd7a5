/**
 * `GET …/series` end to end (docs/api.md): three scripted days of traffic with known good and bad
 * requests per day and known labels, one of them late. Every expected number is worked out here from
 * those counts — per-bucket SLIs, q̂, composite, and the burn-down, whose last value must equal the
 * report's `remaining` for the same window.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { wilson } from '../../src/core/stats/wilson.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: svc, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.9, latency: 0.8, quality: 0.8, composite: 0.6}
  latency: {classes: [{name: all, thresholdMs: 100}]}
  quality: {minSamples: 10}
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;
const D1 = Date.parse('2026-11-25T00:00:00Z');
const D2 = D1 + DAY;
const D3 = D2 + DAY;
const MIDNIGHT = D3 + DAY;
const iso = (t: number): string => new Date(t).toISOString();

interface Req { error?: string; slow?: boolean; label?: { good: boolean; at: number } }

/** Requests of one day at 10:00 + i seconds. */
function day(start: number, reqs: Req[], tag: string): unknown[] {
  const out: unknown[] = [];
  reqs.forEach((r, i) => {
    const id = `${tag}-${i}`;
    const ts = iso(start + 10 * HOUR + i * 1000);
    out.push(r.error !== undefined
      ? { kind: 'inference', id, service: 'svc', ts, status: 'error', errorType: r.error }
      : { kind: 'inference', id, service: 'svc', ts, status: 'ok', latencyMs: r.slow === true ? 500 : 20, prediction: { label: 'yes' } });
    if (r.label !== undefined) out.push({ kind: 'outcome', requestId: id, service: 'svc', ts: iso(r.label.at), source: 'ground_truth', label: r.label.good ? 'yes' : 'no' });
  });
  return out;
}

const range = (n: number, f: (i: number) => Req): Req[] => Array.from({ length: n }, (_, i) => f(i));

// Day 1 (Nov 25): 20 requests, 2 errors, 3 slow; 12 labelled at noon, 9 good.
const day1 = range(20, (i) => (i < 2 ? { error: 'http_5xx' } : {
  slow: i <= 4, ...(i <= 13 ? { label: { good: i <= 10, at: D1 + 12 * HOUR } } : {}),
}));
// Day 2 (Nov 26): 40 ok, 4 slow; 20 labelled at noon, 18 good.
const day2 = range(40, (i) => ({ slow: i < 4, ...(i < 20 ? { label: { good: i < 18, at: D2 + 12 * HOUR } } : {}) }));
// Day 3 (Nov 27): 20 requests, 1 timeout, 2 slow; 6 labelled at noon (5 good), 8 more labelled on Nov 28 at 06:00 (4 good).
const day3 = range(20, (i) => (i === 0 ? { error: 'timeout' } : {
  slow: i <= 2,
  ...(i <= 6 ? { label: { good: i <= 5, at: D3 + 12 * HOUR } } : i <= 14 ? { label: { good: i <= 10, at: MIDNIGHT + 6 * HOUR } } : {}),
}));

/** Counts of a set of requests, with the labels known at `asOf`. */
interface Counts { eligible: number; ok: number; fast: number; judged: number; good: number }
function counts(reqs: Req[], asOf: number): Counts {
  const ok = reqs.filter((r) => r.error === undefined);
  const judged = ok.filter((r) => r.label !== undefined && r.label.at <= asOf);
  return { eligible: reqs.length, ok: ok.length, fast: ok.filter((r) => r.slow !== true).length, judged: judged.length, good: judged.filter((r) => r.label!.good).length };
}
function sum(...cs: Counts[]): Counts {
  return cs.reduce((a, c) => ({ eligible: a.eligible + c.eligible, ok: a.ok + c.ok, fast: a.fast + c.fast, judged: a.judged + c.judged, good: a.good + c.good }));
}

const OBJ = { errors: 0.9, latency: 0.8, quality: 0.8, composite: 0.6 };
const MIN_SAMPLES = 10;

/** The report's `remaining` (DESIGN §2.2, §2.4), from counts: 1 − bad / ((1 − objective) · total). */
function remaining(c: Counts): { errors: number; latency: number; quality: number | null; composite: number | null } {
  const q = c.judged >= MIN_SAMPLES ? c.good / c.judged : null;
  return {
    errors: 1 - (c.eligible - c.ok) / ((1 - OBJ.errors) * c.eligible),
    latency: 1 - (c.ok - c.fast) / ((1 - OBJ.latency) * c.ok),
    quality: q === null ? null : 1 - (c.ok * (1 - q)) / ((1 - OBJ.quality) * c.ok),
    composite: q === null ? null : 1 - (c.eligible - c.fast * q) / ((1 - OBJ.composite) * c.eligible),
  };
}

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

let s: TestServer;
let read: string;

before(async () => {
  s = await startTestServer(SPEC, NOW);
  const ingest = await s.key('ingest');
  read = await s.key('read');
  const r = await s.post(JSON.stringify([...day(D1, day1, 'a'), ...day(D2, day2, 'b'), ...day(D3, day3, 'c')]), ingest);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected, []);
});
after(async () => s.stop());

async function get(path: string): Promise<any> {
  const r = await s.get(path, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

test('daily buckets as of midnight: per-day SLIs, q̂ and composite, and the burn-down', async () => {
  const body = await get(`/v1/services/svc/series?window=3d&step=1d&at=${iso(MIDNIGHT)}`);
  assert.equal(body.window, '3d');
  assert.equal(body.step, '1d');
  assert.equal(body.from, iso(D1));
  assert.equal(body.to, iso(MIDNIGHT));
  assert.deepEqual(body.objectives, OBJ);
  assert.deepEqual(body.points.map((p: { t: string }) => p.t), [iso(D1), iso(D2), iso(D3)]);
  assert.deepEqual(body.budget.map((p: { t: string }) => p.t), [iso(D2), iso(D3), iso(MIDNIGHT)]);

  const [p1, p2, p3] = body.points;
  // Day 1: errors 18/20; latency 15/18; q̂ 9/12; composite okFast·q̂/eligible = 15·0.75/20 = 0.5625.
  assert.deepEqual(p1.errors, { good: 18, total: 20, sli: 0.9 });
  assert.deepEqual(p1.latency, { good: 15, total: 18, sli: 15 / 18 });
  assert.deepEqual(p1.quality, { judged: 12, qHat: 0.75, interval: wilson(9, 12) });
  assert.deepEqual(p1.composite, { sli: 0.5625, upperBound: false });
  // Day 2: errors 40/40; latency 36/40; q̂ 18/20; composite 36·0.9/40 = 0.81.
  assert.deepEqual(p2.errors, { good: 40, total: 40, sli: 1 });
  assert.deepEqual(p2.latency, { good: 36, total: 40, sli: 0.9 });
  assert.deepEqual(p2.quality, { judged: 20, qHat: 0.9, interval: wilson(18, 20) });
  close(p2.composite.sli, 0.81, 'day 2 composite');
  // Day 3 as of midnight: 6 labels known, fewer than minSamples 10 → insufficient; the composite is the
  // upper bound okFast/eligible = 17/20, flagged.
  assert.deepEqual(p3.errors, { good: 19, total: 20, sli: 0.95 });
  assert.deepEqual(p3.latency, { good: 17, total: 19, sli: 17 / 19 });
  assert.deepEqual(p3.quality, { judged: 6, qHat: null, interval: null });
  assert.deepEqual(p3.composite, { sli: 0.85, upperBound: true });

  // Burn-down over [from, t): day 1; days 1–2; days 1–3 (hand-checked: day 1 errors 1 − 2/(0.1·20) = 0,
  // latency 1 − 3/(0.2·18) = 1/6, quality 1 − 18·0.25/(0.2·18) = −0.25, composite 1 − 8.75/(0.4·20) = −0.09375).
  const c1 = counts(day1, MIDNIGHT);
  const c12 = sum(c1, counts(day2, MIDNIGHT));
  const c123 = sum(c12, counts(day3, MIDNIGHT));
  assert.deepEqual(c123, { eligible: 80, ok: 77, fast: 68, judged: 38, good: 32 });
  close(body.budget[0].errors, 0, 'day 1 errors budget');
  close(body.budget[0].latency, 1 / 6, 'day 1 latency budget');
  close(body.budget[0].quality, -0.25, 'day 1 quality budget');
  close(body.budget[0].composite, -0.09375, 'day 1 composite budget');
  for (const [i, c] of [c1, c12, c123].entries()) {
    const want = remaining(c);
    for (const d of ['errors', 'latency', 'quality', 'composite'] as const) close(body.budget[i][d], want[d], `budget[${i}].${d}`);
  }

  // The last value is the report's remaining over the same window, as of the same instant.
  const report = await get(`/v1/services/svc/report?window=3d&at=${iso(MIDNIGHT)}`);
  for (const d of ['errors', 'latency', 'quality', 'composite'] as const) close(body.budget[2][d], report[d].remaining, `report ${d}`);
});

test('the default window is the spec\'s (7d); late labels count now; the burn-down ends at the report\'s remaining', async () => {
  const hourly = await get('/v1/services/svc/series');
  assert.deepEqual([hourly.window, hourly.step, hourly.points.length], ['7d', '1h', 168], 'up to 7 days the default step is an hour');
  const body = await get('/v1/services/svc/series?step=1d');
  assert.equal(body.window, '7d');
  assert.equal(body.step, '1d');
  // [Nov 21 12:00, Nov 28 12:00): a partial first day, six whole days, a partial last day.
  assert.deepEqual(body.points.map((p: { t: string }) => p.t), [
    '2026-11-21T12:00:00.000Z', '2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00.000Z', '2026-11-24T00:00:00.000Z',
    '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z',
  ]);
  assert.equal(body.budget[7].t, iso(NOW));
  // No traffic before Nov 25: no SLI and no budget yet.
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(body.points[i].errors, { good: 0, total: 0, sli: null });
    assert.deepEqual(body.budget[i], { t: body.budget[i].t, errors: null, latency: null, quality: null, composite: null });
  }
  // Day 3 now has its late labels: 14 judged, 9 good.
  assert.deepEqual(body.points[6].quality, { judged: 14, qHat: 9 / 14, interval: wilson(9, 14) });
  close(body.points[6].composite.sli, (17 * 9) / 14 / 20, 'day 3 composite');
  const all = sum(counts(day1, NOW), counts(day2, NOW), counts(day3, NOW));
  assert.deepEqual(all, { eligible: 80, ok: 77, fast: 68, judged: 46, good: 36 });
  const want = remaining(all);
  const report = await get('/v1/services/svc/report');
  for (const d of ['errors', 'latency', 'quality', 'composite'] as const) {
    close(body.budget[7][d], want[d], `last ${d}`);
    close(report[d].remaining, want[d], `report ${d}`);
  }
});

test('hourly buckets: the traffic lands in the 10:00 hour of each day', async () => {
  const body = await get(`/v1/services/svc/series?window=2d&step=1h&at=${iso(MIDNIGHT)}`);
  assert.equal(body.points.length, 48);
  assert.equal(body.points[0].t, iso(D2));
  const busy = body.points.flatMap((p: { t: string; errors: { total: number } }, i: number) => (p.errors.total > 0 ? [i] : []));
  assert.deepEqual(busy, [10, 34]);
  assert.deepEqual(body.points[10].latency, { good: 36, total: 40, sli: 0.9 });
  assert.deepEqual(body.points[34].errors, { good: 19, total: 20, sli: 0.95 });
  assert.equal(body.budget[9].errors, null);
  const want = remaining(sum(counts(day2, MIDNIGHT), counts(day3, MIDNIGHT)));
  for (const d of ['errors', 'latency', 'quality', 'composite'] as const) {
    close(body.budget[47][d], want[d], `hourly last ${d}`);
    // Unchanged after the last busy hour.
    close(body.budget[35][d], want[d], `hourly after day 3 ${d}`);
  }
  // A window of 7 days or less defaults to hourly steps (what the dashboard's window picker shows).
  assert.equal((await get('/v1/services/svc/series?window=36h')).points.length, 36);
});

test('window and step are checked', async () => {
  for (const q of ['window=15d&step=1h', 'window=36h&step=1d', 'window=7d12h', 'window=401d', 'window=14d1h&step=1h', 'step=1m', 'window=30x', 'at=2026-11-28T12:00:00', 'at=2027-01-01T00:00:00Z']) {
    const r = await s.get(`/v1/services/svc/series?${q}`, read);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.code, 'MLSLO_ERR_QUERY_INVALID', q);
  }
  assert.equal((await s.get('/v1/services/nope/series', read)).status, 404);
  assert.equal((await s.get('/v1/services/svc/series')).status, 401);
});
