/**
 * `GET /metrics` end to end (issue 8): events over real HTTP into SQLite, then the Prometheus exposition.
 * Every expected number is worked out by hand in the comment beside it; the exposition is read with the
 * small parser below (prom-client only writes the format) and checked by `promtool check metrics`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: scorer, owner: scorer-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.9, latency: 0.8, quality: 0.5}
  latency:
    classes:
      - {name: short, when: "input.tokens <= 512", thresholdMs: 300}
      - {name: long, thresholdMs: 2000}
  errors: {exclude: [client_error]}
  quality: {minSamples: 2}
  cohorts: [region]
  drift: {features: {country: categorical}}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: pager, owner: pager-ml, oncall: sre, tier: 2}
spec:
  task: classification
  objectives: {quality: 0.5}
`;

const NOW = Date.parse('2026-11-28T10:00:00Z');
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();

// ---- a minimal reader of the text exposition format (HELP, TYPE, samples with escaped label values)

interface Sample { readonly name: string; readonly labels: Record<string, string>; readonly value: number }
interface Exposition { readonly types: Map<string, string>; readonly samples: Sample[] }

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m !== null, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const v = m[3]!;
    samples.push({ name: m[1]!, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return { types, samples };
}

/** The samples of `name` whose labels include `labels`. */
function find(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample of `name` with `labels`. */
function value(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = find(e, name, labels);
  assert.equal(found.length, 1, `${name}${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]!.value;
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);
}

// ---- the server and its traffic

let s: TestServer;
let ingest: string;
let read: string;
let lastText = '';

async function scrape(key = read): Promise<Exposition> {
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  lastText = await res.text();
  return parseExposition(lastText);
}

const base = { kind: 'inference', service: 'scorer', model: 'v1', ts: iso(NOW - 40 * MIN), features: { country: 'US' } };
function ok(id: string, tokens: number, latencyMs: number, region: string) {
  return { ...base, id, status: 'ok', latencyMs, input: { tokens }, cohort: { region }, prediction: { label: 'legit', score: 0.9 } };
}
function failed(id: string, errorType: string) {
  return { ...base, id, status: 'error', errorType, cohort: { region: 'eu' } };
}
function outcome(requestId: string, good: boolean) {
  return { kind: 'outcome', requestId, service: 'scorer', ts: iso(NOW - 10 * MIN), source: 'ground_truth', label: good ? 'legit' : 'fraud', samplingProb: 0.5 };
}

/** 10 inferences: 7 ok (5 within their class's threshold), 2 eligible errors, 1 excluded client error; and one item for no known service. */
const INFERENCES = [
  ok('a', 100, 120, 'eu'), //    short (≤ 512 tokens, 300 ms): fast
  ok('b', 512, 300, 'eu'), //    short, exactly at the threshold: fast
  ok('c', 200, 450, 'eu'), //    short: slow
  ok('d', 2000, 1500, 'eu'), //  long (2000 ms): fast
  ok('e', 513, 2000, 'us'), //   long, exactly at the threshold: fast
  ok('f', 4000, 2500, 'us'), //  long: slow
  ok('g', 4000, 100, 'us'), //   long: fast
  failed('h', 'gpu_oom'),
  failed('i', 'timeout'),
  failed('j', 'client_error'), // excluded from every SLI
  { ...ok('k', 1, 1, 'eu'), service: 'nope' }, // rejected: unknown_service
];
/** 6 verdicts, each sampled with probability 0.5 (weight 2): a, b, d, e good; c, f bad. */
const OUTCOMES = [outcome('a', true), outcome('b', true), outcome('c', false), outcome('d', true), outcome('e', true), outcome('f', false)];

async function post(items: unknown[], expect: { accepted: number; duplicates: number; rejected: number }): Promise<void> {
  const r = await s.post(JSON.stringify(items), ingest);
  assert.equal(r.status, 200);
  assert.deepEqual({ accepted: r.json.accepted, duplicates: r.json.duplicates, rejected: r.json.rejected.length }, expect);
}

before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  read = await s.key('read');
  // Baseline of `country`: 50 US, 50 DE. Uploaded before any traffic, so every request is binned against it.
  const rows = Array.from({ length: 100 }, (_, i) => JSON.stringify({ country: i % 2 === 0 ? 'US' : 'DE' })).join('\n');
  const res = await fetch(`${s.url}/v1/services/scorer/baselines`, {
    method: 'POST', body: rows, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${await s.key('admin')}` },
  });
  assert.equal(res.status, 201, await res.text());
});
after(async () => s.stop());

