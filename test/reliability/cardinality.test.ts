/**
 * Cardinality (issue 9, item 7; DESIGN §2.5, §2.6, §5 "memory bounded by cardinality"): a real mlslo
 * server in a child process (`--expose-gc`, so its heap can be measured after a full collection),
 * fed over HTTP with 100,000 distinct values in each of two cohort attributes and of a categorical drift
 * feature, plus 1,000 model versions.
 *
 * The stream is built so every expected number is known by hand:
 * - request i (0 ≤ i < N) has cohort user = u<i>, session = s<(i·7919) mod N> (a permutation, so the kept
 *   sessions are not the alphabetically first), sku = k<i>; it is labelled when i ≡ 0 (mod 10), right
 *   when i ≡ 0 (mod 20).
 * - the cap keeps the first `cohortCap` (default 200) values seen per attribute (docs/design-decisions.md):
 *   the requests i < 200, one each; every later value folds into `(other)`. 300 requests of user
 *   `heavy` arrive after the first 1,000 — more traffic than any kept value — and still fold: the rule is
 *   first seen, not top by traffic.
 * - drift: the baseline is k00000…k00099 × 12 (1,200 rows, so Jensen–Shannon); production names outside
 *   it are absent from the baseline, and merging such columns leaves the JS distance unchanged, so the
 *   capped histogram's distance equals the uncapped one computed here from the raw stream.
 * - a small service checks the capped chi-squared and PSI by hand (20 new names kept, the rest `(other)`).
 *
 * Memory: heap (after GC) and RSS of the server after the first 1,000 distinct values, then after all
 * 100,000 — the same queries in both states — must stay within the bounds stated at HEAP_GROWTH_MAX
 * (no timings are asserted). The store is read through a second connection: no table keeps a row per
 * folded value.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { NEW_CATEGORY_CAP } from '../../src/core/drift/histogram.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startTestServer } from '../helpers/server.ts';

const CHILD_ENV = 'MLSLO_CARDINALITY_CHILD';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
/** Every request of the big stream falls in the minute 11:30 (one rollup minute, one drift hour). */
const T0 = NOW - 30 * MIN;
const N = 100_000;
const FIRST = 1_000;
const CAP = 200;
const HEAVY = 300;
const VERSIONS = 1_000;
const OTHER = '(other)';
const MiB = 1024 * 1024;
/**
 * Bounds on growth from 1k to 100k distinct values. The V8 heap after GC holds everything mlslo keeps
 * per value (measured: +1 MiB; remembering every value seen costs +13 MiB). RSS also holds SQLite's
 * page cache (sqlite-store.ts: cache_size 256 MiB), which fills with the pages the 99k new requests
 * were written to: growth by event count, by design, so RSS may grow by the database's growth (at most
 * that cache) plus a fixed slack (measured: RSS +60 MiB for +48 MiB of database).
 */
const HEAP_GROWTH_MAX = 8 * MiB;
const SQLITE_CACHE = 256 * MiB;
const RSS_SLACK = 48 * MiB;

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: clf, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  cohorts: [user, session]
  drift:
    features: {sku: categorical}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: tiny, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  drift:
    features: {color: categorical}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: versions, owner: ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
