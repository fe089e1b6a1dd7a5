/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy 1.10 computes it (`scipy.stats.ks_2samp`,
 * scipy/stats/_stats_py.py), so p-values match the reference vectors (testdata/reference, ks.json).
 *
 * - statistic: D = sup |F_a − F_b|, the ECDFs evaluated at every observed value (ties handled the way
 *   numpy's searchsorted(side='right') does).
 * - exact p-value (scipy's default when max(n1, n2) ≤ 10000): D is snapped to h/lcm(n1, n2) with
 *   h = round(D·lcm); n1 = n2 uses the closed-form alternating sum (`_compute_prob_outside_square`),
 *   otherwise the lattice-path "inside method" that computes 1 − p directly (Hodges 1958; Viehmann 2021,
 *   `_compute_outer_prob_inside_method`). If that yields a non-finite or out-of-[0, 1] value scipy
 *   warns and switches to the asymptotic p-value; `method` reports what ran.
 * - asymptotic p-value: kstwo.sf(D, round_half_even(n1·n2/(n1 + n2))), the exact one-sample two-sided
 *   KS distribution evaluated as Simard & L'Ecuyer (2011) recommend and as scipy/stats/_ksstats.py does:
 *   Ruben–Gambino closed forms at the ends, Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz's
 *   recursion, Pelz–Good's asymptotic series, or 2 × the one-sided Smirnov tail (Birnbaum–Tingey sum),
 *   depending on n and n·d². Effective n = 0 (n1 = n2 = 1) has no distribution: p is null.
 * scipy's exact p assumes continuous data; with ties it is what scipy reports, not a true p-value.
 * Pure: no I/O, no clock.
 */

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  /** D (in exact mode snapped to h/lcm(n1, n2), as scipy returns it). */
  readonly statistic: number;
  /** Two-sided p-value in [0, 1]; null where scipy gives NaN (asymp with effective n = 0). */
  readonly pvalue: number | null;
  /** What actually produced the p-value (exact falls back to asymp when it fails). */
  readonly method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' is exact up to this max(n1, n2). */
const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;

function sortedCopy(x: readonly number[]): Float64Array {
  const s = Float64Array.from(x);
  s.sort();
  return s;
}

/** D = max |F_a(v) − F_b(v)| over all observed v, F the right-continuous ECDF (i/n, exactly as numpy). */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksStatistic: both samples must be non-empty');
  const sa = sortedCopy(a);
  const sb = sortedCopy(b);
  if (Number.isNaN(sa[n1 - 1]!) || Number.isNaN(sb[n2 - 1]!)) throw new RangeError('ksStatistic: NaN in data');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 || j < n2) {
    // next distinct value; advance both samples past it (side='right' counts)
    const v = j >= n2 ? sa[i]! : i >= n1 ? sb[j]! : Math.min(sa[i]!, sb[j]!);
    while (i < n1 && sa[i]! <= v) i++;
    while (j < n2 && sb[j]! <= v) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy.round: to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/** Two-sample two-sided KS test (scipy 1.10 `ks_2samp(a, b, method=method)`). */
export function ks2samp(a: readonly number[], b: readonly number[], method: KsMethod = 'auto'): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('ks2samp: both samples must be non-empty');
  return ksPValue(ksStatistic(a, b), a.length, b.length, method);
}

/**
 * The p-value half of ks2samp: scipy's method choice and p-value for a statistic D between samples of
 * sizes n1 and n2 (positive integers). D need not come from raw arrays — a difference of two ECDF values
 * a/n1 − b/n2 computed as in ksStatistic gives the same bits, and in exact mode D is snapped to
 * h/lcm(n1, n2) with h = round(D·lcm) exactly as scipy does.
 */
export function ksPValue(statistic: number, n1: number, n2: number, method: KsMethod = 'auto'): KsResult {
  if (!(Number.isInteger(n1) && Number.isInteger(n2) && n1 > 0 && n2 > 0)) throw new RangeError('ksPValue: sample sizes must be positive integers');
  if (!(statistic >= 0 && statistic <= 1)) throw new RangeError(`ksPValue: statistic ${statistic} outside [0, 1]`);
  let d = statistic;
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: 'exact' | 'asymp';
  if (method === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact') mode = n1g >= INT32_MAX / n2g ? 'asymp' : 'exact';
  else mode = 'asymp';

  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pvalue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(prob) && prob >= 0 && prob <= 1) return { statistic: d, pvalue: prob, method: 'exact' };
    // scipy: "Exact calculation unsuccessful. Switching to method=asymp." (d stays snapped)
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = roundHalfEven((m * n) / (m + n));
  const p = kstwoSf(d, en);
  return { statistic: d, pvalue: Number.isNaN(p) ? null : clip01(p), method: 'asymp' };
}

// ---------------------------------------------------------------------------------------------------
// Exact two-sample null distribution (scipy/stats/_stats_py.py, _stats_pythran.py)
// ---------------------------------------------------------------------------------------------------

/** Pr(D_{n,n} ≥ h/n): 2·Σ (−1)^(k−1) C(2n, n − kh)/C(2n, n), Horner form (scipy's `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/** Proportion of lattice paths (0,0)→(m,n) leaving |x/m − y/n| < h/lcm (scipy's `_compute_outer_prob_inside_method`). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < Math.min(maxj, lenA); j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      for (let t = maxj - minj; t < Math.min(maxj - minj + (lastlen - curlen), lenA); t++) A[t] = 1;
    }
  }
  return A[maxj - minj - 1]!;
}

// ---------------------------------------------------------------------------------------------------
// kstwo: exact distribution of the one-sample two-sided D_n (scipy/stats/_ksstats.py)
// ---------------------------------------------------------------------------------------------------

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
/** cephes MINLOG = log(2^-1022). */
const CEPHES_MINLOG = Math.log(2 ** -1022);
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
// eslint-disable-next-line no-loss-of-precision -- scipy's published coefficients, kept digit for digit
const STIRLING = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2];

