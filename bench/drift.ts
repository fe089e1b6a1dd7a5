/**
 * Benchmark (c), issue 5: drift of 1M production rows × 20 features against a 100k-row baseline — time per
 * full evaluation, beside scipy on the same data.
 *
 * Data (deterministic, mulberry32 per feature): 14 numeric features (normal, lognormal, uniform,
 * exponential, a mixture, rounded integers; some shifted in production) and 6 categorical ones (5–40
 * categories, one with a category production has and the baseline has not). Written to a temp dir as
 * float64 LE (.f64) / uint16 codes (.u16) + manifest.json for bench/drift_scipy.py.
 *
 * Timed on our side, best of `runs` each:
 *  (a) fold        — buildLayout from the baseline + addValue of every production value into the
 *                    histograms, row by row as the drift folder does (paid at ingest time, spread over it);
 *  (b) evaluation  — prepareFeature for every baseline feature + featureDrift × 20 (default methods:
 *                    Wasserstein / Jensen–Shannon for > 1000 baseline rows, PSI for all) + datasetDrift;
 *  (c) raw arrays  — the exact raw-array functions (normedWasserstein, psiNumeric, jensenShannonDistance
 *                    + psiCategorical on counted strings) on the same 20 features.
 * scipy side: /usr/bin/python3 bench/drift_scipy.py <dir> (see there), best of `runs`.
 * Agreement: binned Wasserstein within its errorBound (+1e-9) of scipy's, JS and PSI within 1e-9
 * relative; the raw-array path within 1e-9 relative of scipy's; binned against raw likewise (this one
 * also runs when scipy is missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { datasetDrift, featureDrift, type DatasetDrift, type FeatureDrift } from '../src/core/drift/evaluate.ts';
import { addValue, emptyHistogram, type FeatureHistogram } from '../src/core/drift/histogram.ts';
import { jensenShannonDistance } from '../src/core/drift/jensen-shannon.ts';
import { buildLayout, type DriftLayout } from '../src/core/drift/layout.ts';
import { prepareFeature } from '../src/core/drift/prepared-baseline.ts';
import { categoryCounts, psiCategorical, psiNumeric } from '../src/core/drift/psi.ts';
import { normedWasserstein } from '../src/core/drift/wasserstein.ts';
import { onCleanup } from './lib/cleanup.ts';
import { fmtInt, fmtMs, fmtRatio, gaussian, rng } from './lib/stats.ts';

/** fmtRatio, with two decimals below 1 (0.25×). */
export function fmtR(x: number): string {
  return x < 1 ? `${x.toFixed(2)}×` : fmtRatio(x);
}

export const SCIPY_SCRIPT = fileURLToPath(new URL('./drift_scipy.py', import.meta.url));
export const DEFAULT_PYTHON = '/usr/bin/python3';
export const SCIPY_PACKAGES = ['python3-scipy', 'python3-numpy'] as const;
export const SCIPY_INSTALL = `apt-get install -y --no-install-recommends ${SCIPY_PACKAGES.join(' ')}`;
/** Absolute slack on top of the Wasserstein error bound, and the relative tolerance of JS and PSI. */
export const ABS_SLACK = 1e-9;
export const REL_TOL = 1e-9;
const DATASET_SHARE = 0.5;

export interface DriftOptions {
  /** Production rows. */
  readonly rows: number;
  readonly baselineRows: number;
  /** Timed repetitions of each side; the best is kept. */
  readonly runs: number;
  readonly seed?: number;
  /** Interpreter with Debian's python3-scipy. */
  readonly python?: string;
  /** Install python3-scipy with apt-get when it is missing (only as root, where apt-get exists). */
  readonly installScipy: boolean;
  readonly log: (line: string) => void;
}

export interface StatCheck {
  readonly feature: string;
  readonly stat: 'wasserstein' | 'jensenshannon' | 'psi';
  /** Which pair: mlslo binned vs scipy, mlslo raw arrays vs scipy, mlslo binned vs mlslo raw arrays. */
  readonly pair: 'binned/scipy' | 'raw/scipy' | 'binned/raw';
  readonly ours: number;
  readonly reference: number;
  readonly diff: number;
  /** The largest |diff| allowed. */
  readonly allowed: number;
  readonly ok: boolean;
}

