/**
 * Drift of one feature, and of a dataset, from a prepared baseline and a production histogram
 * (DESIGN §2.6). Method choice follows Evidently's defaults:
 *
 * | feature                    | baseline rows ≤ 1000                  | > 1000                      |
 * | numeric, > 5 distinct      | KS, drift if p ≤ 0.05                 | Wasserstein/std ≥ 0.1       |
 * | categorical or ≤ 5 distinct| chi2 p ≤ 0.05 (z if two categories)   | Jensen–Shannon (ln) ≥ 0.1   |
 *
 * `baseline rows` are the feature's non-missing baseline values; "two categories" counts baseline ∪
 * production. Any method can be overridden per feature (spec DriftOverride); PSI is reported for every
 * feature. p-value methods (ks, chi2, z) drift when p ≤ threshold, the others when statistic ≥ threshold.
 * Statistics come from binned.ts: exact except non-exact-layout KS and Wasserstein, which carry
 * `errorBound` (drift is judged on the statistic as computed).
 */
import type { DriftMethod, DriftOverride } from '../spec.ts';
import { chi2Contingency } from './chi2.ts';
import { jensenShannonDistance } from './jensen-shannon.ts';
import { binaryZTest } from './z-test.ts';
import type { PsiResult, PsiBand } from './psi.ts';
import type { FeatureLayout } from './layout.ts';
import type { FeatureHistogram } from './histogram.ts';
import { FEW_VALUES_MAX, type PreparedFeature } from './prepared-baseline.ts';
import {
  categoricalTable, ksBinned, newCategories, numericTable, psiBinLabels, psiBinned, psiTable, wassersteinBinned,
  type CategoryTable,
} from './binned.ts';

/** Evidently's small-baseline limit: up to this many rows, the tests with p-values. */
export const SMALL_BASELINE_ROWS = 1000;

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05, wasserstein: 0.1, chi2: 0.05, z: 0.05, jensenshannon: 0.1, psi: 0.1,
};

const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'chi2', 'z']);
/** Methods that need a numeric feature. */
const NUMERIC_ONLY: ReadonlySet<DriftMethod> = new Set(['ks', 'wasserstein']);

export interface FeatureDriftInput {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly layout: FeatureLayout;
  readonly baseline: PreparedFeature;
  readonly current: FeatureHistogram;
  readonly critical: boolean;
  readonly override: DriftOverride | undefined;
}

export interface ShiftedBin {
  readonly bin: string;
  readonly baselineShare: number;
  readonly currentShare: number;
  readonly psiTerm: number;
}

export interface FeatureDrift {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  /** The method that ran (an inapplicable override falls back, see featureDrift). */
  readonly method: DriftMethod;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly critical: boolean;
  /** The true statistic lies within this of `statistic` (KS: above it); 0 when exact. */
  readonly errorBound: number;
  readonly psi: { readonly value: number; readonly band: PsiBand } | null;
  readonly baselineCount: number;
  readonly currentCount: number;
  readonly currentMissing: number;
  /** The (up to) 3 PSI bins with the largest |contribution|, contributions of 0 left out. */
  readonly shiftedBins: readonly ShiftedBin[];
  /** Production categories absent from the baseline (categorical features). */
  readonly newCategories: ReadonlyArray<{ readonly value: string; readonly share: number }>;
  /** no_data: no production values or no baseline values — statistic null, not drifted. */
  readonly status: 'ok' | 'no_data';
}

export interface DatasetDrift {
  readonly driftedShare: number;
  readonly drifted: boolean;
  /** Features with status ok. */
  readonly evaluated: number;
  readonly driftedFeatures: readonly string[];
}

/** DESIGN §2.6's default method; `categoriesInBoth` counts the categories of baseline ∪ production. */
export function defaultMethod(type: 'numeric' | 'categorical', baselineRows: number, distinct: number, categoriesInBoth: number): DriftMethod {
  const small = baselineRows <= SMALL_BASELINE_ROWS;
  if (type === 'numeric' && distinct > FEW_VALUES_MAX) return small ? 'ks' : 'wasserstein';
  if (!small) return 'jensenshannon';
  return categoriesInBoth === 2 ? 'z' : 'chi2';
}

interface Outcome {
  readonly method: DriftMethod;
  readonly statistic: number;
  readonly pValue: number | null;
  readonly errorBound: number;
}

/**
 * The method that runs: the override's if it applies — ks and wasserstein need a numeric feature, z at
 * most two categories (else chi2 runs) — otherwise the default. The override's threshold applies to the
 * method that runs when that method is the override's, or when no method was overridden, or when the
 * fallback is of the same kind (p-value or distance); otherwise the fallback's default threshold.
 */
function choose(input: FeatureDriftInput, categories: () => number): { method: DriftMethod; threshold: number } {
  const { type, baseline, override } = input;
  const asCategories = type === 'categorical' || baseline.distinct <= FEW_VALUES_MAX;
  const fallback = (): DriftMethod => defaultMethod(type, baseline.rows, baseline.distinct, asCategories ? categories() : 0);
  let method = override?.method ?? fallback();
  if (type === 'categorical' && NUMERIC_ONLY.has(method)) method = fallback();
  if (method === 'z' && categories() > 2) method = 'chi2';
  const wanted = override?.method;
  const threshold = override?.threshold;
  const applies = threshold !== undefined
    && (wanted === undefined || wanted === method || P_VALUE_METHODS.has(wanted) === P_VALUE_METHODS.has(method));
  return { method, threshold: applies ? threshold : DEFAULT_THRESHOLDS[method] };
}