`;

const pad = (i: number): string => String(i).padStart(5, '0');
const userOf = (i: number): string => `u${pad(i)}`;
const sessionOf = (i: number): string => `s${pad((i * 7919) % N)}`;
const iso = (t: number): string => new Date(t).toISOString();

// ---------------------------------------------------------------------------------------------------
// The child: one real server (test/helpers/server.ts) on loopback; answers memory probes over IPC.
// ---------------------------------------------------------------------------------------------------

interface Ready { readonly kind: 'ready'; readonly url: string; readonly admin: string; readonly read: string; readonly data: string }
interface Memory {
  readonly kind: 'memory';
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
  /** The SQLite files' size (parent side): what the page cache can fill with. */
  readonly dbBytes?: number;
}
type ChildMessage = Ready | Memory;

async function serveChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the child needs --expose-gc');
  const s = await startTestServer(SPEC, NOW, { metricsTtl: '0s' });
  const admin = await s.key('admin');
  const read = await s.key('read');
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'memory') {
      gc();
      setImmediate(() => {
        gc();
        const u = process.memoryUsage();
        process.send!({ kind: 'memory', heapUsed: u.heapUsed, rss: u.rss, external: u.external } satisfies Memory);
      });
    } else if (m.kind === 'stop') {
      void stop().then(() => process.disconnect());
    }
  });
  // If the test process dies, the IPC channel closes: stop rather than outlive it.
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= s.stop());
  process.on('disconnect', () => void stop().then(() => process.exit(0)));
  process.send!({ kind: 'ready', url: s.url, admin, read, data: join(s.dir, 'data') } satisfies Ready);
}

// ---------------------------------------------------------------------------------------------------
// The parent: the tests.
// ---------------------------------------------------------------------------------------------------

let child: ChildProcess;
let url: string;
let admin: string;
let read: string;
/** The child's SQLite data directory, read through a second store connection as `mlslo keys` does. */
let data: string;
const childLog: string[] = [];
const inbox: ChildMessage[] = [];
let waiting: ((m: ChildMessage) => void) | undefined;

function nextMessage(): Promise<ChildMessage> {
  const m = inbox.shift();
  if (m !== undefined) return Promise.resolve(m);
  return new Promise((resolve, reject) => {
    waiting = resolve;
    child.once('exit', (code) => reject(new Error(`the server child exited (${code}):\n${childLog.join('')}`)));
  });
}

async function memory(): Promise<Memory> {
  // The smallest of three probes: a probe can land while the evaluator or drift timer holds a transient.
  const probes: Memory[] = [];
  for (let k = 0; k < 3; k++) {
    child.send({ kind: 'memory' });
    const m = await nextMessage();
    assert.equal(m.kind, 'memory');
    probes.push(m);
  }
  return {
    kind: 'memory',
    dbBytes: readdirSync(data).reduce((a, f) => a + statSync(join(data, f)).size, 0),
    heapUsed: Math.min(...probes.map((p) => p.heapUsed)),
    rss: Math.min(...probes.map((p) => p.rss)),
    external: Math.min(...probes.map((p) => p.external)),
  };
}

async function post(items: readonly unknown[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST', body: JSON.stringify(items), headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
  });
  const json = await res.json() as { accepted: number; rejected: unknown[] };
  assert.equal(res.status, 200, JSON.stringify(json).slice(0, 500));
  assert.deepEqual(json.rejected, []);
  assert.equal(json.accepted, items.length);
}

async function get(path: string): Promise<any> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${read}` } });
  const json = await res.json();
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

async function metricsText(): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${read}` } });
  assert.equal(res.status, 200);
  return res.text();
}

async function uploadBaseline(service: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${url}/v1/services/${service}/baselines`, {
    method: 'POST', body: rows.map((r) => JSON.stringify(r)).join('\n'),
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  assert.equal(res.status, 201, await res.text());
}

/** Requests lo … hi − 1 of the big stream, each labelled one followed by its outcome; ≤ 10,000 items per POST. */
async function sendStream(lo: number, hi: number): Promise<void> {
  let items: unknown[] = [];
  for (let i = lo; i < hi; i++) {
    const id = `r${pad(i)}`;
    items.push({
      kind: 'inference', id, service: 'clf', model: 'm1', ts: iso(T0 + Math.floor(i / 2)), status: 'ok', latencyMs: 20,
      cohort: { user: userOf(i), session: sessionOf(i) }, features: { sku: `k${pad(i)}` }, prediction: { label: 'yes' },
    });
    if (i % 10 === 0) {
      items.push({ kind: 'outcome', requestId: id, service: 'clf', ts: iso(NOW - MIN), source: 'ground_truth', label: i % 20 === 0 ? 'yes' : 'no' });
    }
    if (items.length >= 9_900) {
      await post(items);
      items = [];
    }
  }
  if (items.length > 0) await post(items);
}