export interface ScipyTimes {
  readonly python: string;
  readonly numpy: string;
  readonly scipy: string;
  readonly runs: number;
  readonly ms: number;
  readonly runMs: readonly number[];
  readonly perFeatureMs: Readonly<Record<string, number>>;
}

export interface DriftResult {
  readonly rows: number;
  readonly baselineRows: number;
  readonly numericFeatures: number;
  readonly categoricalFeatures: number;
  readonly runs: number;
  readonly genMs: number;
  /** (a) layout + fold, best run; its two parts from that run; the rates are of the addValue part. */
  readonly foldMs: number;
  readonly layoutMs: number;
  readonly addMs: number;
  readonly foldRowsPerS: number;
  readonly foldValuesPerS: number;
  /** (b) full evaluation, best run; its parts from that run. */
  readonly evalMs: number;
  readonly prepareMs: number;
  readonly featureDriftMs: number;
  /** Per feature, from the best evaluation run: prepareFeature and featureDrift, ms. */
  readonly perFeatureMs: Readonly<Record<string, { readonly prepare: number; readonly drift: number }>>;
  /** (c) exact raw-array statistics, best run. */
  readonly rawMs: number;
  readonly scipy: ScipyTimes | undefined;
  /** Why scipy did not run (with the install command), when it did not. */
  readonly scipySkipped: string | undefined;
  /** scipy ÷ evaluation, scipy ÷ (fold + evaluation), scipy ÷ featureDrift alone (prepared baseline cached). */
  readonly ratioEval: number | undefined;
  readonly ratioFoldEval: number | undefined;
  readonly ratioCached: number | undefined;
  readonly features: readonly FeatureDrift[];
  readonly dataset: DatasetDrift;
  readonly checks: readonly StatCheck[];
  readonly agree: boolean;
  readonly mismatches: readonly string[];
}

// ---- data ------------------------------------------------------------------------------------------

type Draw = (rnd: () => number) => number;

interface NumericSpec {
  readonly name: string;
  readonly kind: 'numeric';
  readonly baseline: Draw;
  readonly production: Draw;
}

interface CategoricalSpec {
  readonly name: string;
  readonly kind: 'categorical';
  /** Every category either side uses; a weight of 0 on the baseline side makes a production-only one. */
  readonly categories: readonly string[];
  readonly baseline: readonly number[];
  readonly production: readonly number[];
}

type FeatureSpec = NumericSpec | CategoricalSpec;

const normal = (mu: number, sigma: number): Draw => (r) => mu + sigma * gaussian(r);
const lognormal = (mu: number, sigma: number): Draw => (r) => Math.exp(mu + sigma * gaussian(r));
const uniform = (lo: number, hi: number): Draw => (r) => lo + (hi - lo) * r();
const exponential = (mean: number): Draw => (r) => -mean * Math.log(1 - r());
const mixture = (w: number, a: Draw, b: Draw): Draw => (r) => (r() < w ? a(r) : b(r));
const rounded = (d: Draw, step = 1, lo = -Infinity, hi = Infinity): Draw => (r) => Math.min(hi, Math.max(lo, Math.round(d(r) / step) * step));
/** Mostly N(0, 1), 1% of values ×10: heavy tails. */
const spiky: Draw = (r) => gaussian(r) * (r() < 0.01 ? 10 : 1);

function zipf(k: number, s: number): number[] {
  return Array.from({ length: k }, (_, i) => 1 / (i + 1) ** s);
}

