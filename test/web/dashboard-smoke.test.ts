/**
 * Dashboard smoke test: the server serves the built app (web/dist, built by helpers/browser.ts when
 * missing or stale) at `/` without shadowing the API, the bundle stays small, and Debian's Chromium gets
 * through sign-in, the overview and a service page of a server with three days of traffic (an error
 * burst that pages, a cohort named `<script>…` doing badly, a canary, a drift baseline). The full
 * browser suite is dashboard.test.ts and status-page.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import { webRoutes } from '../../src/server/routes/web.ts';
import { NO_CHROMIUM, ROOT, WEB_DIST, ensureWebBuilt, launchBrowser, openPage, screenshot } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const XSS = '<script>window.__xss=1</script>';

const SPEC = `
apiVersion: mlslo/v1
kind: Service
metadata: {name: smoke-clf, owner: smoke-ml, oncall: smoke-sre, tier: 1}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.8}
  quality: {minSamples: 20}
  cohorts: [region]
  drift: {features: {amount: numeric, country: categorical}}
`;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** Three days at 20 requests an hour, then a busy last hour whose final 30 minutes fail half the time. */
function traffic(): unknown[] {
  const regions = ['eu', 'us', XSS];
  const out: unknown[] = [];
  let n = 0;
  const add = (ts: number, failing: boolean): void => {
    const i = n++;
    const region = regions[i % 3]!;
    const model = ts > NOW - 24 * HOUR && i % 4 === 0 ? 'v2-canary' : 'v1';
    const id = `smoke-${i}`;
    if (failing && i % 2 === 0) {
      out.push({ kind: 'inference', id, service: 'smoke-clf', model, ts: new Date(ts).toISOString(), status: 'error', errorType: 'gpu_oom', cohort: { region } });
      return;
    }
    const label = i % 2 === 0 ? 'yes' : 'no';
    // eu and us are right 9 times in 10; the `<script>` region 5 in 10; the canary 7 in 10.
    const right = region === XSS ? i % 10 < 5 : model === 'v2-canary' ? i % 10 < 7 : i % 10 < 9;
    const amount = 10 + ((i * 37) % 100) * (ts > NOW - 24 * HOUR ? 2 : 1);
    out.push({
      kind: 'inference', id, service: 'smoke-clf', model, ts: new Date(ts).toISOString(), status: 'ok', latencyMs: i % 20 === 0 ? 900 : 40,
      cohort: { region }, features: { amount, country: ['BR', 'US', 'DE'][i % 3] }, prediction: { label, score: 0.8 },
    });
    if (ts + 5 * MIN <= NOW) {
      out.push({ kind: 'outcome', requestId: id, service: 'smoke-clf', ts: new Date(ts + 5 * MIN).toISOString(), source: 'ground_truth', label: right ? label : label === 'yes' ? 'no' : 'yes' });
    }
  };
  for (let t = NOW - 72 * HOUR; t < NOW - HOUR; t += 3 * MIN) add(t, false);
  for (let t = NOW - HOUR; t < NOW; t += 6_000) add(t, t >= NOW - 30 * MIN);
  return out;
}

let s: TestServer;
let read: string;
let browser: Browser | undefined;

