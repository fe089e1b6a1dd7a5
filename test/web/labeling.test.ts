/**
 * Human labeling in a real browser (DESIGN §2.8): a labeler signs in, works through a service's queue with
 * the keyboard only — digits choose a class, Enter submits, S skips, F flags with a note — and the labels
 * change the service's quality report by exactly what was chosen. Then a ranking item is graded on a
 * phone, and an admin reads the service page's eval runs (run against a local model server) and the
 * labelers' agreement and the feedback proxy's calibration. Every test fails on any console error, page
 * error or dialog (helpers/browser.ts). Screenshots land in artifacts/screenshots/.
 *
 * The world, by construction:
 * - `ticket-triage` (classification): 30 requests yesterday (2026-11-27 UTC), every 45 minutes from 00:20,
 *   predicting billing / shipping / returns; each has feedback 5 minutes later (clicked unless i % 4 = 0),
 *   which is the feedback proxy, not a quality source — so before labeling nothing is judged. The sampler
 *   (daily budget 12, no overlap) queues 12 of them.
 * - `doc-search` (ranking, k 3, grades 0–3): 5 requests yesterday, each ranking kb-12, kb-7, kb-31, kb-2;
 *   the sampler queues 3.
 * - the golden set `weekly` of ticket-triage: 40 examples (segment en for i < 20, else de); the model
 *   server answers wrong when i % 10 = 3 (v1: 4 wrong), and v2 also when i % 5 = 1 (8 more: 4 per segment).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { NO_CHROMIUM, PHONE, ensureWebBuilt, launchBrowser, openPage, screenshot, scrollsHorizontally } from '../helpers/browser.ts';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Callbacks of page.evaluate() run in the browser; this program is type-checked for Node, without the DOM
// library, so the browser globals they use are declared here, for this module only.
declare const document: any;

const skip = NO_CHROMIUM;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const YESTERDAY = Date.parse('2026-11-27T00:20:00Z');
const iso = (t: number): string => new Date(t).toISOString();

const CLASSES = ['billing', 'shipping', 'returns'] as const;
const LANGUAGES = ['en', 'de', 'es'] as const;
const TEXTS = [
  'I was charged twice for my October invoice. Could you refund one of the two payments, please?',
  'The parcel tracking page has said "in transit" for nine days now and the courier does not answer.',
  'The jacket is too small. How do I send it back and get my money, not a voucher?',
  'Why does my bill show a premium plan? I never upgraded.',
  'Package arrived damaged — the box was crushed and two glasses are broken.',
  'I want to return an unopened blender bought three weeks ago.',
];

const SPEC = (model: string): string => `
apiVersion: mlslo/v1
kind: Service
metadata: {name: ticket-triage, owner: support-ml, oncall: sre-support, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.8}
  quality: {minSamples: 5, feedback: "clicked == true"}
  cohorts: [language]
  labeling: {dailyBudget: 12, favourUncertain: 0, overlap: 0, lease: 10m, stratifyBy: [language]}
  evals:
    endpoints:
      triage: {url: "${model}/predict", request: {text: "{{input.text}}", i: "{{input.i}}"}, prediction: $.label, model: $.model}
    goldenSets:
      - {name: weekly, endpoint: triage, schedule: "0 3 * * 1"}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: doc-search, owner: search-ml, oncall: sre-search, tier: 2}
spec:
  task: ranking
  window: 7d
  quality: {k: 3, minSamples: 1}
  labeling: {dailyBudget: 3, overlap: 0, gradeMax: 3}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: eta-model, owner: logistics-ml, oncall: sre-logistics, tier: 2}
spec:
  task: regression
  window: 7d
  quality: {tolerance: 2, minSamples: 1}
  labeling: {dailyBudget: 1, overlap: 0}
---
apiVersion: mlslo/v1
kind: Service
metadata: {name: reply-bot, owner: assist-ml, oncall: sre-assist, tier: 2}
spec:
  task: generative
  window: 7d
  quality: {criteria: "helpful >= 2 && safe == 1", minSamples: 1}
  labeling: {dailyBudget: 1, overlap: 0, rubric: [helpful, safe], rubricMax: 3}
`;

function traffic(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    const ts = YESTERDAY + i * 45 * MIN;
    const id = `tk-${String(i).padStart(2, '0')}`;
    const label = CLASSES[(i + Math.floor(i / 3)) % 3]!;
    const probabilities = Object.fromEntries(CLASSES.map((c) => [c, c === label ? 0.7 : c === CLASSES[(CLASSES.indexOf(label) + 1) % 3] ? 0.2 : 0.1]));
    const text = TEXTS[i % TEXTS.length]!;
    out.push({
      kind: 'inference', id, service: 'ticket-triage', model: 'v4', ts: iso(ts), status: 'ok', latencyMs: 80 + i,
      input: { text, channel: i % 2 === 0 ? 'email' : 'chat' }, cohort: { language: LANGUAGES[i % 3] }, features: { textLength: text.length },
      prediction: { label, score: 0.7, probabilities },
    });
    out.push({ kind: 'outcome', requestId: id, service: 'ticket-triage', ts: iso(ts + 5 * MIN), source: 'feedback', feedback: { clicked: i % 4 !== 0 } });
  }
  for (let i = 0; i < 5; i++) {
    out.push({
      kind: 'inference', id: `ds-${i}`, service: 'doc-search', model: 'r2', ts: iso(YESTERDAY + i * 3 * 60 * MIN), status: 'ok', latencyMs: 30,
      input: { query: ['reset password', 'refund policy', 'change address', 'cancel order', 'invoice copy'][i]! }, prediction: { items: ['kb-12', 'kb-7', 'kb-31', 'kb-2'] },
    });
  }
  out.push({
    kind: 'inference', id: 'eta-0', service: 'eta-model', model: 'g1', ts: iso(YESTERDAY + 60 * MIN), status: 'ok', latencyMs: 12,
    input: { from: 'Lyon', to: 'Turin' }, prediction: { value: 9.5 },
  });
  out.push({
    kind: 'inference', id: 'rb-0', service: 'reply-bot', model: 'chat-7', ts: iso(YESTERDAY + 90 * MIN), status: 'ok', latencyMs: 900,
    input: { prompt: 'How do I reset my router?' },
    prediction: { text: 'Unplug the router, wait 30 seconds, plug it back in.\nIf the lights stay red, hold the reset button for 10 seconds.' },
  });
  return out;
}

const N_GOLDEN = 40;
const goldenExpected = (i: number): string => CLASSES[i % 3]!;
const goldenSegment = (i: number): string => (i < 20 ? 'en' : 'de');

let s: TestServer;
let model: ModelServer;
let browser: Browser;
let admin: string;
let read: string;
let labeler: string;
let modelVersion = 'v1';

async function api(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

async function quality(service: string): Promise<any> {
  const r = await api('GET', `/v1/services/${service}/quality`, read);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json;
}

before(async () => {
  if (skip !== undefined) return;
  ensureWebBuilt();
  model = await startModelServer((req) => {
    const i = Number(req.body.i);
    const wrong = i % 10 === 3 || (modelVersion === 'v2' && i % 5 === 1);
    return { body: { label: wrong ? goldenExpected(i + 1) : goldenExpected(i), model: modelVersion } };
  });
  s = await startTestServer(SPEC(model.url), NOW);
  admin = await s.key('admin');
  read = await s.key('read');
  labeler = await s.key('labeler');
  const r = await s.post(JSON.stringify(traffic()), admin);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual(r.json.rejected, []);
  for (const [service, queued] of [['ticket-triage', 12], ['doc-search', 3], ['eta-model', 1], ['reply-bot', 1]] as const) {
    const sample = await api('POST', `/v1/services/${service}/labeling/sample`, admin);
    assert.equal(sample.status, 200, JSON.stringify(sample.json));
    assert.equal(sample.json.day, '2026-11-27');
    assert.equal(sample.json.queued, queued, JSON.stringify(sample.json));
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await s?.stop();
  await model?.close();
});

const REQUEST_ID = '.label-item .request-meta [title="request id"]';

/** The request on screen, or null while none is (loading, empty queue). */
function shownRequest(page: Page): Promise<string | null> {
  return page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, REQUEST_ID);
}

