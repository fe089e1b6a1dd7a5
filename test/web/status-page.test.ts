/**
 * The public status page (GET /status) in a real browser, against the scripted world of world.ts: the
 * outage in the headline and in its service's section, the healthy service operational, 90 daily bars
 * per dimension on a desktop and the last 30 on a phone, markup from specs and events shown as text, no
 * console errors — and the same page with JavaScript disabled, since it is rendered on the server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, NO_CHROMIUM, PHONE, launchBrowser, openPage, screenshot, scrollsHorizontally } from '../helpers/browser.ts';
import { DESCRIPTION, XSS, startWorld, type World } from './world.ts';

// Callbacks of page.evaluate() run in the browser; this program is type-checked for Node, without the DOM
// library, so the browser globals they use are declared here, for this module only.
declare const document: any, getComputedStyle: any, Node: any;

const skip = NO_CHROMIUM;
let world: World;
let browser: Browser;

before(async () => {
  if (skip !== undefined) return;
  world = await startWorld();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.close();
});

const DIMENSIONS = ['Overall', 'Availability', 'Latency', 'Quality'];

/** Per service section, per dimension: how many bars there are and how many are displayed. */
async function barCounts(page: Page): Promise<Record<string, Record<string, { all: number; shown: number }>>> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, { all: number; shown: number }>> = {};
    for (const section of document.querySelectorAll('section.service')) {
      const name = section.querySelector('h2')!.textContent!;
      out[name] = {};
      for (const dim of section.querySelectorAll('.dim')) {
        const bars = [...dim.querySelectorAll('.bars .bar')];
        out[name][dim.querySelector('h3')!.textContent!] = { all: bars.length, shown: bars.filter((b) => b.getBoundingClientRect().width > 0).length };
      }
    }
    return out;
  });
}

async function sectionBadge(page: Page, service: string): Promise<string> {
  return page.locator(`section.service[id="svc-${service}"] .svc-head .badge`).innerText();
}

