/**
 * Number and time formatting. SLIs live close to 1, so a percentage gets as many decimals as it takes to
 * tell it from its objective (99.95% vs 99.987%); budgets and shares get one. Times are shown in UTC,
 * with the offset written out, so two people reading one shared link see the same instant.
 */

const MINUS = '\u2212';
const DASH = '\u2014';

const countFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return s.startsWith('-') ? `${MINUS}${s.slice(1)}` : s;
}

/** Decimals that show a ratio near 1 faithfully: 0.99987 → 3 (99.987%), 0.93 → 1 (93.0%). */
function ratioDigits(x: number): number {
  const miss = 1 - x;
  if (miss <= 0 || miss >= 0.1) return 1;
  if (miss >= 0.01) return 2;
  return 3;
}

/** A ratio as a percentage (`sli`, `qHat`, objectives); null → an em dash. */
export function pct(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${fixed(x * 100, digits ?? ratioDigits(x))}%`;
}

/**
 * Axis labels for ratios as percentages, all with the decimals the tick step needs (a step of 0.5% → one
 * decimal): 100.0%, 99.5%, 99.0% rather than 100.00%, 99.50%, 99.0%.
 */
export function pctTicks(splits: readonly number[]): string[] {
  const step = splits.length < 2 ? 1 : Math.abs(splits[1]! - splits[0]!);
  const stepPct = Number((step * 100).toPrecision(6));
  const digits = stepPct > 0 ? Math.min(3, Math.max(0, Math.ceil(-Math.log10(stepPct)))) : 1;
  return splits.map((v) => `${fixed(v * 100, digits)}%`);
}

/** A 95% interval of a ratio, both ends with the same decimals: `85.50% – 90.24%`, not `85.5% – 90.24%`. */
export function pctRange(lower: number, upper: number): string {
  const digits = Math.max(ratioDigits(lower), ratioDigits(upper));
  return `${pct(lower, digits)} – ${pct(upper, digits)}`;
}

/** An objective exactly as written in the spec: 0.9995 → 99.95%, 0.95 → 95%. */
export function objectivePct(x: number): string {
  return `${Number((x * 100).toFixed(4))}%`;
}

/** A budget share, which may be negative (overspent): one decimal, a real minus sign. */
export function budgetPct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${fixed(x * 100, Math.abs(x) >= 10 ? 0 : 1)}%`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return countFmt.format(Math.round(n)).replace('-', MINUS);
}

/** Estimated counts (q̂ · ok) are fractional; keep one decimal below 100 so small numbers stay honest. */
export function estCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return Math.abs(n) < 100 && !Number.isInteger(n) ? fixed(n, 1) : count(n);
}

/** A burn rate: 14.4×, 0.52×. */
export function burn(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${fixed(x, x >= 100 ? 0 : x >= 10 ? 1 : 2)}×`;
}

/** p-values: three significant digits, scientific notation when tiny. */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  if (p === 0) return '0';
  if (p < 0.001) return p.toExponential(1).replace('-', MINUS);
  return p.toPrecision(3).replace(/\.?0+$/, '');
}

/** A statistic (KS D, Wasserstein, JS distance, PSI). */
export function stat(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  if (x !== 0 && Math.abs(x) < 0.001) return x.toExponential(1).replace('-', MINUS);
  return fixed(x, Math.abs(x) >= 100 ? 1 : 3);
}

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return x >= 1000 ? `${fixed(x / 1000, 2)} s` : `${fixed(x, x >= 100 ? 0 : 1)} ms`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function toDate(t: string | number): Date {
  return typeof t === 'number' ? new Date(t) : new Date(t);
}

/** `2026-11-28 10:04 UTC`; seconds when asked. */
export function utc(t: string | number | null | undefined, seconds = false): string {
  if (t === null || t === undefined) return DASH;
  const d = toDate(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time} UTC`;
}

/** Only the time of day, for axis-like places: `10:04 UTC`. */
export function utcTime(t: string | number): string {
  const d = toDate(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** A duration in ms, coarse: `3h 12m`, `45s`, `2d 4h`. */
export function duration(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `5m ago` relative to a reference instant (the server's clock, which a demo may speed up). */
export function ago(t: string | number, now: number): string {
  const d = now - toDate(t).getTime();
  return d < 0 ? `in ${duration(-d)}` : `${duration(d)} ago`;
}

/** The `YYYY-MM-DDTHH:MM` of a UTC instant, for `<input type="datetime-local">` read as UTC. */
export function toUtcInput(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The inverse of toUtcInput: an ISO instant with an explicit `Z`, as the API requires. */
export function fromUtcInput(v: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) return undefined;
  const iso = `${v.length === 16 ? `${v}:00` : v}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** A difference of two ratios in percentage points, signed: `+2.4 pts`, `−4.1 pts`. */
export function points(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return DASH;
  const v = d * 100;
  return `${v > 0 ? '+' : v < 0 ? MINUS : '±'}${Math.abs(v).toFixed(1)} pts`;
}

/** An agreement coefficient (κ, α) in [−1, 1]: two decimals, a real minus sign. */
export function coef(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return fixed(x, 2);
}