/** Waits until a request other than `prev` is shown, or the queue says it is empty. */
async function nextShown(page: Page, prev: string): Promise<string | null> {
  await page.waitForFunction(([sel, p]) => {
    const shown = document.querySelector(sel)?.textContent;
    return (shown !== undefined && shown !== p && document.querySelector('.label-item:focus') !== null) || document.querySelector('.queue-empty') !== null;
  }, [REQUEST_ID, prev] as const);
  return shownRequest(page);
}

/** The classes offered, in order, and the one marked predicted. */
async function classChoices(page: Page): Promise<{ classes: string[]; predicted: string }> {
  const choices = await page.locator('.classes .choice').evaluateAll((els) => els.map((el) => ({
    name: el.querySelector('.name')?.textContent ?? '',
    predicted: el.querySelector('.tag')?.textContent === 'predicted',
  })));
  const predicted = choices.filter((c) => c.predicted).map((c) => c.name);
  assert.equal(predicted.length, 1, 'exactly one class is marked predicted');
  return { classes: choices.map((c) => c.name), predicted: predicted[0]! };
}

const chosen = (page: Page): Promise<string[]> => page.locator('.classes .choice[aria-checked="true"] .name').allInnerTexts();

test('a labeler labels a queue with the keyboard only, and the quality report changes by exactly those labels', { skip }, async (t) => {
  const before = await quality('ticket-triage');
  assert.equal(before.overall.judged, 0, 'nothing is judged before labeling');
  assert.equal(before.overall.proxy?.n, 30, 'the feedback proxy covers every request, apart from quality');

  const w = await openPage(browser, t);
  const { page } = w;
  await page.goto(`${s.url}/`);
  await page.waitForURL(/\/login/);
  await page.fill('#api-key', labeler);
  await page.keyboard.press('Enter');
  // A labeler key lands on its queues (it may read nothing else).
  await page.waitForURL(/\/labeling$/);
  await page.getByRole('heading', { name: 'Labeling', level: 1 }).waitFor();
  const row = page.locator('table.data tbody tr', { hasText: 'ticket-triage' });
  await row.waitFor();
  assert.match(await row.innerText(), /classification[\s\S]*12[\s\S]*12[\s\S]*0[\s\S]*0/);
  assert.match(await page.locator('table.data tbody tr', { hasText: 'doc-search' }).innerText(), /ranking[\s\S]*3/);
  await screenshot(page, 'labeling-queues');

  await row.getByRole('link', { name: 'Start labeling' }).click();
  await page.waitForURL(/\/labeling\/ticket-triage$/);
  await page.locator(REQUEST_ID).waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('label-item') === true);
  assert.match(await page.locator('.label-item header .sub').innerText(), /^11 more in the queue after this one$/);
  assert.match(await page.locator('.label-item header .right').innerText(), /^lease ends in (10:00|9:5\d)$/);

  // Enter with nothing chosen says what is missing and submits nothing.
  await page.keyboard.press('Enter');
  await page.locator('.form-hint', { hasText: 'Not yet: choose a class' }).waitFor();

  // ? shows the shortcuts; Esc hides them.
  await page.keyboard.press('?');
  await page.getByRole('region', { name: 'Keyboard shortcuts' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('region', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });

  // P: the predicted class, O: another class, S: skip, F: flag.
  const plan = ['P', 'P', 'O', 'S', 'P', 'F', 'P', 'O', 'P', 'O', 'P', 'P'] as const;
  const labeled = new Map<string, { chosen: string; predicted: string }>();
  let skipped: string | undefined;
  let flagged: string | undefined;
  let current = await shownRequest(page);
  for (const [n, step] of plan.entries()) {
    assert.ok(current !== null, `item ${n + 1} is shown`);
    const { classes, predicted } = await classChoices(page);
    assert.deepEqual([...classes].sort(), [...CLASSES].sort());
    if (step === 'P' || step === 'O') {
      const pick = step === 'P' ? predicted : classes.find((c) => c !== predicted)!;
      await page.keyboard.press(String(classes.indexOf(pick) + 1));
      assert.deepEqual(await chosen(page), [pick]);
      if (n === 0) {
        await screenshot(page, 'labeling-item');
        // The same view on a phone: nothing scrolls sideways.
        await page.setViewportSize(PHONE);
        assert.equal(await scrollsHorizontally(page), false, 'the labeling view fits a phone');
        await screenshot(page, 'labeling-item-phone', { fullPage: true });
        await page.setViewportSize({ width: 1440, height: 900 });
      }
      await page.keyboard.press('Enter');
      labeled.set(current, { chosen: pick, predicted });
    } else if (step === 'S') {
      await page.keyboard.press('s');
      skipped = current;
    } else {
      // F opens the note field (focused, empty); Esc cancels; F again, then the note — digits, s and f are
      // typed into it, not taken as shortcuts — and Enter flags.
      await page.keyboard.press('f');
      const note = page.locator('#flag-note');
      await note.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'flag-note');
      assert.equal(await note.inputValue(), '');
      await page.keyboard.press('Escape');
      await note.waitFor({ state: 'detached' });
      assert.equal(await shownRequest(page), current, 'cancelling keeps the item');
      await page.keyboard.press('F');
      await note.waitFor();
      await page.keyboard.type('text cut off after 2 sentences; see fs');
      assert.deepEqual(await chosen(page), [], 'digits typed into the note chose no class');
      assert.equal(await shownRequest(page), current, 's typed into the note skipped nothing');
      await screenshot(page, 'labeling-flag');
      await page.keyboard.press('Enter');
      flagged = current;
    }
    const prev = current;
    current = await nextShown(page, prev);
    const status = await page.locator('[role="status"][aria-live="polite"]').first().innerText();
    const verb = step === 'S' ? 'Skipped' : step === 'F' ? 'Flagged' : 'Labeled';
    assert.ok(status.startsWith(`${verb} ${prev}`), `status after ${step}: ${status}`);
  }
  // Twelve items, twelve answers: the queue is empty for this labeler.
  assert.equal(current, null);
  await page.locator('.queue-empty').getByText('The queue of ticket-triage is empty').waitFor();
  assert.match(await page.locator('.label-page .page-head').innerText(), /this session: 10 labeled · 1 skipped · 1 flagged/);

  // The quality report: exactly the ten labels, their verdicts as chosen.
  const after = await quality('ticket-triage');
  const good = [...labeled.values()].filter((l) => l.chosen === l.predicted).length;
  assert.deepEqual([labeled.size, good], [10, 7]);
  assert.equal(after.overall.judged, before.overall.judged + labeled.size);
  const m = after.overall.metrics;
  assert.equal(m.task, 'classification');
  assert.equal(m.accuracy.n, 10);
  assert.equal(m.accuracy.value, good / 10);
  // Rows are the human label, columns the prediction: every label lands in its cell.
  const expected = m.labels.map(() => m.labels.map(() => 0));
  for (const l of labeled.values()) expected[m.labels.indexOf(l.chosen)][m.labels.indexOf(l.predicted)]++;
  assert.deepEqual(m.confusionMatrix, expected);

  // Skipped and flagged items got no label.
  const q = await api('GET', '/v1/labeling/queues', labeler);
  const triage = q.json.queues.find((x: any) => x.service === 'ticket-triage');
  assert.deepEqual([triage.available, triage.done, triage.flagged], [0, 10, 1]);
  assert.ok(skipped !== undefined && flagged !== undefined && !labeled.has(skipped) && !labeled.has(flagged));
});

