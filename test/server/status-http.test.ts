/**
 * The public status page end to end (DESIGN §2.10): events over HTTP into SQLite, then `GET /status`
 * and `GET /status.json` without a key. Expected states, attainments and daily bars are worked out by
 * hand next to each assertion, never read back from the code.
 */
import { after, before, test } from 'node:test';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { StatusResponseSchema } from '../../src/server/schemas/status.ts';
import { StatusCache, acceptsGzip, matchesEtag } from '../../src/server/routes/status.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const EVIL = `<script>alert(1)</script>"'&`;

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata:
  name: scorer
  owner: scorer-ml-team
  oncall: sre-core-rotation
  tier: 1
  public: true
  description: 'Scores <script>alert(1)</script> "double" ''single'' & more'
spec:
  task: classification
  objectives: {errors: 0.99, latency: 0.95, quality: 0.9}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  quality: {minSamples: 5}
  cohorts: [region, language]
  statusPage: {cohorts: [region]}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: gpu-scorer, owner: gpu-ml-team, oncall: sre-gpu-rotation, tier: 1, public: true}
spec:
  task: classification
  objectives: {errors: 0.999, latency: 0.99, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  statusPage: {qualityMeaning: "Share of <b>correct</b> fraud flags & nothing else"}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: labeler, owner: labeler-ml-team, oncall: sre-label-rotation, tier: 1, public: true}
spec:
  task: classification
  objectives: {errors: 0.99, latency: 0.95, quality: 0.95}
  latency: {classes: [{name: all, thresholdMs: 1000}]}
  quality: {minSamples: 5}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: secret-scorer, owner: hidden-team, oncall: hidden-rotation, tier: 2, description: internal only}
spec:
  task: classification
`;

const MIN = 60_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MODEL = 'model-7f3a';
let seq = 0;

interface Req { ok?: boolean; slow?: boolean; region?: string; truth?: string }

/** Inferences at `start` + i seconds (prediction `yes`), and an outcome an hour later for those with `truth`. */
function batch(service: string, start: number, reqs: readonly Req[]): unknown[] {
  const out: unknown[] = [];
  reqs.forEach((r, i) => {
    const id = `st-${seq++}`;
    const ts = new Date(start + i * 1000).toISOString();
    const cohort = { region: r.region ?? 'eu', language: 'pt-secret-lang' };
    out.push(r.ok === false
      ? { kind: 'inference', id, service, model: MODEL, ts, status: 'error', errorType: 'gpu_oom', cohort }
      : { kind: 'inference', id, service, model: MODEL, ts, status: 'ok', latencyMs: r.slow === true ? 2000 : 50, cohort, prediction: { label: 'yes' } });
    if (r.truth !== undefined) {
      out.push({ kind: 'outcome', requestId: id, service, ts: new Date(Math.min(start + 3_600_000, NOW)).toISOString(), source: 'ground_truth', label: r.truth });
    }
  });
  return out;
}

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

let s: TestServer;
let ingest: string;

