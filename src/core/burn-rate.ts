/**
 * Burn rates and multiwindow multi-burn-rate evaluation of a policy (burn-policy.ts).
 *
 * Burn rate over one window (DESIGN §2.2): (1 − good/total) / (1 − objective), evaluated in exactly
 * that order so results are bit-identical to the reference (testdata burn.json). A window with no
 * events has no burn rate and never fires.
 */
import type { BurnPolicy, BurnSeverity } from './burn-policy.ts';

export function burnRate(good: number, total: number, objective: number): number | undefined {
  if (!(total > 0)) return undefined;
  return (1 - good / total) / (1 - objective);
}

/** Every window length the policy reads, ascending, each once. */
export function policyWindows(policy: BurnPolicy): number[] {
  const s = new Set<number>();
  for (const r of policy.rows) {
    s.add(r.longMs);
    s.add(r.shortMs);
  }
  return [...s].sort((a, b) => a - b);
}

export interface WindowCounts {
  readonly good: number;
  readonly total: number;
}

export interface BurnRowResult {
  readonly severity: BurnSeverity;
  readonly longMs: number;
  readonly shortMs: number;
  readonly factor: number;
  /** Undefined when the window holds no events. */
  readonly longBurn: number | undefined;
  readonly shortBurn: number | undefined;
  readonly fires: boolean;
}

/**
 * Evaluates every row: it fires when both burn rates are strictly above its factor and the short window
 * holds at least `minEvents` events (the low-traffic guard). `counts(windowMs)` returns the trailing
 * window's counts at the evaluation instant, which the caller fixes (the core has no clock).
 */
export function evaluateBurn(
  policy: BurnPolicy,
  objective: number,
  counts: (windowMs: number) => WindowCounts,
  minEvents: number,
): BurnRowResult[] {
  const memo = new Map<number, WindowCounts>();
  const get = (w: number): WindowCounts => {
    let c = memo.get(w);
    if (c === undefined) {
      c = counts(w);
      memo.set(w, c);
    }
    return c;
  };
  return policy.rows.map((r) => {
    const long = get(r.longMs);
    const short = get(r.shortMs);
    const longBurn = burnRate(long.good, long.total, objective);
    const shortBurn = burnRate(short.good, short.total, objective);
    const fires = longBurn !== undefined && shortBurn !== undefined
      && longBurn > r.factor && shortBurn > r.factor && short.total >= minEvents;
    return { severity: r.severity, longMs: r.longMs, shortMs: r.shortMs, factor: r.factor, longBurn, shortBurn, fires };
  });
}