function ldexp(x: number, e: number): number {
  while (e > 1000) { x *= 2 ** 1000; e -= 1000; }
  while (e < -1000) { x *= 2 ** -1000; e += 1000; }
  return x * 2 ** e;
}

function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Survival function Pr(D_n > x) of the two-sided one-sample KS statistic (scipy.stats.kstwo.sf). */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x) || Number.isNaN(n) || !(n >= 1) || !Number.isInteger(n)) return NaN;
  // rv_continuous.sf: support (0.5/n, 1); 1 at or below the lower end, 0 at or above the upper.
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  return kolmogn(n, x, false);
}

function kolmogn(n: number, x: number, cdf: boolean): number {
  const sel = (c: number, s: number): number => clip01(cdf ? c : s);
  if (x >= 1) return sel(1, 0);
  if (x <= 0) return sel(0, 1);
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return sel(0, 1);
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return sel(prob, 1 - prob);
  }
  if (t >= n - 1) {
    const prob = 2 * (1 - x) ** n;
    return sel(1 - prob, prob);
  }
  if (x >= 0.5) {
    const prob = 2 * smirnovSf(n, x);
    return sel(1 - prob, prob);
  }
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const prob = kolmognDMTW(n, x);
      return sel(prob, 1 - prob);
    }
    if (nxsquared <= 4) {
      const prob = kolmognPomeranz(n, x);
      return sel(prob, 1 - prob);
    }
    const prob = 2 * smirnovSf(n, x);
    return sel(1 - prob, prob);
  }
  if (!cdf) {
    if (nxsquared >= 370) return 0;
    if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  }
  let cdfprob: number;
  if (nxsquared >= 18) cdfprob = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdfprob = kolmognDMTW(n, x);
  else cdfprob = kolmognPelzGood(n, x);
  return sel(cdfprob, 1 - cdfprob);
}

function matmul(A: Float64Array, B: Float64Array, m: number): Float64Array {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = A[i * m + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j]! += aik * B[k * m + j]!;
    }
  }
  return C;
}

/** Pr(D_n ≤ d) by Durbin's matrix, Marsaglia–Tsang–Wang form (`_kolmogn_DMTW`). */
function kolmognDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > EP128) {
      for (let i = 0; i < m * m; i++) H[i]! /= EP128;
      Hexpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hpwr[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion (`_kolmogn_Pomeranz`). */
function kolmognPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = np.convolve(V0[k1 − V0s : k1 − V0s + ln2], pwrs[:ln2]) with Python slice clipping
      const aStart = Math.max(k1 - V0s, 0);
      const aLen = Math.max(Math.min(k1 - V0s + ln2, npwrs) - aStart, 0);
      const bLen = Math.min(ln2, npwrs);
      const convLen = aLen + bLen - 1;
      const convStart = j1 - k1;
      const useLen = Math.min(j2 - j1 + 1, npwrs, convLen - convStart);
      for (let q = 0; q < useLen; q++) {
        const kk = convStart + q;
        let s = 0;
        const lo = Math.max(0, kk - bLen + 1);
        const hi = Math.min(kk, aLen - 1);
        for (let r = lo; r <= hi; r++) s += V0[aStart + r]! * pwrs[kk - r]!;
        V1[q] = s;
      }
      let mx = -Infinity;
      for (let q = 0; q < npwrs; q++) if (V1[q]! > mx) mx = V1[q]!;
      if (mx > 0 && mx < EM128) {
        for (let q = 0; q < npwrs; q++) V1[q]! *= EP128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz–Good asymptotic approximation to Pr(D_n ≤ x) (`_kolmogn_PelzGood`). */
function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qpower + coeffs[i]!;
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / div[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksq = k ** 2;
    const qp = q ** ksq;
    const kspi = Math.PI * k;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] = K[3]! + (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2);
  return sum;
}

/**
 * One-sided Smirnov upper tail Pr(D_n^+ > x) (scipy.special.smirnov), by the Birnbaum–Tingey lower sum
 * Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) x (x + v/n)^(v−1) (1 − x − v/n)^(n−v), every term positive and formed in logs.
 * scipy's cephes version uses double-double arithmetic; plain doubles keep ~1e-13 relative here.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxfl = Math.floor(nx);
  let alpha = nx - nxfl;
  if (alpha >= 1) { nxfl += 1; alpha = 0; }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return (1 - x) ** n;
  if (n > 1000000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // last v with 1 − x − v/n > 0 (a zero factor drops the term)
  let vmax = n - nxfl - (alpha === 0 ? 1 : 0);
  if (vmax > n) vmax = n;
  const logx = Math.log(x);
  let logC = 0;
  let sum = 0;
  for (let v = 0; v <= vmax; v++) {
    if (v > 0) logC += Math.log((n - v + 1) / v);
    const a = x + v / n;
    const b = 1 - a;
    if (b <= 0) break;
    const logTerm = logC + logx + (v - 1) * Math.log(a) + (n - v) * Math.log(b);
    sum += Math.exp(logTerm);
  }
  return clip01(sum);
}
