/**
 * Multiwindow, multi-burn-rate alerting (Google SRE Workbook ch. 5, "Alerting on SLOs"; DESIGN §2.2).
 * The policy itself is data (policies/burn-*.yaml, loaded by src/spec/burn-policy-file.ts); this module
 * holds its type and derives policies for other SLO periods. Evaluation is in burn-rate.ts.
 */
import { DAY_MS } from './spec.ts';

export type BurnSeverity = 'page' | 'ticket';

export interface BurnPolicyRow {
  readonly severity: BurnSeverity;
  readonly longMs: number;
  readonly shortMs: number;
  /** Burn rate both windows must exceed (strictly). */
  readonly factor: number;
  /** Share of the period's budget that burning at `factor` for the long window spends. */
  readonly budgetSpent: number;
}

export interface BurnPolicy {
  /** Where the numbers come from (a citation), carried into alert evidence. */
  readonly source: string;
  readonly periodDays: number;
  readonly rows: ReadonlyArray<BurnPolicyRow>;
}

/**
 * burnFactor = budgetSpent × period ÷ long window: burning at that rate for the long window spends
 * `budgetSpent` of the period's budget. 30d: 0.02·720h/1h = 14.4; 28d: 13.44, 5.6, 2.8 and
 * 0.1·28d/3d = 0.933333333333 (the DESIGN's "0.93" is this number rounded).
 * Rounded to 12 significant digits so a decimal budget share gives the decimal factor the Workbook prints
 * (13.44, not 13.440000000000001); a threshold loses nothing at 1e-12.
 */
export function burnFactor(budgetSpent: number, periodDays: number, longMs: number): number {
  return Number(((budgetSpent * periodDays * DAY_MS) / longMs).toPrecision(12));
}

/** The same windows and budget shares as `base`, with factors recomputed for `periodDays`. */
export function derivePolicy(base: BurnPolicy, periodDays: number): BurnPolicy {
  if (!(Number.isInteger(periodDays) && periodDays > 0)) throw new RangeError(`derivePolicy: periodDays ${periodDays} is not a whole positive number`);
  return {
    source: `${base.source}; factors derived for ${periodDays}d as budgetSpent × period ÷ long window`,
    periodDays,
    rows: base.rows.map((r) => ({ ...r, factor: burnFactor(r.budgetSpent, periodDays, r.longMs) })),
  };
}