function names(prefix: string, k: number): string[] {
  return Array.from({ length: k }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
}

/** 14 numeric, 6 categorical; "→" marks a feature that moves in production. */
export const FEATURES: readonly FeatureSpec[] = [
  { name: 'age', kind: 'numeric', baseline: rounded(normal(40, 12), 1, 18, 90), production: rounded(normal(42, 12), 1, 18, 90) }, // → integers: exact layout
  { name: 'income', kind: 'numeric', baseline: lognormal(10.5, 0.6), production: lognormal(10.5, 0.6) },
  { name: 'latency_ms', kind: 'numeric', baseline: lognormal(4, 0.5), production: lognormal(4.15, 0.5) }, // →
  { name: 'score_a', kind: 'numeric', baseline: normal(0, 1), production: normal(0, 1) },
  { name: 'score_b', kind: 'numeric', baseline: normal(0, 1), production: normal(0.25, 1) }, // →
  { name: 'score_c', kind: 'numeric', baseline: normal(5, 2), production: normal(5, 2.6) }, // → wider
  { name: 'ratio', kind: 'numeric', baseline: uniform(0, 1), production: uniform(0, 1) },
  { name: 'fraction', kind: 'numeric', baseline: uniform(0, 1), production: uniform(0.05, 1.05) }, // →
  { name: 'amount', kind: 'numeric', baseline: uniform(0, 1000), production: uniform(0, 1000) },
  { name: 'wait_s', kind: 'numeric', baseline: exponential(30), production: exponential(30) },
  { name: 'bimodal', kind: 'numeric', baseline: mixture(0.6, normal(-2, 1), normal(3, 1.5)), production: mixture(0.5, normal(-2, 1), normal(3, 1.5)) }, // →
  { name: 'heavy', kind: 'numeric', baseline: spiky, production: spiky },
  { name: 'tokens', kind: 'numeric', baseline: rounded(lognormal(5, 0.8)), production: rounded(lognormal(5, 0.8)) }, // integers, > 1000 distinct: ties on edges
  { name: 'temp_c', kind: 'numeric', baseline: rounded(normal(20, 5), 0.1), production: rounded(normal(21, 5), 0.1) }, // → 0.1 steps: exact layout
  { name: 'country', kind: 'categorical', categories: names('country', 40), baseline: zipf(40, 1), production: zipf(40, 1) },
  { name: 'device', kind: 'categorical', categories: ['mobile', 'desktop', 'tablet', 'tv', 'watch'], baseline: [55, 35, 7, 2, 1], production: [62, 28, 7, 2, 1] }, // →
  { name: 'plan', kind: 'categorical', categories: names('plan', 8), baseline: zipf(8, 0.7), production: zipf(8, 0.7) },
  {
    name: 'browser', kind: 'categorical', categories: [...names('browser', 12), 'browser-new'], // → a new category, 4% of production
    baseline: [...zipf(12, 1.1), 0], production: [...zipf(12, 1.1).map((w) => (w * 0.96) / zipf(12, 1.1).reduce((a, b) => a + b, 0)), 0.04],
  },
  { name: 'channel', kind: 'categorical', categories: names('channel', 20), baseline: zipf(20, 0.9), production: zipf(20, 0.6) }, // →
  { name: 'language', kind: 'categorical', categories: names('lang', 30), baseline: zipf(30, 1.2), production: zipf(30, 1.2) },
];

function sampler(weights: readonly number[]): (rnd: () => number) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w / total));
  return (rnd) => {
    const u = rnd();
    for (let i = 0; i < cum.length; i++) if (u < cum[i]! && weights[i]! > 0) return i;
    let last = weights.length - 1;
    while (weights[last] === 0) last--;
    return last;
  };
}

interface Column {
  readonly spec: FeatureSpec;
  /** Numeric: the values. */
  readonly baseNum?: Float64Array;
  readonly prodNum?: Float64Array;
  /** Categorical: codes into spec.categories. */
  readonly baseCodes?: Uint16Array;
  readonly prodCodes?: Uint16Array;
}

function generate(rows: number, baselineRows: number, seed: number): Column[] {
  return FEATURES.map((spec, i) => {
    const rnd = rng(seed + 7919 * (i + 1));
    if (spec.kind === 'numeric') {
      const baseNum = new Float64Array(baselineRows);
      for (let r = 0; r < baselineRows; r++) baseNum[r] = spec.baseline(rnd);
      const prodNum = new Float64Array(rows);
      for (let r = 0; r < rows; r++) prodNum[r] = spec.production(rnd);
      return { spec, baseNum, prodNum };
    }
    const b = sampler(spec.baseline);
    const p = sampler(spec.production);
    const baseCodes = new Uint16Array(baselineRows);
    for (let r = 0; r < baselineRows; r++) baseCodes[r] = b(rnd);
    const prodCodes = new Uint16Array(rows);
    for (let r = 0; r < rows; r++) prodCodes[r] = p(rnd);
    return { spec, baseCodes, prodCodes };
  });
}