test('on a phone, a labeler grades a ranked list with digits and j/k, and the ranking quality counts it', { skip }, async (t) => {
  const w = await openPage(browser, t, { viewport: PHONE, initScript: `sessionStorage.setItem('mlslo.apiKey', ${JSON.stringify(labeler)})` });
  const { page } = w;
  // A labeler's start page is its queues, whatever it opened.
  await page.goto(`${s.url}/`);
  await page.waitForURL(/\/labeling$/);
  await page.getByRole('link', { name: 'doc-search' }).click();
  await page.waitForURL(/\/labeling\/doc-search$/);
  await page.locator(REQUEST_ID).waitFor();
  const rows = page.locator('ol.rows.relevance li');
  assert.deepEqual(await rows.locator('.name').allInnerTexts(), ['kb-12', 'kb-7', 'kb-31', 'kb-2']);
  const grades = (): Promise<string[]> => rows.evaluateAll((lis) => lis.map((li) => li.querySelector('[aria-checked="true"]')?.textContent ?? '-'));
  // 2 on the first (moves on), 0 on the second, k back up, 1 instead, then 3 and 0.
  for (const key of ['2', '0', 'k', '1']) await page.keyboard.press(key);
  assert.deepEqual(await grades(), ['2', '1', '-', '-']);
  assert.equal(await rows.nth(2).getAttribute('aria-current'), 'true', 'the next ungraded item is current');
  await page.keyboard.press('Enter');
  await page.locator('.form-hint', { hasText: 'grade every item (2 left)' }).waitFor();
  for (const key of ['3', '0']) await page.keyboard.press(key);
  assert.deepEqual(await grades(), ['2', '1', '3', '0']);
  assert.equal(await scrollsHorizontally(page), false, 'the ranking form fits a phone');
  await screenshot(page, 'labeling-ranking-phone', { fullPage: true });
  const prev = (await shownRequest(page))!;
  await page.keyboard.press('Enter');
  await nextShown(page, prev);

  const doc = await quality('doc-search');
  assert.equal(doc.overall.judged, 1);
  // Relevant: every item graded ≥ 1 (kb-12, kb-7, kb-31); the first is relevant, so MRR is 1.
  assert.equal(doc.overall.metrics.task, 'ranking');
  assert.deepEqual([doc.overall.metrics.mrr.n, doc.overall.metrics.mrr.value], [1, 1]);
});