async function post(events: unknown[]): Promise<void> {
  const r = await s.post(JSON.stringify(events), ingest);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.rejected, []);
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${s.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

before(async () => {
  s = await startTestServer(SPEC, NOW);
  ingest = await s.key('ingest');
  const day = (d: string): number => Date.parse(`${d}T10:00:00Z`);
  // scorer, Nov 25: 100 requests in region EVIL; #0–1 fail, #2–6 are slow (2000 ms > 1000 ms);
  // #10–19 are judged, #19 wrong.
  await post(batch('scorer', day('2026-11-25'), times(100, (i) => ({
    region: EVIL, ok: i >= 2, slow: i >= 2 && i <= 6, ...(i >= 10 && i < 20 ? { truth: i === 19 ? 'no' : 'yes' } : {}),
  }))));
  // Nov 26: 50 requests, all ok and fast, #0–9 judged right. Nov 27: 40, #0–2 judged right (< minSamples 5).
  await post(batch('scorer', day('2026-11-26'), times(50, (i) => ({ ...(i < 10 ? { truth: 'yes' } : {}) }))));
  await post(batch('scorer', day('2026-11-27'), times(40, (i) => ({ ...(i < 3 ? { truth: 'yes' } : {}) }))));

  // gpu-scorer: the last hour at 20 a minute; in the last 10 minutes half of them run out of GPU memory.
  for (let t = NOW - 60 * MIN; t < NOW; t += MIN) {
    await post(batch('gpu-scorer', t, times(20, (i) => ({ ok: !(t >= NOW - 10 * MIN && i % 2 === 0) }))));
  }
  // labeler: the last hour at 20 a minute, all ok and fast, every one judged, half of them wrong.
  for (let t = NOW - 60 * MIN; t < NOW; t += MIN) {
    await post(batch('labeler', t, times(20, (i) => ({ truth: i % 2 === 0 ? 'yes' : 'no' }))));
  }
  await post(batch('secret-scorer', NOW - 30 * MIN, times(30, () => ({ ok: false }))));
});
after(async () => s.stop());

const close = (got: number | null, want: number, what: string): void => {
  assert.ok(got !== null && Math.abs(got - want) < 1e-12, `${what}: got ${got}, want ${want}`);
};

test('/status.json: states by the serviceState rule, hand-computed attainments and 90 daily bars', async () => {
  const r = await get('/status.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  const doc = JSON.parse(r.text);
  assert.equal(doc.asOf, new Date(NOW).toISOString());
  assert.equal(doc.days, 90);
  // Public services only, sorted by name; secret-scorer is not mentioned at all.
  assert.deepEqual(doc.services.map((x: { name: string }) => x.name), ['gpu-scorer', 'labeler', 'scorer']);
  const svc = (name: string) => doc.services.find((x: { name: string }) => x.name === name);

  // gpu-scorer: 1h holds 100 failures of 1200 → burn (100/1200)/0.001 = 83; 5m: 50/100 → 500; both
  // above 14.4, a page on errors → outage.
  assert.equal(svc('gpu-scorer').state, 'outage');
  // labeler: q̂ = 0.5 in every window, burn (1 − 0.5)/(1 − 0.95) = 10 > 6 on 6h and 30m → a quality
  // page; errors and latency are clean → quality degraded.
  assert.equal(svc('labeler').state, 'quality_degraded');
  // scorer: the policy windows (3d at most: from Nov 25 12:00) hold Nov 26–27 only, all good → operational.
  assert.equal(svc('scorer').state, 'operational');
  // The headline is the worst state.
  assert.equal(doc.state, 'outage');

  const sc = svc('scorer');
  assert.equal(sc.window, '30d');
  assert.equal(sc.description, `Scores <script>alert(1)</script> "double" 'single' & more`);
  assert.equal(sc.qualityMeaning, 'Quality: the share of answers whose predicted label matched the true label, checked on a sample of requests by human reviewers, against the actual outcome or by an automated judge; objective 90% over a rolling 30 days.');
  assert.equal(svc('gpu-scorer').qualityMeaning, 'Share of <b>correct</b> fraud flags & nothing else');

  // Over the 30-day window: 190 eligible, 188 ok, 183 ok and fast, 23 judged, 22 right.
  const d = sc.dimensions;
  close(d.errors.attainment, 188 / 190, 'errors'); // 0.98947 < 0.99
  assert.equal(d.errors.status, 'missed');
  assert.equal(d.errors.objective, 0.99);
  close(d.latency.attainment, 183 / 188, 'latency'); // 0.97340 ≥ 0.95
  assert.equal(d.latency.status, 'met');
  close(d.quality.attainment, 22 / 23, 'quality'); // 0.95652 ≥ 0.9
  assert.equal(d.quality.status, 'met');
  // composite = okFast · q̂ / eligible = 183 · (22/23) / 190 = 0.92128; objective floor4(0.99·0.95·0.9) = 0.8464.
  close(d.composite.attainment, (183 * 22 / 23) / 190, 'composite');
  assert.equal(d.composite.objective, 0.8464);
  assert.equal(d.composite.status, 'met');

  // 90 UTC days, Aug 31 … Nov 28; traffic on Nov 25–27 only.
  for (const dim of ['errors', 'latency', 'quality', 'composite']) {
    const days = d[dim].days;
    assert.equal(days.length, 90);
    assert.equal(days[0].date, '2026-08-31');
    assert.equal(days[89].date, '2026-11-28');
    const withData = days.filter((x: { status: string }) => x.status !== 'no_data').map((x: { date: string }) => x.date);
    assert.deepEqual(withData, ['2026-11-25', '2026-11-26', '2026-11-27'], dim);
    assert.ok(days.filter((x: { status: string }) => x.status === 'no_data').every((x: { sli: unknown }) => x.sli === null));
  }
  const day = (dim: string, date: string) => d[dim].days.find((x: { date: string }) => x.date === date);
  // Nov 25: errors 98/100 → missed; latency 93/98 = 0.94898 → missed; quality 9/10 = 0.9 → met (≥);
  // composite 93 · 0.9 / 100 = 0.837 → missed.
  assert.deepEqual(day('errors', '2026-11-25'), { date: '2026-11-25', sli: 0.98, status: 'missed' });
  close(day('latency', '2026-11-25').sli, 93 / 98, 'latency Nov 25');
  assert.equal(day('latency', '2026-11-25').status, 'missed');
  assert.deepEqual(day('quality', '2026-11-25'), { date: '2026-11-25', sli: 0.9, status: 'met' });
  close(day('composite', '2026-11-25').sli, 0.837, 'composite Nov 25');
  assert.equal(day('composite', '2026-11-25').status, 'missed');
  // Nov 26: everything 1 → met.
  for (const dim of ['errors', 'latency', 'quality', 'composite']) assert.deepEqual(day(dim, '2026-11-26'), { date: '2026-11-26', sli: 1, status: 'met' });
  // Nov 27: 3 judged < minSamples 5 → quality insufficient; the composite's 40/40 is only an upper bound.
  assert.deepEqual(day('errors', '2026-11-27'), { date: '2026-11-27', sli: 1, status: 'met' });
  assert.deepEqual(day('quality', '2026-11-27'), { date: '2026-11-27', sli: null, status: 'insufficient' });
  assert.deepEqual(day('composite', '2026-11-27'), { date: '2026-11-27', sli: 1, status: 'insufficient' });

  // Only the published cohort attribute (region, not language): EVIL has 10 judged, 9 right → 0.9, met;
  // eu has 13 judged, all right → 1.
  assert.deepEqual(sc.cohorts, [{ attr: 'region', values: [
    { value: EVIL, quality: 0.9, status: 'met' },
    { value: 'eu', quality: 1, status: 'met' },
  ] }]);
  assert.deepEqual(svc('gpu-scorer').cohorts, []);
});

test('/status.json validates against the StatusResponse schema (ajv, strict)', async () => {
  // ajv-formats is CommonJS with a default export; under ESM its plugin is the module's default.
  const ajv = (addFormatsPlugin as unknown as (a: Ajv) => Ajv)(new Ajv({ allErrors: true, strict: true }));
  const validate = ajv.compile(StatusResponseSchema);
  const doc = JSON.parse((await get('/status.json')).text);
  assert.ok(validate(doc), JSON.stringify(validate.errors));
});

test('nothing internal leaks: owners, on-call, error types, model versions, other cohorts, non-public services', async () => {
  for (const path of ['/status', '/status.json']) {
    const { text } = await get(path);
    for (const secret of ['secret-scorer', 'internal only', 'hidden-team', 'scorer-ml-team', 'sre-core-rotation', 'gpu-ml-team',
      'sre-gpu-rotation', 'gpu_oom', MODEL, 'pt-secret-lang', 'language', 'burn', 'page', 'owner', 'oncall']) {
      assert.ok(!text.includes(secret), `${path} mentions ${secret}`);
    }
  }
});

test('/status: every string from a spec or an event is escaped', async () => {
  const r = await get('/status');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  const page = r.text;
  assert.ok(!page.includes('<script'), 'no script element, raw or injected');
  assert.ok(!page.includes(EVIL));
  assert.ok(!page.includes('<b>correct</b>'));
  // The description, the cohort value and the custom quality meaning, each in its escaped form.
  assert.ok(page.includes('Scores &lt;script&gt;alert(1)&lt;/script&gt; &quot;double&quot; &#39;single&#39; &amp; more'));
  assert.ok(page.includes('<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</th>'));
  assert.ok(page.includes('Share of &lt;b&gt;correct&lt;/b&gt; fraud flags &amp; nothing else'));
  // Nothing may execute even so: no script source is allowed.
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /script-src|unsafe-inline/);
});

test('/status: a page a customer can read — headline, badges, bars with per-day titles, on a phone', async () => {
  const page = (await get('/status')).text;
  assert.match(page, /^<!doctype html>\n<html lang="en">/);
  assert.ok(page.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
  assert.ok(page.includes('<h1 id="headline">Outage affecting 1 service</h1>'));
  assert.ok(page.includes('As of <time datetime="2026-11-28T12:00:00.000Z">28 Nov 2026, 12:00 UTC</time>'));
  for (const landmark of ['<header', '<main id="main"', '<nav aria-label="Services">', '<footer']) assert.ok(page.includes(landmark), landmark);
  assert.ok(page.includes('<span class="badge s-outage">Outage</span>'));
  assert.ok(page.includes('<span class="badge s-quality_degraded">Quality degraded</span>'));
  assert.ok(page.includes('<span class="badge s-operational">Operational</span>'));
  // The bars of scorer's availability: 90, titled with day and value; the row is an image labelled by a text summary.
  const section = page.slice(page.indexOf('<section class="service" id="svc-scorer"'));
  const avail = section.slice(section.indexOf('<h3 id="svc-scorer-errors">'), section.indexOf('<h3 id="svc-scorer-latency">'));
  assert.equal(avail.match(/<span class="bar /g)?.length, 90);
  assert.ok(avail.includes('<span class="bar b-missed" title="25 Nov 2026: 98%, objective missed"></span>'));
  assert.ok(avail.includes('<span class="bar b-met" title="26 Nov 2026: 100%, objective met"></span>'));
  assert.ok(avail.includes('<span class="bar b-no_data" title="28 Nov 2026: no data"></span>'));
  assert.ok(avail.includes('<strong>98.947%</strong> over the last 30 days · objective 99% · <span class="v-missed">missed</span>'));
  assert.ok(avail.includes('<div class="bars" role="img" aria-labelledby="svc-scorer-errors-sum">'));
  assert.ok(avail.includes('<p class="sum" id="svc-scorer-errors-sum">Availability, last 90 days: objective met on 2 of 90 days, missed on 1 (25 Nov 2026), no data on 87.</p>'));
  // Latency 93/98 = 0.948979…, shown rounded down.
  assert.ok(section.includes('title="25 Nov 2026: 94.897%, objective missed"'));
  assert.ok(section.includes('title="27 Nov 2026: at most 100%, not enough labelled requests"'));
  // Text of at least 16 px: the root size is the browser's (16 px), and nothing is set below 1rem.
  const sizes = [...page.matchAll(/font(?:-size)?:\s*([\d.]+)(rem|px|em)/g)].map((m) => [Number(m[1]), m[2]]);
  assert.ok(sizes.length > 0);
  for (const [n, unit] of sizes) assert.ok(unit === 'px' ? (n as number) >= 16 : (n as number) >= 1, `font size ${n}${unit}`);
  assert.ok(!/<img|<script|<link|src=|https?:\/\//.test(page.replace(/<!doctype html>/, '')), 'no external assets or JS');
});

test('no key needed; the API still needs one', async () => {
  assert.equal((await get('/status')).status, 200);
  assert.equal((await get('/status.json')).status, 200);
  assert.equal((await get('/v1/services')).status, 401);
});

test('caching: Cache-Control, ETag and 304, one computation per 30 s, no ?at=', async () => {
  const first = await get('/status.json');
  assert.equal(first.headers.get('cache-control'), 'public, max-age=30, stale-while-revalidate=30');
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^"[A-Za-z0-9_-]+"$/);
  const revalidated = await get('/status.json', { 'if-none-match': etag! });
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.text, '');
  assert.equal(revalidated.headers.get('etag'), etag);
  assert.equal(revalidated.headers.get('cache-control'), 'public, max-age=30, stale-while-revalidate=30');
  assert.equal((await get('/status.json', { 'if-none-match': `"other", W/${etag!}` })).status, 304);
  assert.equal((await get('/status.json', { 'if-none-match': '"other"' })).status, 200);
  const html = await get('/status');
  assert.notEqual(html.headers.get('etag'), etag);
  assert.equal((await get('/status', { 'if-none-match': html.headers.get('etag')! })).status, 304);

  // A past instant is not offered: the query is ignored and the same cached document comes back.
  const at = await get('/status.json?at=2026-11-26T00:00:00Z');
  assert.equal(at.status, 200);
  assert.equal(at.text, first.text);

  // New traffic within 30 s is not shown yet (same document); after 30 s it is.
  s.clock = NOW + 29_000;
  await post(batch('scorer', NOW + 1000, times(10, () => ({ ok: false }))));
  const cached = await get('/status.json');
  assert.equal(cached.headers.get('etag'), etag);
  s.clock = NOW + 30_000;
  const fresh = await get('/status.json');
  assert.notEqual(fresh.headers.get('etag'), etag);
  const doc = JSON.parse(fresh.text);
  assert.equal(doc.asOf, new Date(NOW + 30_000).toISOString());
  const today = doc.services.find((x: { name: string }) => x.name === 'scorer').dimensions.errors.days[89];
  assert.deepEqual(today, { date: '2026-11-28', sli: 0, status: 'missed' });
  s.clock = NOW;
});

/** A request with exact headers, the body as raw bytes (fetch would decompress it). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${s.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('gzip: compressed once per document, its own ETag, Vary: Accept-Encoding', async () => {
  for (const path of ['/status', '/status.json']) {
    const plain = await rawGet(path, { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'accept-encoding');
    const zipped = await rawGet(path, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'accept-encoding');
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    assert.ok(zipped.body.length * 4 < plain.body.length, `${zipped.body.length} of ${plain.body.length} bytes`);
    assert.notEqual(zipped.headers.etag, plain.headers.etag);
    assert.equal((await rawGet(path, { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers.etag! })).status, 304);
    assert.equal((await rawGet(path, { 'accept-encoding': 'gzip;q=0', 'if-none-match': plain.headers.etag! })).status, 304);
  }
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('deflate, gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('StatusCache computes once per TTL however many ask at once, and never caches a failure', async () => {
  let calls = 0;
  let fail = false;
  const cache = new StatusCache(async (at) => {
    calls++;
    await new Promise((resolve) => setImmediate(resolve));
    if (fail) throw new Error('store down');
    const page = { body: String(at), etag: `"${at}"` };
    return { html: page, json: page };
  }, 30_000);
  const many = await Promise.all(times(200, () => cache.get(1_000)));
  assert.equal(calls, 1);
  assert.ok(many.every((p) => p === many[0]));
  assert.equal((await cache.get(30_999)).json.body, '1000');
  assert.equal(calls, 1);
  assert.equal((await cache.get(31_000)).json.body, '31000');
  assert.equal(calls, 2);
  fail = true;
  await assert.rejects(cache.get(70_000), /store down/);
  fail = false;
  assert.equal((await cache.get(70_001)).json.body, '70001', 'the failure was not cached');
  // A clock that steps back does not serve a document from the future.
  assert.equal((await cache.get(10_000)).json.body, '10000');
});

test('matchesEtag: lists, weak tags and *', () => {
  assert.equal(matchesEtag(undefined, '"a"'), false);
  assert.equal(matchesEtag('"a"', '"a"'), true);
  assert.equal(matchesEtag('"b", "a"', '"a"'), true);
  assert.equal(matchesEtag('W/"a"', '"a"'), true);
  assert.equal(matchesEtag('*', '"a"'), true);
  assert.equal(matchesEtag('"ab"', '"a"'), false);
});

test('/status with no public service says so, and lists nothing', async () => {
  const other = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: private-svc, owner: team, oncall: sre, tier: 2, description: not for customers}
spec: {task: classification}
`, NOW);
  try {
    const page = await (await fetch(`${other.url}/status`)).text();
    assert.ok(page.includes('<h1 id="headline">No services are published on this status page</h1>'));
    assert.ok(!page.includes('private-svc') && !page.includes('not for customers'));
    const doc = await (await fetch(`${other.url}/status.json`)).json() as Record<string, unknown>;
    assert.deepEqual({ ...doc, asOf: undefined }, { asOf: undefined, state: 'no_data', days: 90, services: [] });
  } finally {
    await other.stop();
  }
});