before(async () => {
  ensureWebBuilt();
  s = await startTestServer(SPEC, NOW);
  const admin = await s.key('admin');
  read = await s.key('read');
  const baseline = Array.from({ length: 300 }, (_, i) => JSON.stringify({ amount: 10 + ((i * 37) % 100), country: ['BR', 'US', 'DE'][i % 3] })).join('\n');
  const up = await fetch(`${s.url}/v1/services/smoke-clf/baselines?model=v1`, {
    method: 'POST', body: baseline, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  assert.equal(up.status, 201);
  const r = await s.post(JSON.stringify(traffic()), admin);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected, []);
  await s.evaluate();
  if (NO_CHROMIUM === undefined) browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await s?.stop();
});

test('the server serves the app at / without shadowing the API', async () => {
  const index = await fetch(`${s.url}/services/smoke-clf?window=7d`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, html);
  const js = await fetch(`${s.url}${asset}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  assert.equal(js.headers.get('content-encoding'), 'gzip');
  const api = await fetch(`${s.url}/v1/nothing-here`);
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'MLSLO_ERR_ROUTE_NOT_FOUND');
  assert.deepEqual(await (await fetch(`${s.url}/healthz`)).json(), { status: 'ok' });
  assert.equal((await fetch(`${s.url}/assets/..%2F..%2Fpackage.json`)).status, 404);
});

test('without web/dist, / says how to build it and the API is untouched', async () => {
  const app = Fastify();
  webRoutes(app, join(ROOT, '.tmp', 'no-such-dist') + '/');
  const page = await app.inject('/services/x');
  assert.equal(page.statusCode, 503);
  assert.match(page.body, /npm run build:web/);
  assert.equal((await app.inject('/v1/services')).statusCode, 404);
  await app.close();
});

/** What a first visit downloads, gzipped as the server sends it; a budget that only a new dependency would break. */
const BUNDLE_BUDGET_GZIP = 80 * 1024;

test('the bundle is small: JavaScript and CSS under 80 kB gzipped', (t) => {
  const assets = readdirSync(join(WEB_DIST, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  // Only the files the page loads (a rebuild may leave none behind, as vite empties the folder).
  const loaded = assets.filter((f) => index.includes(`/assets/${f}`));
  assert.deepEqual(loaded.map((f) => f.replace(/-[\w-]+\./, '.')).sort(), ['index.css', 'index.js']);
  const sizes = loaded.map((f) => {
    const raw = readFileSync(join(WEB_DIST, 'assets', f));
    return { f, raw: raw.length, gz: gzipSync(raw).length };
  });
  const total = sizes.reduce((a, x) => a + x.gz, 0);
  t.diagnostic(`bundle: ${sizes.map((x) => `${x.f} ${(x.raw / 1024).toFixed(1)} kB (${(x.gz / 1024).toFixed(1)} kB gzip)`).join(', ')}; total ${(total / 1024).toFixed(1)} kB gzip`);
  assert.ok(total < BUNDLE_BUDGET_GZIP, `${total} bytes gzipped`);
});

test('sign in, overview, service page', { skip: NO_CHROMIUM }, async (t) => {
  const w = await openPage(browser!, t);
  const { page } = w;
  await page.goto(`${s.url}/`);
  await page.waitForURL(/\/login/);

  // The browser logs the 401 of the wrong key as an error; nothing else may fail.
  await w.expectErrors(/401/, async () => {
    await page.fill('#api-key', 'mlslo_not_a_key');
    await page.click('button[type=submit]');
    await page.getByText('unknown API key').waitFor();
  });

  await page.fill('#api-key', read);
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Services', exact: true }).waitFor();
  const row = page.locator('table.data tbody tr', { hasText: 'smoke-clf' });
  await row.waitFor();
  assert.match(await row.innerText(), /smoke-ml/);
  assert.equal(await page.evaluate('sessionStorage.getItem("mlslo.apiKey")'), read);
  await screenshot(page, 'smoke-overview');

  await row.getByRole('link', { name: 'smoke-clf' }).click();
  await page.waitForURL(/\/services\/smoke-clf/);
  await page.getByRole('heading', { name: 'smoke-clf', level: 1 }).waitFor();
  await page.locator('.uplot canvas').first().waitFor();
  const firstChart = await page.evaluate('performance.getEntriesByName("mlslo:first-chart").length');
  assert.equal(firstChart, 1);

  // The cohort named like a script tag is text, and nothing ran.
  const cohort = page.locator('table.data td', { hasText: XSS }).first();
  await cohort.waitFor();
  assert.equal(await cohort.innerText(), XSS);
  assert.equal(await page.evaluate('window.__xss'), undefined);

  // The error burst pages the on-call; its evidence is on the page.
  const alert = page.locator('.alert-card', { hasText: 'smoke-clf/burn/errors/page' });
  await alert.waitFor();
  if (await alert.getByText('Hint:').count() === 0) await alert.locator('summary').first().click();
  await alert.getByText('Investigate errors: gpu_oom').waitFor();
  await alert.getByText('No notification was sent').waitFor();
  await page.locator('#drift').getByText('Drift now').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await screenshot(page, 'smoke-service', { fullPage: true });

  // The window picker goes into the URL.
  await page.getByRole('button', { name: '1d', exact: true }).click();
  await page.waitForURL(/window=1d/);
  await page.locator('.kpi').first().waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  assert.equal(await page.evaluate('sessionStorage.getItem("mlslo.apiKey")'), null);
});
