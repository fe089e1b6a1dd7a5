/**
 * Browser tests in Debian's Chromium, driven by playwright-core (no browser download).
 *
 * - `NO_CHROMIUM` is the skip reason when the binary is missing: pass it as `{ skip: NO_CHROMIUM }` to every
 *   browser test, so each reports itself skipped (never passes silently; .ci/run fails on any skip).
 * - `ensureWebBuilt()` builds web/dist when it is missing or older than its sources, once across the test
 *   processes that run in parallel.
 * - `openPage()` gives a fresh context whose console errors, page errors and dialogs fail the test.
 * - `screenshot()` writes `artifacts/screenshots/<name>.png`, the folder CI keeps.
 *
 * The binary is /usr/lib/chromium/chromium, not /usr/bin/chromium: the latter is a wrapper script that adds
 * flags of its own. CHROMIUM_PATH overrides it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

// Callbacks of page.evaluate() run in the browser; this program is type-checked for Node, without the DOM
// library, so the browser globals they use are declared here, for this module only.
declare const document: any, window: any;

export const ROOT = join(import.meta.dirname, '..', '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export const INSTALL_CHROMIUM = 'apt-get install -y chromium';

/** Why browser tests skip here, or undefined when Chromium is installed. */
export const NO_CHROMIUM: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `Chromium not found at ${CHROMIUM_PATH}: ${INSTALL_CHROMIUM} (or set CHROMIUM_PATH)`;

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const DESKTOP = { width: 1440, height: 900 } as const;
/** An iPhone 12–15 in CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newestMtime(join(path, name)));
  return t;
}

function builtIsFresh(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(...['web/src', 'web/index.html', 'web/vite.config.ts'].map((p) => newestMtime(join(ROOT, p))));
  return statSync(index).mtimeMs >= sources;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `vite build web` when web/dist is missing or stale. Test files run in parallel processes and a
 * build empties web/dist first, so builds are serialised by a lock directory (mkdir is atomic); whoever
 * waited re-checks freshness and usually has nothing left to do.
 */
export function ensureWebBuilt(): void {
  if (builtIsFresh()) return;
  const lock = join(tmpdir(), `mlslo-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than any build is left over from a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 180_000) rmSync(lock, { recursive: true, force: true });
      assert.ok(Date.now() - started < 240_000, `waited 4 minutes for another vite build (lock ${lock})`);
      sleepSync(200);
    }
  }
  try {
    if (builtIsFresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `vite build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function launchBrowser(): Promise<Browser> {
  assert.equal(NO_CHROMIUM, undefined, NO_CHROMIUM);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors, uncaught page errors and dialogs seen so far; the test fails unless it ends empty. */
  readonly problems: string[];
  /**
   * Runs `fn` during which console errors matching `expected` are the point (the browser logs a refused
   * request as an error); at least one must occur, and anything else still fails the test.
   */
  expectErrors<T>(expected: RegExp, fn: () => Promise<T>): Promise<T>;
}

export interface PageOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly javaScriptEnabled?: boolean;
  readonly colorScheme?: 'light' | 'dark';
  /** Runs in every document of the context before its own scripts (e.g. to put a key in sessionStorage). */
  readonly initScript?: string;
}

/**
 * A page in a fresh browser context (its own sessionStorage and cache). When the test ends the context
 * is closed and the test fails if any console error, uncaught exception or dialog (`alert()` from an
 * injected script, say) was seen.
 */
export async function openPage(browser: Browser, t: TestContext, opts: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  if (opts.initScript !== undefined) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  const problems: string[] = [];
  let allowed: RegExp | undefined;
  let allowedSeen = 0;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url;
    const text = `console.error: ${m.text()}${where === '' ? '' : ` (${where})`}`;
    if (allowed?.test(text) === true) allowedSeen++;
    else problems.push(text);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(problems, [], 'no console error, page error or dialog');
  });
  return {
    page,
    context,
    problems,
    async expectErrors(expected, fn) {
      allowed = expected;
      allowedSeen = 0;
      try {
        return await fn();
      } finally {
        allowed = undefined;
        assert.ok(allowedSeen > 0, `expected a console error matching ${expected}`);
      }
    },
  };
}

/** `artifacts/screenshots/<name>.png` of the page (or of one element); returns the path. */
export async function screenshot(target: Page | Locator, name: string, opts: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, animations: 'disabled', caret: 'hide', ...opts });
  else await target.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/** Whether the document scrolls sideways (content wider than the viewport). */
export function scrollsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
