/**
 * "Cohort names are escaped everywhere" (DESIGN §5, issue 9 item 6), in Debian's Chromium against a real
 * server. Markup arrives through every channel a user controls — a service's description and owner in
 * the spec; cohort values, model versions, feature names (an uploaded baseline's inferred columns),
 * categorical values, error types, predicted labels and input text in events — and every page that
 * shows them is visited: the public status page, the dashboard's overview and service page, the labeling
 * queues and the labeling page. On each, the payloads must be there as text, and no element they could
 * make (an `img` with src=x, an inline `script`, an `on…` handler, an iframe) may exist.
 *
 * The contexts bypass the pages' Content-Security-Policy on purpose: the CSP would stop an injected
 * handler from running, and this test is about the escaping itself, not the CSP behind it. So an escaping
 * bug shows up three ways: an injected element, a dialog from `alert()`, or `window.__xss` set.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, NO_CHROMIUM, ensureWebBuilt, launchBrowser } from '../helpers/browser.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Callbacks of page.evaluate() run in the browser; this program is type-checked for Node, without the DOM
// library, so the browser globals they use are declared here, for this module only.
declare const document: any, window: any;

const skip = NO_CHROMIUM;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const YESTERDAY = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (t: number): string => new Date(t).toISOString();

/** Each payload says where it came from, and sets window.__xss (or opens a dialog) if it ever runs. */
const X = (where: string): string => `window.__xss=(window.__xss||[]).concat('${where}');alert('${where}')`;
const P = {
  description: `Scores <img src=x onerror="${X('description')}"> & "><script>${X('description-script')}</script>`,
  owner: `<img src=x onerror="${X('owner')}">`,
  region: `<img src=x onerror="${X('region')}">`,
  lang: `"><script>${X('lang')}</script>`,
  model: `v2<img src=x onerror="${X('model')}">`,
  feature: `"><img src=x onerror="${X('feature')}">`,
  category: `<svg onload="${X('category')}">`,
  errorType: '<img src=x onerror=alert(7)>',
  label: `<b onmouseover="${X('label')}">bold</b>`,
  input: `<iframe src="javascript:${X('input')}"></iframe>`,
} as const;

/** Elements or attributes a payload would make if it became markup. */
const INJECTED = 'img[src="x"], script:not([src]), iframe, svg[onload], [onerror], [onload], [onmouseover]';

const yamlQuoted = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function spec(hook: string): string {
  return `
apiVersion: mlslo/v1
kind: Service
metadata:
  name: markup
  owner: ${yamlQuoted(P.owner)}
  oncall: sre-markup
  tier: 1
  public: true
  description: ${yamlQuoted(P.description)}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.8}
  latency: {classes: [{name: all, thresholdMs: 300}]}
  quality:
    minSamples: 5
    objectives:
      - {metric: accuracy, target: 0.9, perCohort: true}
  cohorts: [region, lang]
  labeling: {dailyBudget: 10, overlap: 0}
  statusPage: {cohorts: [region]}
  notify:
    oncall: {webhook: ${hook}/oncall}
    owner: {webhook: ${hook}/owner}
`;
}

type Event = Record<string, unknown>;

/**
 * Yesterday 10:00–12:00 and the last 3 hours: a request every 2 minutes — yesterday with markup in every
 * cohort and as the model, then alternating between a plain value and markup — each labelled 10 minutes later — right 95% of the time, but only half the time
 * in the markup region, so that cohort misses its objective and alerts. The last 20 minutes fail half
 * the time with a markup error type, so the errors page fires with it in its hint.
 */
function events(): Event[] {
  const out: Event[] = [];
  let i = 0;
  const add = (t: number, fail: boolean): void => {
    const id = `m-${i}`;
    // Yesterday's requests (the ones the labeling sampler draws from) carry markup in every field.
    const marked = t < NOW - DAY;
    const region = !marked && i % 2 === 0 ? 'eu' : P.region;
    const lang = !marked && Math.floor(i / 2) % 2 === 0 ? 'en' : P.lang;
    const label = i % 3 === 0 ? P.label : 'billing';
    const base = {
      kind: 'inference', id, service: 'markup', model: !marked && i % 2 === 0 ? 'v1' : P.model, ts: iso(t), cohort: { region, lang },
      input: { text: P.input }, features: { amount: 10 + (i % 7), [P.feature]: i % 5, channel: i % 4 === 0 ? P.category : 'email' },
    };
    if (fail) out.push({ ...base, status: 'error', errorType: P.errorType });
    else {
      out.push({ ...base, status: 'ok', latencyMs: 80, prediction: { label, score: 0.8 } });
      const right = region === P.region ? i % 4 < 2 : i % 20 !== 0;
      if (t + 10 * MIN <= NOW) out.push({ kind: 'outcome', requestId: id, service: 'markup', ts: iso(t + 10 * MIN), source: 'ground_truth', label: right ? label : label === 'billing' ? 'shipping' : 'billing' });
    }
    i++;
  };
  for (let t = YESTERDAY; t < YESTERDAY + 2 * HOUR; t += 2 * MIN) add(t, false);
  for (let t = NOW - 3 * HOUR; t < NOW; t += 2 * MIN) add(t, false);
  for (let t = NOW - 20 * MIN; t < NOW; t += 5000) add(t, Math.floor(t / 5000) % 2 === 0);
  return out;
}