const byValue = (rows: readonly any[], attr: string): Map<string, any> =>
  new Map(rows.filter((r) => r.attr === attr).map((r) => [r.value, r]));
const byName = (list: readonly any[]): Record<string, any> => Object.fromEntries(list.map((f) => [f.name, f]));

/** The values that keep a row of their own, by the documented rule: the first CAP seen. */
const KEPT_USERS = Array.from({ length: CAP }, (_, i) => userOf(i));
const KEPT_SESSIONS = Array.from({ length: CAP }, (_, i) => sessionOf(i));

/** Jensen–Shannon distance (natural log) of the uncapped big stream against the baseline, from its definition. */
function expectedSkuDistance(): number {
  const p = 0.01; // k00000…k00099, 12 of 1,200 each
  const q = 1 / N; // every production name once
  const m = (p + q) / 2;
  let d = 100 * (0.5 * p * Math.log(p / m) + 0.5 * q * Math.log(q / m));
  d += (N - 100) * 0.5 * q * Math.log(2); // production-only names: m = q/2
  return Math.sqrt(d);
}

/** What both memory states are queried with, so their caches hold the same kinds of things. */
async function queryAll(): Promise<{ report: any; quality: any; heatUser: any; heatSession: any; drift: any; driftByCohort: any; metrics: string }> {
  return {
    report: await get('/v1/services/clf/report'),
    quality: await get('/v1/services/clf/quality?by=cohort'),
    heatUser: await get('/v1/services/clf/quality/heatmap?attr=user&days=1'),
    heatSession: await get('/v1/services/clf/quality/heatmap?attr=session&days=1'),
    drift: await get('/v1/services/clf/drift'),
    driftByCohort: await get('/v1/services/clf/drift?by=cohort'),
    metrics: await metricsText(),
  };
}

/** Rows of every per-cohort view, checked against `rowsPerAttr` (cap + 1) and the kept values. */
function assertBounded(q: Awaited<ReturnType<typeof queryAll>>): void {
  for (const [attr, kept] of [['user', KEPT_USERS], ['session', KEPT_SESSIONS]] as const) {
    const want = [...kept, OTHER].sort();
    assert.deepEqual([...byValue(q.report.cohorts, attr).keys()].sort(), want, `report rows of ${attr}`);
    assert.deepEqual([...byValue(q.quality.groups, attr).keys()].sort(), want, `quality rows of ${attr}`);
    const heat = attr === 'user' ? q.heatUser : q.heatSession;
    assert.deepEqual(heat.rows.map((r: any) => r.value).sort(), want, `heatmap rows of ${attr}`);
    assert.deepEqual(q.driftByCohort.cohorts.filter((c: any) => c.attr === attr).map((c: any) => c.value).sort(), want, `drift cohorts of ${attr}`);
    const gauges = q.metrics.split('\n').filter((l) => l.startsWith(`mlslo_cohort_judged_requests{`) && l.includes('service="clf"') && l.includes(`cohort="${attr}"`));
    assert.equal(gauges.length, CAP + 1, `/metrics judged gauges of ${attr}`);
    assert.ok(q.quality.warnings.some((w: string) => w.includes(`\`${attr}\``) && w.includes(`more than ${CAP} values`)), `a warning names ${attr}: ${JSON.stringify(q.quality.warnings)}`);
  }
}

let memoryAt1k: Memory;
let memoryAt100k: Memory;
let at1k: Awaited<ReturnType<typeof queryAll>>;
let at100k: Awaited<ReturnType<typeof queryAll>>;