test('GET /metrics needs a read key that spans every service', async () => {
  assert.equal((await fetch(`${s.url}/metrics`)).status, 401);
  const asIngest = await s.get('/metrics', ingest);
  assert.equal(asIngest.status, 403);
  assert.equal(asIngest.json.error.code, 'MLSLO_ERR_FORBIDDEN');
  const scoped = await s.get('/metrics', await s.key('read', 'scorer'));
  assert.equal(scoped.status, 403);
  assert.match(scoped.json.error.message, /metrics span every service, and this key is scoped to `scorer`/);
  await scrape(read);
  await scrape(await s.key('admin'));
});

test('before any event, every service × SLI counter is exported at 0', async () => {
  const m = await scrape();
  for (const service of ['scorer', 'pager']) {
    for (const sli of ['errors', 'latency', 'quality']) {
      assert.equal(value(m, 'mlslo_sli_events_total', { service, sli }), 0);
      assert.equal(value(m, 'mlslo_sli_good_events_total', { service, sli }), 0);
    }
    assert.equal(value(m, 'mlslo_quality_verdict_weight_total', { service }), 0);
    assert.equal(value(m, 'mlslo_quality_good_verdict_weight_total', { service }), 0);
  }
  assert.equal(find(m, 'mlslo_sli_events_total').length, 6, 'no composite counter: the rules derive it');
  // Gauges at NOW: objectives are known, SLIs are not (no events), the budget is untouched.
  close(value(m, 'mlslo_slo_objective_ratio', { service: 'scorer', sli: 'errors' }), 0.9, 'errors objective');
  close(value(m, 'mlslo_slo_objective_ratio', { service: 'scorer', sli: 'composite' }), 0.36, 'composite objective: 0.9 · 0.8 · 0.5');
  assert.deepEqual(find(m, 'mlslo_slo_sli_ratio', { service: 'scorer' }), [], 'no events: no SLI, rather than NaN');
  assert.equal(value(m, 'mlslo_slo_error_budget_remaining_ratio', { service: 'scorer', sli: 'latency' }), 1);
  assert.equal(value(m, 'mlslo_ingest_queued_batches'), 0);
});

test('the counters grow by what each commit made durable; replayed batches change nothing', async () => {
  await post(INFERENCES, { accepted: 10, duplicates: 0, rejected: 1 });
  let m = await scrape();
  // errors: 9 eligible (10 − the client error), 7 ok. latency: 7 ok, 5 within their class's threshold.
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'errors' }), 9);
  assert.equal(value(m, 'mlslo_sli_good_events_total', { service: 'scorer', sli: 'errors' }), 7);
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'latency' }), 7);
  assert.equal(value(m, 'mlslo_sli_good_events_total', { service: 'scorer', sli: 'latency' }), 5);
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'quality' }), 0, 'no verdict yet');

  await post(OUTCOMES, { accepted: 6, duplicates: 0, rejected: 0 });
  m = await scrape();
  // quality: 6 verdicts arrived, 4 good; weights 1/0.5 = 2 each → 12 and 8. errors and latency unchanged:
  // the late verdicts' rollup deltas touch quality fields only.
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'quality' }), 6);
  assert.equal(value(m, 'mlslo_sli_good_events_total', { service: 'scorer', sli: 'quality' }), 4);
  assert.equal(value(m, 'mlslo_quality_verdict_weight_total', { service: 'scorer' }), 12);
  assert.equal(value(m, 'mlslo_quality_good_verdict_weight_total', { service: 'scorer' }), 8);
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'errors' }), 9);
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'scorer', sli: 'latency' }), 7);

  await post(INFERENCES, { accepted: 0, duplicates: 10, rejected: 1 });
  await post(OUTCOMES, { accepted: 0, duplicates: 6, rejected: 0 });
  const again = await scrape();
  for (const name of ['mlslo_sli_events_total', 'mlslo_sli_good_events_total', 'mlslo_quality_verdict_weight_total', 'mlslo_quality_good_verdict_weight_total']) {
    assert.deepEqual(find(again, name), find(m, name), `${name}: duplicates count nothing`);
  }
  assert.equal(value(again, 'mlslo_sli_events_total', { service: 'pager', sli: 'errors' }), 0);

  // Items: 10 + 6 accepted, then the same 16 as duplicates; the unknown service rejected twice.
  assert.equal(value(again, 'mlslo_ingest_items_total', { result: 'accepted' }), 16);
  assert.equal(value(again, 'mlslo_ingest_items_total', { result: 'duplicate' }), 16);
  assert.equal(value(again, 'mlslo_ingest_items_total', { result: 'rejected' }), 2);
  assert.equal(value(again, 'mlslo_ingest_rejected_items_total', { code: 'unknown_service' }), 2);
  assert.equal(value(again, 'mlslo_ingest_rejected_items_total', { code: 'conflict' }), 0);
  // Four posts with valid items, one after the other: four commits.
  assert.equal(value(again, 'mlslo_ingest_commit_duration_seconds_count'), 4);
  assert.equal(value(again, 'mlslo_ingest_overloaded_batches_total'), 0);
});