/** The model's training sample: the same features, the markup-named one among them, channel always email or chat. */
function baseline(): string {
  return Array.from({ length: 200 }, (_, i) => JSON.stringify({ amount: 10 + (i % 7), [P.feature]: i % 5, channel: i % 2 === 0 ? 'email' : 'chat' })).join('\n');
}

let server: TestServer;
let hook: Receiver;
let browser: Browser;
let admin: string;

before(async () => {
  if (skip !== undefined) return;
  ensureWebBuilt();
  hook = await startReceiver();
  server = await startTestServer(spec(hook.url), NOW - 20 * MIN, { evalInterval: '1h', notifyInterval: '1h' });
  admin = await server.key('admin');
  const up = await fetch(`${server.url}/v1/services/markup/baselines`, {
    method: 'POST', body: baseline(), headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${admin}` },
  });
  assert.equal(up.status, 201, await up.text());
  const all = events();
  const r = await server.post(JSON.stringify(all.filter((e) => Date.parse(e.ts as string) < server.clock)), admin);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.rejected, []);
  // The cohort's quality alert is pending for 15 minutes before it fires: evaluate before and after.
  await server.evaluate();
  server.clock = NOW;
  const rest = await server.post(JSON.stringify(all.filter((e) => Date.parse(e.ts as string) >= NOW - 20 * MIN)), admin);
  assert.deepEqual(rest.json.rejected, []);
  await server.evaluate();
  await server.dispatch();
  const sample = await fetch(`${server.url}/v1/services/markup/labeling/sample?day=2026-11-27`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
  assert.equal(sample.status, 200, await sample.text());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await hook?.close();
});

/**
 * A page in a fresh context that ignores the CSP (see the header), signed in with the admin key; every
 * dialog, page error and console error is recorded and fails the test.
 */
async function open(t: TestContext): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP, bypassCSP: true, reducedMotion: 'reduce' });
  await context.addInitScript(`sessionStorage.setItem('mlslo.apiKey', ${JSON.stringify(admin)})`);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The browser asks for /favicon.ico, which mlslo does not serve; nothing to do with escaping.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  t.after(() => context.close());
  return { page, problems };
}

/**
 * Waits until every one of `shown` is in the page as text (the data arrived and was rendered) — or
 * until something was injected or ran — then asserts that nothing was injected, nothing ran, and every
 * one of `shown` is there as text.
 */
async function assertEscaped(page: Page, problems: string[], where: string, shown: readonly string[]): Promise<void> {
  await page.waitForFunction(({ texts, sel }: { texts: readonly string[]; sel: string }) => texts.every((s) => document.body.textContent.includes(s))
    || document.querySelector(sel) !== null || window.__xss !== undefined, { texts: shown, sel: INJECTED }, { timeout: 120_000 });
  const injected = await page.evaluate((sel: string) => [...document.querySelectorAll(sel)].map((e: any) => e.outerHTML.slice(0, 120)), INJECTED);
  assert.deepEqual(injected, [], `${where}: elements made from data`);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null, `${where}: a payload ran`);
  assert.deepEqual(problems, [], `${where}: no dialog, page error or console error`);
  const missing = await page.evaluate((texts: readonly string[]) => texts.filter((s) => !document.body.textContent.includes(s)), shown);
  assert.deepEqual(missing, [], `${where}: shown as text`);
}

test('the public status page: the description and the published cohort values are text', { skip }, async (t) => {
  const { page, problems } = await open(t);
  const res = await page.goto(`${server.url}/status`);
  assert.equal(res?.status(), 200);
  await assertEscaped(page, problems, '/status', [P.description, P.region]);
  assert.equal(await page.locator('section.service .desc').innerText(), P.description);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 0, 'the status page has no script at all');
});

test('the dashboard overview: the owner is text', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await page.goto(`${server.url}/`);
  await assertEscaped(page, problems, '/', [P.owner]);
});

test('the service page: cohorts, versions, drifted features and categories, alerts, error types, owner', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await page.goto(`${server.url}/services/markup`);
  await assertEscaped(page, problems, '/services/markup', [P.owner, P.region, P.lang, P.model, P.feature, P.category, P.errorType]);
  // Each section with data from events rendered the markup as text, not just somewhere on the page.
  for (const [section, text] of [['cohorts', P.region], ['versions', P.model], ['drift', P.feature], ['alerts', P.region]] as const) {
    assert.ok((await page.locator(`section#${section}`).textContent())?.includes(text), `section ${section} shows ${text}`);
  }
});

test('the labeling queues and a labeling item: input, cohorts, model, features and labels are text', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await page.goto(`${server.url}/labeling`);
  await page.getByRole('link', { name: 'markup', exact: true }).waitFor();
  await assertEscaped(page, problems, '/labeling', ['markup']);
  await page.goto(`${server.url}/labeling/markup`);
  await assertEscaped(page, problems, '/labeling/markup', [P.input, P.region, P.lang, P.model, P.feature, P.label]);
});