function countTest(method: DriftMethod, t: CategoryTable): Outcome {
  switch (method) {
    case 'chi2': {
      const r = chi2Contingency(t.baseline, t.current);
      return { method, statistic: r.statistic, pValue: r.pvalue, errorBound: 0 };
    }
    case 'z': {
      const r = binaryZTest(t.baseline, t.current);
      return { method, statistic: r.statistic, pValue: r.pvalue, errorBound: 0 };
    }
    default:
      return { method: 'jensenshannon', statistic: jensenShannonDistance(t.baseline, t.current), pValue: null, errorBound: 0 };
  }
}

function shiftedBins(labels: readonly string[], psi: PsiResult): ShiftedBin[] {
  return psi.contributions
    .map((psiTerm, i) => ({ bin: labels[i]!, baselineShare: psi.referenceShares[i]!, currentShare: psi.currentShares[i]!, psiTerm }))
    .filter((b) => b.psiTerm !== 0)
    .sort((a, b) => Math.abs(b.psiTerm) - Math.abs(a.psiTerm))
    .slice(0, 3);
}

export function featureDrift(input: FeatureDriftInput): FeatureDrift {
  const { name, type, layout, baseline, current, critical } = input;
  if (layout.kind !== baseline.kind || layout.kind !== current.kind || (type === 'numeric') !== (layout.kind === 'numeric')) {
    throw new RangeError(`featureDrift ${name}: type, layout, baseline and histogram disagree`);
  }
  let tableMemo: CategoryTable | undefined;
  const table = (): CategoryTable => {
    if (tableMemo !== undefined) return tableMemo;
    if (layout.kind === 'numeric' && baseline.kind === 'numeric' && current.kind === 'numeric') tableMemo = numericTable(layout, baseline, current);
    else if (layout.kind === 'categorical' && baseline.kind === 'categorical' && current.kind === 'categorical') tableMemo = categoricalTable(layout, baseline, current);
    return tableMemo!;
  };
  const common = {
    name, type, critical,
    baselineCount: baseline.rows, currentCount: current.count, currentMissing: current.missing,
  };
  if (baseline.rows === 0 || current.count === 0) {
    const m = choose(input, () => 0);
    return {
      ...common, method: m.method, threshold: m.threshold, statistic: null, pValue: null, drifted: false, errorBound: 0,
      psi: null, shiftedBins: [], newCategories: [], status: 'no_data',
    };
  }
  const { method, threshold } = choose(input, () => table().labels.length);
  let outcome: Outcome;
  let psi: PsiResult;
  let psiLabels: readonly string[];
  let fresh: { value: string; share: number }[] = [];
  if (layout.kind === 'numeric' && baseline.kind === 'numeric' && current.kind === 'numeric') {
    const p = psiBinned(layout, baseline, current);
    psi = p;
    psiLabels = psiBinLabels(p.edges);
    if (method === 'ks') {
      const r = ksBinned(layout, baseline, current);
      outcome = { method, statistic: r.statistic, pValue: r.pvalue, errorBound: r.errorBound };
    } else if (method === 'wasserstein') {
      const r = wassersteinBinned(layout, baseline, current);
      outcome = { method, statistic: r.normed, pValue: null, errorBound: r.normedBound };
    } else if (method === 'psi') {
      outcome = { method, statistic: p.psi, pValue: null, errorBound: 0 };
    } else {
      outcome = countTest(method, table());
    }
  } else if (baseline.kind === 'categorical' && current.kind === 'categorical') {
    const t = table();
    const p = psiTable(t);
    psi = p;
    psiLabels = t.labels;
    outcome = method === 'psi' ? { method, statistic: p.psi, pValue: null, errorBound: 0 } : countTest(method, t);
    fresh = newCategories(baseline, current);
  } else {
    throw new RangeError(`featureDrift ${name}: type, layout, baseline and histogram disagree`);
  }
  const drifted = outcome.pValue !== null
    ? outcome.pValue <= threshold
    : !P_VALUE_METHODS.has(outcome.method) && outcome.statistic >= threshold;
  return {
    ...common,
    method: outcome.method,
    statistic: outcome.statistic,
    pValue: outcome.pValue,
    threshold,
    drifted,
    errorBound: outcome.errorBound,
    psi: { value: psi.psi, band: psi.band },
    shiftedBins: shiftedBins(psiLabels, psi),
    newCategories: fresh,
    status: 'ok',
  };
}

/** Dataset drift over the features with data: drifted when some were evaluated and the drifted share ≥ share. */
export function datasetDrift(features: readonly FeatureDrift[], share: number): DatasetDrift {
  const ok = features.filter((f) => f.status === 'ok');
  const driftedFeatures = ok.filter((f) => f.drifted).map((f) => f.name);
  const driftedShare = ok.length === 0 ? 0 : driftedFeatures.length / ok.length;
  return { driftedShare, drifted: ok.length > 0 && driftedShare >= share, evaluated: ok.length, driftedFeatures };
}