test('desktop: the outage in the headline and its section, the healthy service operational, 90 bars per dimension', { skip }, async (t) => {
  const { page } = await openPage(browser, t, { viewport: DESKTOP });
  const res = await page.goto(`${world.server.url}/status`);
  assert.equal(res?.status(), 200);
  assert.equal(await page.title(), 'Status — Outage affecting 1 service');
  const banner = page.locator('section.banner');
  assert.equal(await banner.locator('h1').innerText(), 'Outage affecting 1 service');
  assert.match(await banner.getAttribute('class') ?? '', /\bs-outage\b/);
  assert.match(await banner.innerText(), /As of 28 Nov 2026, 12:00 UTC/);
  // The banner is red: the colour agrees with the words.
  assert.equal(await banner.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(207, 34, 46)');

  // Each service's section says its own state; the list at the top says the same.
  assert.equal(await sectionBadge(page, 'fraud-scorer'), 'Outage');
  assert.equal(await sectionBadge(page, 'ticket-router'), 'Quality degraded');
  assert.equal(await sectionBadge(page, 'image-tagger'), 'Operational');
  const nav = await page.locator('nav[aria-label="Services"] li').allInnerTexts();
  assert.deepEqual(nav.map((s) => s.replace(/\s+/g, ' ').trim()).sort(), ['fraud-scorer Outage', 'image-tagger Operational', 'ticket-router Quality degraded']);

  // 90 daily bars per dimension, all of them shown on a desktop.
  const counts = await barCounts(page);
  assert.deepEqual(Object.keys(counts).sort(), ['fraud-scorer', 'image-tagger', 'ticket-router']);
  for (const [service, dims] of Object.entries(counts)) {
    assert.deepEqual(Object.keys(dims), DIMENSIONS, service);
    for (const [dim, c] of Object.entries(dims)) assert.deepEqual(c, { all: 90, shown: 90 }, `${service} ${dim}`);
  }
  // Today's availability bar of fraud-scorer: 00:00–11:00 at 30 an hour and the last hour's 1,200 =
  // 1,530 requests, 200 failed: 1,330 / 1,530 = 86.928…%, missed.
  const avail = page.locator('section.service[id="svc-fraud-scorer"] .dim', { has: page.locator('h3', { hasText: 'Availability' }) });
  const today = avail.locator('.bar').last();
  assert.match(await today.getAttribute('class') ?? '', /\bb-missed\b/);
  assert.equal(await today.getAttribute('title'), '28 Nov 2026: 86.928%, objective missed');
  assert.equal(await avail.locator('.sum').innerText(), 'Availability, last 90 days: objective met on 3 of 90 days, missed on 1 (28 Nov 2026), no data on 86.');
  assert.equal(await scrollsHorizontally(page), false);
  await screenshot(page, 'status-desktop', { fullPage: true });
});

test('markup from a spec or an event is shown as text, and nothing runs', { skip }, async (t) => {
  const { page } = await openPage(browser, t);
  await page.goto(`${world.server.url}/status`);
  const desc = page.locator('section.service[id="svc-fraud-scorer"] .desc');
  assert.equal(await desc.innerText(), DESCRIPTION);
  assert.equal(await desc.evaluate((e) => e.children.length), 0, 'no element made from the description');
  const cohort = page.locator('section.service[id="svc-ticket-router"] table th[scope="row"]', { hasText: XSS });
  assert.equal(await cohort.innerText(), XSS);
  assert.ok(await cohort.isVisible());
  assert.equal(await page.evaluate(() => document.querySelectorAll('script, img, b').length), 0);
  // Only the published attribute (region), never the other cohorts (language).
  assert.equal(await page.locator('section.service[id="svc-ticket-router"] .cohort-title').allInnerTexts().then((c) => c.length), 1);
  assert.doesNotMatch(await page.locator('body').innerText(), /language|support-ml|sre-support|gpu_oom/);
});

test('phone: the last 30 days per dimension, no sideways scrolling', { skip }, async (t) => {
  const { page } = await openPage(browser, t, { viewport: PHONE });
  await page.goto(`${world.server.url}/status`);
  const counts = await barCounts(page);
  for (const [service, dims] of Object.entries(counts)) {
    for (const [dim, c] of Object.entries(dims)) assert.deepEqual(c, { all: 90, shown: 30 }, `${service} ${dim}`);
  }
  // The axis says so.
  const axis = page.locator('section.service[id="svc-fraud-scorer"] .axis').first();
  assert.equal((await axis.innerText()).replace(/\s+/g, ' ').trim(), '30 days ago Today');
  // The newest bar is the one still shown.
  const avail = page.locator('section.service[id="svc-fraud-scorer"] .dim', { has: page.locator('h3', { hasText: 'Availability' }) });
  assert.ok(await avail.locator('.bar').last().isVisible());
  assert.equal(await avail.locator('.bar').nth(59).isVisible(), false);
  assert.equal(await scrollsHorizontally(page), false);
  // Text stays at least 16 px.
  const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('body *')]
    .filter((e) => e.childNodes.length > 0 && [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '') && e.getBoundingClientRect().width > 0)
    .map((e) => parseFloat(getComputedStyle(e).fontSize))));
  assert.ok(smallest >= 16, `smallest text ${smallest}px`);
  await screenshot(page, 'status-phone', { fullPage: true });
});

test('with JavaScript disabled the page is the same: it is rendered on the server', { skip }, async (t) => {
  const withJs = await openPage(browser, t);
  await withJs.page.goto(`${world.server.url}/status`);
  const { page } = await openPage(browser, t, { javaScriptEnabled: false });
  await page.goto(`${world.server.url}/status`);
  assert.equal(await page.locator('h1').innerText(), 'Outage affecting 1 service');
  assert.equal(await sectionBadge(page, 'fraud-scorer'), 'Outage');
  assert.equal(await sectionBadge(page, 'image-tagger'), 'Operational');
  assert.equal(await page.locator('.bars .bar').count(), 3 * 4 * 90);
  assert.equal(await page.locator('body').innerText(), await withJs.page.locator('body').innerText());
  // The in-page links work without script.
  await page.locator('nav[aria-label="Services"] a', { hasText: 'image-tagger' }).click();
  assert.match(page.url(), /#svc-image-tagger$/);
});