function writeColumns(dir: string, cols: readonly Column[]): void {
  if (endianness() !== 'LE') throw new Error('bench drift: the binary files are written in host order, which must be little-endian');
  const features = cols.map((c) => {
    const ext = c.spec.kind === 'numeric' ? 'f64' : 'u16';
    const baseline = `${c.spec.name}.baseline.${ext}`;
    const production = `${c.spec.name}.production.${ext}`;
    const [b, p] = c.spec.kind === 'numeric' ? [c.baseNum!, c.prodNum!] : [c.baseCodes!, c.prodCodes!];
    writeFileSync(join(dir, baseline), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    writeFileSync(join(dir, production), new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    return { name: c.spec.name, kind: c.spec.kind, baseline, production, ...(c.spec.kind === 'categorical' ? { categories: c.spec.categories } : {}) };
  });
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ features }, null, 1)}\n`);
}

// ---- our side --------------------------------------------------------------------------------------

/** The baseline as the store hands it over (BaselineRecord.values): plain arrays, names for categories. */
function baselineValues(cols: readonly Column[]): Record<string, (number | string)[]> {
  return Object.fromEntries(cols.map((c) => [c.spec.name, c.spec.kind === 'numeric'
    ? Array.from(c.baseNum!)
    : Array.from(c.baseCodes!, (k) => (c.spec as CategoricalSpec).categories[k]!)]));
}

const featureTypes = Object.fromEntries(FEATURES.map((f) => [f.name, { type: f.kind }]));

interface Folded {
  readonly layout: DriftLayout;
  readonly hists: ReadonlyMap<string, FeatureHistogram>;
  readonly layoutMs: number;
  readonly addMs: number;
}

/** (a) buildLayout, then every production value through addValue, one row (20 features) at a time. */
function fold(cols: readonly Column[], base: Record<string, (number | string)[]>, rows: number): Folded {
  const t0 = performance.now();
  const layout = buildLayout('bench-baseline', featureTypes, base);
  const t1 = performance.now();
  const slots = cols.map((c) => {
    const fl = layout.features[c.spec.name]!;
    return {
      name: c.spec.name, fl, h: emptyHistogram(fl), num: c.prodNum, codes: c.prodCodes,
      names: c.spec.kind === 'categorical' ? c.spec.categories : [],
    };
  });
  for (let r = 0; r < rows; r++) {
    for (const s of slots) addValue(s.h, s.fl, s.num !== undefined ? s.num[r]! : s.names[s.codes![r]!]!);
  }
  const t2 = performance.now();
  return { layout, hists: new Map(slots.map((s) => [s.name, s.h])), layoutMs: t1 - t0, addMs: t2 - t1 };
}

interface Evaluated {
  readonly features: FeatureDrift[];
  readonly dataset: DatasetDrift;
  readonly prepareMs: number;
  readonly featureDriftMs: number;
  /** Per feature: prepareFeature and featureDrift, ms. */
  readonly perFeatureMs: Record<string, { prepare: number; drift: number }>;
}

/** (b) prepareFeature per baseline feature, featureDrift per feature (defaults), datasetDrift. */
function evaluate(layout: DriftLayout, base: Record<string, (number | string)[]>, hists: ReadonlyMap<string, FeatureHistogram>): Evaluated {
  const perFeatureMs: Record<string, { prepare: number; drift: number }> = {};
  const t0 = performance.now();
  const prepared = new Map(FEATURES.map((f) => {
    const t = performance.now();
    const p = prepareFeature(layout.features[f.name]!, base[f.name]!);
    perFeatureMs[f.name] = { prepare: performance.now() - t, drift: 0 };
    return [f.name, p];
  }));
  const t1 = performance.now();
  const features = FEATURES.map((f) => {
    const t = performance.now();
    const d = featureDrift({
      name: f.name, type: f.kind, layout: layout.features[f.name]!, baseline: prepared.get(f.name)!, current: hists.get(f.name)!,
      critical: false, override: undefined,
    });
    perFeatureMs[f.name]!.drift = performance.now() - t;
    return d;
  });
  const dataset = datasetDrift(features, DATASET_SHARE);
  const t2 = performance.now();
  return { features, dataset, prepareMs: t1 - t0, featureDriftMs: t2 - t1, perFeatureMs };
}

interface RawInputs {
  readonly base: Record<string, (number | string)[]>;
  /** Production columns as plain arrays (numbers, or category names). */
  readonly prod: Record<string, (number | string)[]>;
}

interface RawStats {
  readonly wasserstein?: number;
  readonly jensenshannon?: number;
  readonly psi: number;
}

/** (c) the exact raw-array statistics. */
function rawStats(raw: RawInputs): Map<string, RawStats> {
  const out = new Map<string, RawStats>();
  for (const f of FEATURES) {
    if (f.kind === 'numeric') {
      const ref = raw.base[f.name] as number[];
      const cur = raw.prod[f.name] as number[];
      out.set(f.name, { wasserstein: normedWasserstein(ref, cur).normed, psi: psiNumeric(ref, cur).psi });
    } else {
      const rc = categoryCounts(f.categories, raw.base[f.name] as string[]);
      const cc = categoryCounts(f.categories, raw.prod[f.name] as string[]);
      out.set(f.name, { jensenshannon: jensenShannonDistance(rc, cc), psi: psiCategorical(f.categories, rc, cc).psi });
    }
  }
  return out;
}

function bestOf<T>(runs: number, f: () => T): { ms: number; runMs: number[]; best: T } {
  let best: T | undefined;
  let bestMs = Infinity;
  const runMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const v = f();
    const ms = performance.now() - t;
    runMs.push(ms);
    if (ms < bestMs) { bestMs = ms; best = v; }
  }
  return { ms: bestMs, runMs, best: best! };
}

// ---- scipy side ------------------------------------------------------------------------------------

interface ScipyOutput {
  readonly python: string;
  readonly numpy: string;
  readonly scipy: string;
  readonly runs: number;
  readonly runTotalsS: number[];
  readonly bestTotalS: number;
  readonly features: Array<{ name: string; kind: string; bestS: number; wasserstein?: number; jensenshannon?: number; psi: number }>;
}

function scipyVersion(python: string): string | undefined {
  if (!existsSync(python)) return undefined;
  const r = spawnSync(python, ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function hasAptGet(): boolean {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

/** numpy + scipy for `python`: there already, or installed with apt-get (root only); else why not. */
function ensureScipy(python: string, install: boolean, log: (line: string) => void): { ok: true; versions: string } | { ok: false; why: string } {
  const have = scipyVersion(python);
  if (have !== undefined) return { ok: true, versions: have };
  const missing = existsSync(python) ? `${python} has no numpy/scipy` : `${python} not found`;
  const root = process.getuid?.() === 0;
  if (!install || !root || !hasAptGet()) {
    const why = !install ? 'install not requested' : !root ? 'not root' : 'no apt-get';
    return { ok: false, why: `${missing} (${why}); install: ${root ? '' : 'sudo '}${SCIPY_INSTALL}` };
  }
  const apt = (args: string[]): boolean => {
    log(`drift: ${missing}; running apt-get ${args.join(' ')}`);
    return spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  const args = SCIPY_INSTALL.split(' ').slice(1);
  if (!apt(args)) {
    log('drift: apt-get install failed; running apt-get update and trying again');
    if (apt(['update'])) apt(args);
  }
  const now = scipyVersion(python);
  return now !== undefined ? { ok: true, versions: now } : { ok: false, why: `${missing} and apt-get could not install it; install: ${SCIPY_INSTALL}` };
}

async function runScipy(python: string, dir: string, runs: number): Promise<ScipyOutput> {
  const child = spawn(python, [SCIPY_SCRIPT, dir, String(runs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = onCleanup(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  kill();
  if (code !== 0) throw new Error(`drift_scipy.py exited ${String(code)}:\n${err}`);
  return JSON.parse(out) as ScipyOutput;
}

// ---- agreement -------------------------------------------------------------------------------------

function check(feature: string, stat: StatCheck['stat'], pair: StatCheck['pair'], ours: number, reference: number, bound?: number): StatCheck {
  const diff = Math.abs(ours - reference);
  const allowed = bound !== undefined ? bound + ABS_SLACK : REL_TOL * Math.max(Math.abs(ours), Math.abs(reference));
  return { feature, stat, pair, ours, reference, diff, allowed, ok: diff <= allowed || ours === reference };
}

function agreement(features: readonly FeatureDrift[], raw: ReadonlyMap<string, RawStats>, scipy: ScipyOutput | undefined): StatCheck[] {
  const sp = new Map(scipy?.features.map((f) => [f.name, f]));
  const checks: StatCheck[] = [];
  for (const f of features) {
    const r = raw.get(f.name)!;
    const s = sp.get(f.name);
    const stat = f.method === 'wasserstein' ? 'wasserstein' : 'jensenshannon';
    const bound = stat === 'wasserstein' ? f.errorBound : undefined;
    const rawMain = stat === 'wasserstein' ? r.wasserstein : r.jensenshannon;
    const spMain = stat === 'wasserstein' ? s?.wasserstein : s?.jensenshannon;
    if (f.statistic === null || f.psi === null || rawMain === undefined) throw new Error(`bench drift: ${f.name}: no statistic (${f.method}, ${f.status})`);
    checks.push(check(f.name, stat, 'binned/raw', f.statistic, rawMain, bound), check(f.name, 'psi', 'binned/raw', f.psi.value, r.psi));
    if (s === undefined) continue;
    if (spMain === undefined) throw new Error(`bench drift: scipy gave no ${stat} for ${f.name}`);
    checks.push(
      check(f.name, stat, 'binned/scipy', f.statistic, spMain, bound), check(f.name, 'psi', 'binned/scipy', f.psi.value, s.psi),
      check(f.name, stat, 'raw/scipy', rawMain, spMain), check(f.name, 'psi', 'raw/scipy', r.psi, s.psi),
    );
  }
  return checks;
}

function fmtSci(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

// ---- the benchmark ---------------------------------------------------------------------------------

export async function runDriftBench(opts: DriftOptions): Promise<DriftResult> {
  const { rows, baselineRows, runs, log } = opts;
  const python = opts.python ?? DEFAULT_PYTHON;
  const numeric = FEATURES.filter((f) => f.kind === 'numeric').length;
  const categorical = FEATURES.length - numeric;
  log(`drift: ${fmtInt(rows)} production rows × ${FEATURES.length} features (${numeric} numeric, ${categorical} categorical) against ${fmtInt(baselineRows)} baseline rows; best of ${runs} runs on each side`);

  const t = performance.now();
  const cols = generate(rows, baselineRows, opts.seed ?? 20_05);
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-bench-drift-'));
  const rmDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    writeColumns(dir, cols);
    const base = baselineValues(cols);
    const raw: RawInputs = {
      base,
      prod: Object.fromEntries(cols.map((c) => [c.spec.name, c.spec.kind === 'numeric'
        ? Array.from(c.prodNum!)
        : Array.from(c.prodCodes!, (k) => (c.spec as CategoricalSpec).categories[k]!)])),
    };
    const genMs = performance.now() - t;
    log(`drift: generated and wrote the data (${dir}) in ${(genMs / 1000).toFixed(1)} s`);

    // scipy first (its own process): an install, if one is needed, happens before our timings.
    const env = ensureScipy(python, opts.installScipy, log);
    let scipy: ScipyOutput | undefined;
    let scipySkipped: string | undefined;
    if (env.ok) {
      log(`drift: scipy side: ${python} ${SCIPY_SCRIPT} (numpy, scipy ${env.versions})`);
      scipy = await runScipy(python, dir, runs);
      log(`drift: scipy runs ${scipy.runTotalsS.map((s) => fmtMs(s * 1000)).join(' / ')}`);
    } else {
      scipySkipped = env.why;
      log(`drift: scipy skipped — ${env.why}`);
    }

    const folded = bestOf(runs, () => fold(cols, base, rows));
    log(`drift: fold runs ${folded.runMs.map(fmtMs).join(' / ')}`);
    const { layout, hists } = folded.best;
    const evaluated = bestOf(runs, () => evaluate(layout, base, hists));
    log(`drift: evaluation runs ${evaluated.runMs.map(fmtMs).join(' / ')}`);
    const rawRun = bestOf(runs, () => rawStats(raw));
    log(`drift: raw-array runs ${rawRun.runMs.map(fmtMs).join(' / ')}`);

    const features = evaluated.best.features;
    const checks = agreement(features, rawRun.best, scipy);
    const mismatches = checks.filter((c) => !c.ok)
      .map((c) => `${c.feature} ${c.stat} ${c.pair}: ${c.ours} vs ${c.reference}, |Δ| ${fmtSci(c.diff)} > allowed ${fmtSci(c.allowed)}`);

    const scipyMs = scipy === undefined ? undefined : scipy.bestTotalS * 1000;
    const r: DriftResult = {
      rows, baselineRows, numericFeatures: numeric, categoricalFeatures: categorical, runs, genMs,
      foldMs: folded.ms, layoutMs: folded.best.layoutMs, addMs: folded.best.addMs,
      foldRowsPerS: rows / (folded.best.addMs / 1000), foldValuesPerS: (rows * FEATURES.length) / (folded.best.addMs / 1000),
      evalMs: evaluated.ms, prepareMs: evaluated.best.prepareMs, featureDriftMs: evaluated.best.featureDriftMs,
      perFeatureMs: evaluated.best.perFeatureMs, rawMs: rawRun.ms,
      scipy: scipy === undefined ? undefined : {
        python: scipy.python, numpy: scipy.numpy, scipy: scipy.scipy, runs: scipy.runs, ms: scipyMs!,
        runMs: scipy.runTotalsS.map((s) => s * 1000), perFeatureMs: Object.fromEntries(scipy.features.map((f) => [f.name, f.bestS * 1000])),
      },
      scipySkipped,
      ratioEval: scipyMs === undefined ? undefined : scipyMs / evaluated.ms,
      ratioFoldEval: scipyMs === undefined ? undefined : scipyMs / (folded.ms + evaluated.ms),
      ratioCached: scipyMs === undefined ? undefined : scipyMs / evaluated.best.featureDriftMs,
      features, dataset: evaluated.best.dataset, checks, agree: mismatches.length === 0, mismatches,
    };
    printTable(r, scipy, rawRun.best, log);
    return r;
  } finally {
    rmDir();
  }
}

function printTable(r: DriftResult, scipy: ScipyOutput | undefined, raw: ReadonlyMap<string, RawStats>, log: (line: string) => void): void {
  const sp = new Map(scipy?.features.map((f) => [f.name, f]));
  log('');
  log('drift: per feature — mlslo binned statistic ± errorBound │ mlslo raw arrays │ scipy; PSI binned │ scipy; ' +
    'ms: mlslo prepareFeature + featureDrift │ scipy (best run)');
  for (const f of r.features) {
    const s = sp.get(f.name);
    const rs = raw.get(f.name)!;
    const ref = f.method === 'wasserstein' ? [rs.wasserstein, s?.wasserstein] : [rs.jensenshannon, s?.jensenshannon];
    const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(6));
    log(`  ${f.name.padEnd(11)} ${f.method.padEnd(13)} ${fmt(f.statistic)} ± ${fmtSci(f.errorBound).padEnd(8)} │ ${fmt(ref[0])} │ ${fmt(ref[1])}   ` +
      `PSI ${fmt(f.psi?.value)} │ ${fmt(s?.psi)}   ` +
      `${r.perFeatureMs[f.name]!.prepare.toFixed(1).padStart(6)} + ${r.perFeatureMs[f.name]!.drift.toFixed(1).padStart(5)} │ ${s === undefined ? '   n/a' : (s.bestS * 1000).toFixed(1).padStart(6)} ms  ${f.drifted ? 'DRIFT' : ''}${f.newCategories.length > 0 ? ` new: ${f.newCategories.map((c) => `${c.value} ${(c.share * 100).toFixed(1)}%`).join(', ')}` : ''}`);
  }
  log(`  dataset: ${r.dataset.driftedFeatures.length}/${r.dataset.evaluated} drifted (${(r.dataset.driftedShare * 100).toFixed(0)}%), dataset drift ${r.dataset.drifted ? 'yes' : 'no'} at share ≥ ${DATASET_SHARE}`);

  log('');
  log('drift: agreement (largest differences)');
  for (const pair of ['binned/scipy', 'raw/scipy', 'binned/raw'] as const) {
    const cs = r.checks.filter((c) => c.pair === pair);
    if (cs.length === 0) { log(`  ${pair.padEnd(13)} skipped (no scipy)`); continue; }
    const worst = (stat: StatCheck['stat']): string => {
      const xs = cs.filter((c) => c.stat === stat);
      if (xs.length === 0) return `${stat} –`;
      const w = xs.reduce((a, b) => (b.diff / (b.allowed || 1) > a.diff / (a.allowed || 1) ? b : a));
      const rel = Math.max(...xs.map((c) => (c.diff === 0 ? 0 : c.diff / Math.max(Math.abs(c.ours), Math.abs(c.reference)))));
      return stat === 'wasserstein' && pair !== 'raw/scipy'
        ? `W |Δ| max ${fmtSci(Math.max(...xs.map((c) => c.diff)))} (worst ${w.feature}: ${fmtSci(w.diff)} of bound ${fmtSci(w.allowed - ABS_SLACK)})`
        : `${stat === 'wasserstein' ? 'W' : stat === 'jensenshannon' ? 'JS' : 'PSI'} rel max ${fmtSci(rel)}`;
    };
    log(`  ${pair.padEnd(13)} ${worst('wasserstein')}; ${worst('jensenshannon')}; ${worst('psi')}  ${cs.every((c) => c.ok) ? 'OK' : 'MISMATCH'}`);
  }
  const flips = scipy === undefined ? [] : r.features.filter((f) => {
    const s = sp.get(f.name);
    const v = f.method === 'wasserstein' ? s?.wasserstein : s?.jensenshannon;
    return v !== undefined && (v >= f.threshold) !== f.drifted;
  }).map((f) => f.name);
  if (flips.length > 0) log(`  drift decision differs from scipy's value for: ${flips.join(', ')} (statistic within its error bound of the threshold)`);
  log(r.agree ? 'drift: agreement OK' : `drift: MISMATCH\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`);

  const bar = (label: string, ms: number | undefined, note: string): string => `  ${label.padEnd(34)} ${(ms === undefined ? 'n/a' : fmtMs(ms)).padStart(10)}   ${note}`;
  log('');
  log(`drift: time per evaluation, best of ${r.runs} on each side (a shared 2-core machine: compare ratios, not ms)`);
  log(bar('mlslo full evaluation (b)', r.evalMs, `prepareFeature × 20 ${fmtMs(r.prepareMs)} + featureDrift × 20 & datasetDrift ${fmtMs(r.featureDriftMs)}`));
  log(bar('mlslo fold (a), at ingest', r.foldMs, `buildLayout ${fmtMs(r.layoutMs)} + ${fmtInt(r.rows * r.features.length)} × addValue ${fmtMs(r.addMs)} = ${fmtInt(r.foldRowsPerS)} rows/s (${fmtInt(r.foldValuesPerS)} values/s)`));
  log(bar('mlslo fold + evaluation', r.foldMs + r.evalMs, ''));
  log(bar('mlslo raw arrays, exact (c)', r.rawMs, 'normedWasserstein + psiNumeric / counts + jensenShannonDistance + psiCategorical'));
  log(bar('scipy', r.scipy?.ms, r.scipy === undefined ? `skipped: ${r.scipySkipped ?? ''}` : `python ${r.scipy.python}, numpy ${r.scipy.numpy}, scipy ${r.scipy.scipy}; loading not timed`));
  if (r.ratioEval !== undefined && r.ratioFoldEval !== undefined && r.ratioCached !== undefined) {
    log(`drift ratio: scipy / mlslo evaluation ${fmtR(r.ratioEval)}   scipy / (mlslo fold + evaluation) ${fmtR(r.ratioFoldEval)}   ` +
      `scipy / mlslo raw arrays ${fmtR(r.scipy!.ms / r.rawMs)}   (scipy / featureDrift alone, baseline prepared & cached ${fmtR(r.ratioCached)})`);
    log('  the fold is paid at ingest time, a little per request, not when a report is asked for; the evaluation is what a report waits on');
  } else {
    log(`drift ratio: n/a — scipy skipped (${r.scipySkipped ?? ''})`);
  }
}