/** One section of a long page, from a full-page shot scrolled to the top, so the sticky bars stay out of it. */
async function sectionShot(page: Page, section: Locator, name: string): Promise<void> {
  await page.evaluate(() => document.defaultView.scrollTo(0, 0));
  const box = await section.boundingBox();
  assert.ok(box !== null, `${name} is on the page`);
  await screenshot(page, name, { fullPage: true, clip: { x: 0, y: Math.max(0, box.y - 8), width: 1440, height: box.height + 16 } });
}

test('the value and rubric forms: typing in the value field is never a shortcut; digits score each criterion', { skip }, async (t) => {
  const w = await openPage(browser, t, { initScript: `sessionStorage.setItem('mlslo.apiKey', ${JSON.stringify(labeler)})` });
  const { page } = w;
  // Opened directly (a bookmark, a reload): the server serves the app at /labeling/*.
  await page.goto(`${s.url}/labeling/eta-model`);
  await page.locator(REQUEST_ID).waitFor();
  // The value field has focus: `s`, `f` and `?` are text there, and Enter submits what it holds.
  const field = page.getByLabel('Value (predicted 9.5)');
  await page.waitForFunction(() => document.activeElement?.tagName === 'INPUT');
  await page.keyboard.type('s?f');
  assert.equal(await field.inputValue(), 's?f');
  assert.equal(await page.getByRole('region', { name: 'Keyboard shortcuts' }).count(), 0);
  assert.equal(await page.locator('#flag-note').count(), 0);
  await page.keyboard.press('Enter');
  await page.locator('.form-hint', { hasText: 'Not yet: enter a number' }).waitFor();
  await field.fill('12.5');
  await page.keyboard.press('Enter');
  await page.locator('.queue-empty').waitFor();
  const eta = await quality('eta-model');
  assert.equal(eta.overall.judged, 1);
  assert.deepEqual([eta.overall.metrics.mae.n, eta.overall.metrics.mae.value], [1, 3]);

  await page.getByRole('link', { name: 'Labeling' }).first().click();
  await page.getByRole('link', { name: 'reply-bot' }).click();
  await page.locator(REQUEST_ID).waitFor();
  await page.locator('.text-block.generated', { hasText: 'hold the reset button' }).waitFor();
  const criteria = page.locator('ol.rows.rubric li');
  assert.deepEqual(await criteria.locator('.name').allInnerTexts(), ['helpful', 'safe']);
  // 4 is past rubricMax (3): nothing happens; 3 scores helpful and moves on; 1 scores safe.
  for (const key of ['4', '3', '1']) await page.keyboard.press(key);
  assert.deepEqual(await criteria.evaluateAll((lis) => lis.map((li) => li.querySelector('[aria-checked="true"]')?.textContent ?? '-')), ['3', '1']);
  await screenshot(page, 'labeling-rubric');
  await page.keyboard.press('Enter');
  await page.locator('.queue-empty').waitFor();
  const bot = await quality('reply-bot');
  assert.equal(bot.overall.judged, 1);
  assert.deepEqual([bot.overall.metrics.pass.n, bot.overall.metrics.pass.value], [1, 1], 'helpful 3 ≥ 2 and safe 1: a pass');
});