if (process.env[CHILD_ENV] === '1') {
  await serveChild();
} else {
  before(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_ENV]: '1' };
    delete env.NODE_TEST_CONTEXT; // the child is a server, not a test file
    child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout!.on('data', (b: Buffer) => childLog.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => childLog.push(b.toString()));
    child.on('message', (m: ChildMessage) => {
      const w = waiting;
      waiting = undefined;
      if (w !== undefined) w(m);
      else inbox.push(m);
    });
    const ready = await nextMessage();
    assert.equal(ready.kind, 'ready');
    ({ url, admin, read, data } = ready);

    // Baselines first, so the drift folder bins every request as it arrives.
    await uploadBaseline('clf', Array.from({ length: 1_200 }, (_, j) => ({ sku: `k${pad(j % 100)}` })));
    await uploadBaseline('tiny', Array.from({ length: 100 }, (_, j) => ({ color: j < 60 ? 'a' : 'b' })));
    // tiny: x01…x25 twice each (first seen in that order), then a × 30, b × 20.
    const colors = [
      ...Array.from({ length: 25 }, (_, k) => `x${String(k + 1).padStart(2, '0')}`).flatMap((x) => [x, x]),
      ...Array<string>(30).fill('a'), ...Array<string>(20).fill('b'),
    ];
    await post(colors.map((color, j) => ({
      kind: 'inference', id: `t${j}`, service: 'tiny', model: 'm1', ts: iso(T0 + j), status: 'ok', latencyMs: 20, features: { color }, prediction: { label: 'yes' },
    })));
    // versions: one request per model version.
    await post(Array.from({ length: VERSIONS }, (_, j) => ({
      kind: 'inference', id: `v${j}`, service: 'versions', model: `v${String(j).padStart(4, '0')}`, ts: iso(T0 + j), status: 'ok', latencyMs: 20, prediction: { label: 'yes' },
    })));

    await sendStream(0, FIRST);
    at1k = await queryAll();
    memoryAt1k = await memory();

    await post(Array.from({ length: HEAVY }, (_, j) => ({
      kind: 'inference', id: `h${j}`, service: 'clf', model: 'm1', ts: iso(T0 + 55_000 + j), status: 'ok', latencyMs: 20,
      cohort: { user: 'heavy' }, prediction: { label: 'yes' },
    })));
    await sendStream(FIRST, N);
    at100k = await queryAll();
    memoryAt100k = await memory();
  });

  after(async () => {
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ kind: 'stop' });
    await exited;
  });

  test('1k distinct values: already capped at 200 + (other) per attribute, everywhere', () => {
    assertBounded(at1k);
    const user = byValue(at1k.report.cohorts, 'user');
    assert.equal(user.get(OTHER).eligible, FIRST - CAP);
  });

  test('100k distinct values per attribute: the first 200 seen keep their rows, the rest fold into (other) with exact counts', () => {
    assertBounded(at100k);
    const { report, quality } = at100k;
    const users = byValue(report.cohorts, 'user');
    const sessions = byValue(report.cohorts, 'session');
    for (const v of KEPT_USERS) assert.equal(users.get(v).eligible, 1, v);
    for (const v of KEPT_SESSIONS) assert.equal(sessions.get(v).eligible, 1, v);
    // user: N − 200 stream requests plus the 300 `heavy` ones, which arrived after the cap filled.
    assert.equal(users.get(OTHER).eligible, N - CAP + HEAVY);
    assert.equal(users.has('heavy'), false, 'first seen, not top by traffic');
    assert.equal(sessions.get(OTHER).eligible, N - CAP);
    assert.equal(report.errors.total, N + HEAVY);

    // Labelled: i ≡ 0 (mod 10); right: i ≡ 0 (mod 20). Kept rows: i < 200 → 20 labelled, one each.
    // (other): i = 200, 210, …, 99990 → 9,980 labelled, of which 4,990 right: q̂ = 0.5 exactly.
    for (const attr of ['user', 'session']) {
      const groups = byValue(quality.groups, attr);
      const other = groups.get(OTHER);
      assert.equal(other.judged, 9_980, attr);
      assert.equal(other.qHat, 0.5, attr);
      const judgedKept = [...groups.values()].filter((g) => g.value !== OTHER).reduce((a, g) => a + g.judged, 0);
      assert.equal(judgedKept, 20, attr);
    }
    const heatOther = at100k.heatUser.rows.find((r: any) => r.value === OTHER);
    assert.equal(heatOther.overall.judged, 9_980);
    assert.ok(at100k.metrics.includes('mlslo_cohort_judged_requests{service="clf",cohort="user",value="(other)"} 9980'));
    assert.equal(quality.warnings.filter((w: string) => w.startsWith('cohort attribute')).length, 2);
  });

  test('a categorical feature with 100k distinct categories: the histogram keeps a bounded set of names, JS distance is the uncapped one', () => {
    const sku = byName(at100k.drift.features).sku;
    assert.equal(sku.currentCount, N);
    assert.equal(sku.method, 'jensenshannon');
    // Merging production-only columns (baseline share 0) into (other) leaves the JS distance unchanged.
    const want = expectedSkuDistance();
    assert.ok(Math.abs(sku.statistic - want) <= 1e-9 * want, `${sku.statistic} vs ${want}`);
    assert.equal(sku.drifted, true);
    assert.ok(sku.newCategories.length >= 1 && sku.newCategories.length <= 2 * NEW_CATEGORY_CAP, `${sku.newCategories.length} names`);
    for (const c of sku.newCategories) {
      assert.ok(c.value >= 'k00100' && c.value !== OTHER, c.value);
      assert.equal(c.share, 1 / N);
    }
    // Per cohort: the (other) rows hold the folded requests; `heavy` sent no sku (missing).
    const cohorts = new Map<string, any>(at100k.driftByCohort.cohorts.map((c: any) => [`${c.attr}=${c.value}`, c]));
    assert.equal(byName(cohorts.get(`user=${OTHER}`).features).sku.currentCount, N - CAP);
    assert.equal(byName(cohorts.get(`user=${OTHER}`).features).sku.currentMissing, HEAVY);
    assert.equal(byName(cohorts.get(`session=${OTHER}`).features).sku.currentCount, N - CAP);
    assert.equal(byName(cohorts.get('user=u00007').features).sku.currentCount, 1);
  });

  test('capped categorical drift by hand: 20 new names kept, 5 in (other); chi-squared and PSI of the capped table', async () => {
    const color = byName((await get('/v1/services/tiny/drift')).features).color;
    assert.equal(color.currentCount, 100);
    assert.equal(color.method, 'chi2', '100 baseline rows, 23 categories');
    // Table (baseline, production): a (60, 30), b (40, 20), x01…x20 (0, 2) each, (other) (0, 10).
    // Expected counts are half the column totals: a 10, b 20/3, and every baseline-empty column adds
    // its total, 50 in all — the same 200/3 as without the cap; the degrees of freedom are 23 − 1 = 22.
    const x = 200 / 3;
    assert.ok(Math.abs(color.statistic - x) <= 1e-12 * x, `${color.statistic}`);
    // Survival of χ²(22) in closed form (even degrees of freedom): e^(−x/2) Σ_{k<11} (x/2)^k / k!.
    let term = 1;
    let sum = 1;
    for (let k = 1; k < 11; k++) sum += (term *= x / 2 / k);
    const p = Math.exp(-x / 2) * sum;
    assert.ok(Math.abs(color.pValue - p) <= 1e-9 * p, `${color.pValue} vs ${p}`);
    assert.equal(color.drifted, true);
    assert.deepEqual(color.newCategories, Array.from({ length: NEW_CATEGORY_CAP }, (_, k) => ({ value: `x${String(k + 1).padStart(2, '0')}`, share: 0.02 })));
    // PSI Σ (c − r) ln(c / r), an empty share read as 1e-4: a, b, 20 names at 2%, (other) at 10%.
    const e = 1e-4;
    const psi = (0.3 - 0.6) * Math.log(0.3 / 0.6) + (0.2 - 0.4) * Math.log(0.2 / 0.4)
      + 20 * (0.02 - e) * Math.log(0.02 / e) + (0.1 - e) * Math.log(0.1 / e);
    assert.ok(Math.abs(color.psi.value - psi) <= 1e-9 * psi, `${color.psi.value} vs ${psi}`);
  });

  test('the store keeps no row per folded value: rollups, drift cells, verdict steps and the cap\'s memory hold 200 + (other) per attribute', async () => {
    const store = await openStore(data);
    try {
      const values = (refs: readonly { attr: string; value: string }[], attr: string): string[] =>
        [...new Set(refs.filter((r) => r.attr === attr).map((r) => r.value))].sort();
      const want = { user: [...KEPT_USERS, OTHER].sort(), session: [...KEPT_SESSIONS, OTHER].sort() };
      // What the cohort registry reloads after a restart (CohortRegistry.load).
      const remembered = await store.listCohortValues('clf');
      assert.equal(remembered.length, 2 * (CAP + 1));
      for (const attr of ['user', 'session'] as const) assert.deepEqual(values(remembered, attr), want[attr]);

      // One minute, one hour, one day, one model: one whole-service row plus one per kept value and (other).
      for (const resolution of ['m', 'h', 'd'] as const) {
        const rows = await store.readRollups({ service: 'clf', resolution, from: 0, to: NOW + MIN, cohorts: true, sketches: false });
        assert.equal(rows.length, 1 + 2 * (CAP + 1), `rollup_${resolution}`);
      }
      const layout = String(at100k.drift.baseline.id);
      for (const resolution of ['h', 'd'] as const) {
        const cells = await store.readDriftCells({ service: 'clf', layout, resolution, from: 0, to: NOW + MIN, cohorts: true });
        assert.equal(cells.length, 1 + 2 * (CAP + 1), `drift cells (${resolution})`);
        for (const c of cells) {
          assert.equal(c.hist.kind, 'categorical');
          if (c.hist.kind === 'categorical') assert.ok(c.hist.extra.size <= 2 * NEW_CATEGORY_CAP + 1, `${c.attr}=${c.value}: ${c.hist.extra.size} names`);
        }
      }
      const steps = await store.readVerdictStepsAfter('clf', 0, 0, NOW + MIN);
      assert.equal(new Set(steps.map((s) => s.requestId)).size, N / 10);
      // Labelled requests are i ≡ 0 (mod 10): twenty of them among the kept i < 200, the rest (other).
      const labelledKept = Array.from({ length: CAP / 10 }, (_, k) => 10 * k);
      const stepValues = (attr: 'user' | 'session'): string[] => [...new Set(steps.map((s) => s.cohort[attr]!))].sort();
      assert.deepEqual(stepValues('user'), [...labelledKept.map(userOf), OTHER].sort());
      assert.deepEqual(stepValues('session'), [...labelledKept.map(sessionOf), OTHER].sort());
    } finally {
      await store.close();
    }
  });

  test('model versions are not capped: 1,000 versions give 1,000 report rows (docs/reliability.md, Cardinality)', async () => {
    const report = await get('/v1/services/versions/report');
    assert.equal(report.versions.length, VERSIONS);
    const quality = await get('/v1/services/versions/quality?by=version');
    assert.equal(quality.groups.length, VERSIONS);
  });

  test(`memory: from 1k to 100k distinct values, heap after GC grows < ${HEAP_GROWTH_MAX / MiB} MiB, RSS < the database's growth + ${RSS_SLACK / MiB} MiB`, () => {
    const mb = (x: number): string => `${(x / MiB).toFixed(1)} MiB`;
    const line = `heap ${mb(memoryAt1k.heapUsed)} → ${mb(memoryAt100k.heapUsed)}, rss ${mb(memoryAt1k.rss)} → ${mb(memoryAt100k.rss)}, `
      + `external ${mb(memoryAt1k.external)} → ${mb(memoryAt100k.external)}, SQLite files ${mb(memoryAt1k.dbBytes!)} → ${mb(memoryAt100k.dbBytes!)}`;
    process.stdout.write(`# cardinality memory: ${line}\n`);
    assert.ok(memoryAt100k.heapUsed - memoryAt1k.heapUsed < HEAP_GROWTH_MAX, line);
    const pageCache = Math.min(SQLITE_CACHE, memoryAt100k.dbBytes! - memoryAt1k.dbBytes!);
    assert.ok(memoryAt100k.rss - memoryAt1k.rss < pageCache + RSS_SLACK, line);
  });
}