test('gauges are reused for metricsTtl (15s of server time), then equal the report worked out by hand', async () => {
  // Still NOW: the gauges computed before any event are served, while the counters above were live.
  const cached = await scrape();
  assert.deepEqual(find(cached, 'mlslo_slo_sli_ratio', { service: 'scorer' }), []);

  s.clock = NOW + 15_000;
  const m = await scrape();
  const g = (name: string, sli: string): number => value(m, name, { service: 'scorer', sli });
  // errors: 7 good of 9; budget 0.1 · 9 = 0.9, 2 bad → remaining 1 − 2/0.9.
  close(g('mlslo_slo_sli_ratio', 'errors'), 7 / 9, 'errors SLI');
  close(g('mlslo_slo_error_budget_remaining_ratio', 'errors'), 1 - 2 / 0.9, 'errors remaining');
  assert.equal(g('mlslo_slo_window_events', 'errors'), 9);
  assert.equal(g('mlslo_slo_window_good_events', 'errors'), 7);
  // latency: 5 of 7; budget 0.2 · 7 = 1.4, 2 bad → remaining 1 − 2/1.4.
  close(g('mlslo_slo_sli_ratio', 'latency'), 5 / 7, 'latency SLI');
  close(g('mlslo_slo_error_budget_remaining_ratio', 'latency'), 1 - 2 / 1.4, 'latency remaining');
  // quality: q̂ = Σw·good / Σw = 8/12 = 2/3; extended to the 7 ok requests, 14/3 good; budget 0.5 · 7 = 3.5,
  // 7/3 bad → remaining 1 − (7/3)/3.5 = 1/3.
  close(g('mlslo_slo_sli_ratio', 'quality'), 2 / 3, 'q̂');
  close(g('mlslo_slo_window_good_events', 'quality'), 14 / 3, 'quality good');
  assert.equal(g('mlslo_slo_window_events', 'quality'), 7);
  close(g('mlslo_slo_error_budget_remaining_ratio', 'quality'), 1 / 3, 'quality remaining');
  // composite: okFast · q̂ = 5 · 2/3 = 10/3 good of 9 eligible; budget 0.64 · 9 = 5.76, 17/3 bad.
  close(g('mlslo_slo_objective_ratio', 'composite'), 0.36, 'composite objective');
  close(g('mlslo_slo_sli_ratio', 'composite'), 10 / 27, 'composite SLI');
  close(g('mlslo_slo_error_budget_remaining_ratio', 'composite'), 1 - (17 / 3) / 5.76, 'composite remaining');

  // Burn rates: the requests are 40 minutes old, so the 5m and 30m windows are empty (no series) and every
  // window from 1h up holds them all: errors (2/9)/0.1 = 20/9, latency (2/7)/0.2 = 10/7.
  const burn = (sli: string, window: string): Sample[] => find(m, 'mlslo_slo_burn_rate', { service: 'scorer', sli, window });
  for (const w of ['5m', '30m']) assert.deepEqual(burn('errors', w), [], w);
  for (const w of ['1h', '2h', '6h', '1d', '3d']) {
    close(burn('errors', w)[0]!.value, 20 / 9, `errors burn ${w}`);
    close(burn('latency', w)[0]!.value, 10 / 7, `latency burn ${w}`);
  }

  // Cohorts: eu judged a, b, c, d (3 good) → q̂ 6/8; us judged e, f (1 good) → 2/4.
  const cohort = (name: string, v: string): number => value(m, name, { service: 'scorer', cohort: 'region', value: v });
  close(cohort('mlslo_cohort_quality_ratio', 'eu'), 0.75, 'eu q̂');
  assert.equal(cohort('mlslo_cohort_judged_requests', 'eu'), 4);
  close(cohort('mlslo_cohort_quality_ratio', 'us'), 0.5, 'us q̂');
  assert.equal(cohort('mlslo_cohort_judged_requests', 'us'), 2);

  // Drift of `country` over the last day: the 9 eligible requests are all US against a 50/50 baseline.
  // Two categories and ≤ 1000 baseline rows: the Z-test, |z| = 0.5 / √(p̄(1 − p̄)(1/100 + 1/9)), p̄ = 59/109.
  const pBar = 59 / 109;
  const score = find(m, 'mlslo_drift_feature_score', { service: 'scorer', feature: 'country' });
  assert.equal(score.length, 1);
  assert.equal(score[0]!.labels.method, 'z');
  close(Math.abs(score[0]!.value), 0.5 / Math.sqrt(pBar * (1 - pBar) * (1 / 100 + 1 / 9)), '|z|');
  assert.equal(value(m, 'mlslo_drift_feature_detected', { service: 'scorer', feature: 'country' }), 1);
  // PSI: US (1 − 0.5)·ln(1/0.5); DE's empty share taken as 1e-4: (1e-4 − 0.5)·ln(1e-4/0.5).
  close(value(m, 'mlslo_drift_feature_psi', { service: 'scorer', feature: 'country' }), 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), 'PSI');
  assert.equal(value(m, 'mlslo_drift_dataset_drifted_features_ratio', { service: 'scorer' }), 1);
  assert.equal(value(m, 'mlslo_drift_dataset_detected', { service: 'scorer' }), 1);
  assert.deepEqual(find(m, 'mlslo_drift_dataset_detected', { service: 'pager' }), [], 'no baseline, no drift gauges');
  for (const source of ['report', 'drift', 'alerts']) assert.equal(value(m, 'mlslo_metrics_collect_errors_total', { source }), 0);
});