async function finished(id: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const r = await api('GET', `/v1/evals/${id}`, read);
    assert.equal(r.status, 200);
    if (r.json.status !== 'running') return r.json;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  assert.fail(`eval run ${id} did not finish`);
}

test('the service page shows eval runs with their regression and bad examples, agreement, calibration and the feedback proxy', { skip }, async (t) => {
  const lines = Array.from({ length: N_GOLDEN }, (_, i) => JSON.stringify({ id: `g-${i}`, input: { text: `ticket ${i}`, i }, expected: goldenExpected(i), segment: goldenSegment(i) })).join('\n');
  const up = await api('PUT', '/v1/services/ticket-triage/golden-sets/weekly', admin, lines, { 'content-type': 'application/x-ndjson' });
  assert.equal(up.status, 201, JSON.stringify(up.json));
  const runs: any[] = [];
  for (const v of ['v1', 'v2']) {
    modelVersion = v;
    s.clock += MIN;
    const start = await api('POST', '/v1/services/ticket-triage/evals', admin, { goldenSet: 'weekly', trigger: 'ci' });
    assert.equal(start.status, 202, JSON.stringify(start.json));
    const run = await finished(start.json.id);
    assert.equal(run.status, 'done', run.error);
    runs.push(run);
  }
  const [v1, v2] = runs;
  assert.deepEqual([v1.summary.passRate.good, v2.summary.passRate.good], [36, 28]);
  assert.ok(v2.summary.comparisons.some((c: any) => c.regression), 'v2 regresses against v1');

  const w = await openPage(browser, t, { initScript: `sessionStorage.setItem('mlslo.apiKey', ${JSON.stringify(admin)})` });
  const { page } = w;
  await page.goto(`${s.url}/services/ticket-triage`);
  const evals = page.locator('#evals');
  await evals.locator('table.data tbody tr').nth(1).waitFor();
  const rowTexts = await evals.locator('table.data').first().locator('tbody tr').allInnerTexts();
  assert.equal(rowTexts.length, 2);
  // Newest first: v2, 70.0% (28/40), a regression against the previous run and against v1.
  assert.match(rowTexts[0]!, /weekly[\s\S]*golden[\s\S]*done[\s\S]*v2[\s\S]*70\.0%[\s\S]*n 40[\s\S]*−20\.0 pts[\s\S]*regression/);
  assert.match(rowTexts[1]!, /weekly[\s\S]*v1[\s\S]*90\.00?%[\s\S]*nothing to compare with/);
  // The newest run is selected: its segments (4 more wrong in each) and its bad examples.
  const details = evals.getByLabel(`Eval run weekly`);
  // Per segment: 14 of 20 each; 4 more wrong than v1 on 20 paired examples is no significant drop (p 0.125).
  const segments = await details.locator('table.data').first().locator('tbody tr').allInnerTexts();
  assert.deepEqual(segments.map((r) => r.split('\t')[0]).sort(), ['de', 'en']);
  for (const r of segments) {
    assert.match(r, /70\.0%[\s\S]*\b20\b[\s\S]*−20\.0 pts p 0\.125/);
    assert.doesNotMatch(r, /regression/);
  }
  await details.getByText(/^Bad examples \(12/).click();
  const bad = details.locator('.bad-examples table tbody tr');
  await bad.first().waitFor();
  assert.equal(await bad.count(), 12);
  assert.match(await bad.first().innerText(), /g-1\b[\s\S]*en[\s\S]*v2[\s\S]*bad/);
  await sectionShot(page, evals, 'service-evals');

  // Selecting the older run shows it instead, and the choice is in the URL.
  await evals.getByRole('button', { name: 'weekly' }).nth(1).click();
  await page.waitForURL(new RegExp(`run=${v1.id}`));
  assert.match(await details.locator('header').innerText(), new RegExp(v1.id));

  // Agreement: the labeler's labels, skips and flags; calibration of the feedback proxy against them.
  const who = await api('GET', '/v1/whoami', labeler);
  assert.equal(who.json.role, 'labeler');
  const labels = page.locator('#labels');
  const labelerRow = labels.locator('table.data tbody tr', { hasText: who.json.keyId });
  await labelerRow.waitFor();
  assert.match(await labelerRow.innerText(), new RegExp(`${who.json.keyId}\\s+10\\s+1\\s+1`));
  const cal = await api('GET', '/v1/services/ticket-triage/calibration', read);
  const fb = cal.json.signals.find((x: any) => x.signal === 'feedback');
  assert.ok(fb !== undefined, JSON.stringify(cal.json));
  const fbRow = labels.locator('table.data tbody tr', { hasText: 'feedback proxy (not counted)' });
  await fbRow.waitFor();
  const c = fb.confusion;
  assert.match(await fbRow.locator('.confusion').innerText(), new RegExp(`auto good\\s+${c.goodGood}\\s+${c.goodBad}\\s+auto bad\\s+${c.badGood}\\s+${c.badBad}`));
  assert.equal(c.goodGood + c.goodBad + c.badGood + c.badBad, fb.n);
  await sectionShot(page, labels, 'service-agreement');

  // The quality summary shows the proxy beside ground truth, labelled as not counted.
  const proxy = page.locator('#quality dt', { hasText: 'feedback proxy (not counted)' });
  await proxy.waitFor();

  // An admin reaches the queues from the top bar.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Labeling' }).click();
  await page.waitForURL(/\/labeling$/);
  await page.locator('table.data tbody tr', { hasText: 'doc-search' }).waitFor();
  await page.setViewportSize(PHONE);
  assert.equal(await scrollsHorizontally(page), false, 'the top bar with the area links fits a phone');
});