test('alerts are counted by service, kind, severity and state', async () => {
  // pager: 12 GPU OOMs a minute ago. errors burn 1/(1 − 0.995) = 200 and the composite (no ok request, so
  // 0 good of 12) 1/(1 − 0.8507) ≈ 6.7 exceed the 30d policy's 6h/30m, 1d/2h and 3d/6h factors (6, 3, 1);
  // tier 2 turns pages into tickets, and burn alerts fire at once: two firing tickets.
  const errors = Array.from({ length: 12 }, (_, i) => ({
    kind: 'inference', id: `p${i}`, service: 'pager', model: 'v1', ts: iso(s.clock - MIN), status: 'error', errorType: 'gpu_oom',
  }));
  await post(errors, { accepted: 12, duplicates: 0, rejected: 0 });
  await s.evaluate();
  s.clock += 15_000;
  const m = await scrape();
  assert.deepEqual(find(m, 'mlslo_alerts', { service: 'pager' }).map((x) => [x.labels.kind, x.labels.severity, x.labels.state, x.value]), [
    ['burn', 'ticket', 'firing', 2],
  ]);
  assert.equal(value(m, 'mlslo_sli_events_total', { service: 'pager', sli: 'errors' }), 12);
  assert.equal(value(m, 'mlslo_sli_good_events_total', { service: 'pager', sli: 'errors' }), 0);
});

test('HTTP requests are timed by method, route pattern and status code', async () => {
  assert.equal((await s.get('/no/such/route', read)).status, 404);
  const m = await scrape();
  const count = (labels: Record<string, string>): number => value(m, 'mlslo_http_request_duration_seconds_count', labels);
  assert.equal(count({ method: 'GET', route: '(unmatched)', status_code: '404' }), 1);
  // Five posts of events (two batches, their replays, the pager batch), all 200.
  assert.equal(count({ method: 'POST', route: '/v1/events', status_code: '200' }), 5);
  assert.equal(count({ method: 'GET', route: '/metrics', status_code: '401' }), 1);
  assert.equal(count({ method: 'GET', route: '/metrics', status_code: '403' }), 2);
  assert.equal(count({ method: 'POST', route: '/v1/services/:name/baselines', status_code: '201' }), 1);
});

test('the exposition passes promtool check metrics', (t) => {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: lastText, encoding: 'utf8' });
  if (r.error !== undefined && 'code' in r.error && r.error.code === 'ENOENT') {
    t.skip('promtool not found: apt-get install -y --no-install-recommends prometheus');
    return;
  }
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});

test('every mlslo metric is documented in docs/metrics.md', () => {
  const doc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  const families = [...parseExposition(lastText).types.keys()].filter((n) => n.startsWith('mlslo_'));
  assert.ok(families.length >= 20, families.join(' '));
  for (const name of families) assert.ok(doc.includes(`\`${name}\``), `${name} is not in docs/metrics.md`);
});
