/** `spec.cohorts` and `spec.drift` (DESIGN §2.5, §2.6). */
import { DRIFT_METHODS, type DriftMethod, type DriftOverride, type DriftSpec } from '../core/spec.ts';
import { DEFAULTS } from './defaults.ts';
import { parseDuration } from './duration.ts';
import { didYouMean, listOf } from './suggest.ts';
import type { At, MapView, Reader } from './yaml-reader.ts';

const DRIFT_KEYS = ['features', 'critical', 'overrides', 'datasetShare', 'alertWindow', 'alertFor'] as const;
const OVERRIDE_KEYS = ['method', 'threshold'] as const;
const FEATURE_TYPES = ['numeric', 'categorical'] as const;
/** Methods whose statistic is a p-value: drift when p ≤ threshold, so a threshold must lie in (0, 1). */
const P_VALUE_METHODS: readonly DriftMethod[] = ['ks', 'chi2', 'z'];
/** Prediction drift is keyed by these pseudo-features (§2.6 "the same tests on the prediction"). */
const PREDICTION_FEATURES = ['prediction.label', 'prediction.score', 'prediction.value'] as const;
// Attribute names appear in URLs, metric labels and SQL; keep them to a safe identifier alphabet.
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

function checkName(r: Reader, at: At, name: string, what: string): boolean {
  if (ATTRIBUTE.test(name)) return true;
  r.report(at, `${what} \`${name}\` must start with a letter or \`_\` and hold at most 63 letters, digits, \`_\`, \`.\` or \`-\``);
  return false;
}

/**
 * Names every plain object answers (`constructor`, `toString`, `__proto__`, …). Cohort values are read as
 * `event.cohort[name]` in several places, so a cohort named so would read a function or a prototype for
 * every event without that attribute and fail ingest with a 500.
 */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

function checkCohortName(r: Reader, at: At, name: string): boolean {
  if (!checkName(r, at, name, 'cohort attribute')) return false;
  if (!RESERVED.has(name)) return true;
  r.report(at, `cohort attribute \`${name}\` is reserved: every JavaScript object has a member of that name`);
  return false;
}

export function readCohorts(r: Reader, at: At | undefined): string[] | undefined {
  if (at === undefined) return [];
  const list = r.stringList(at, 'cohort attribute');
  if (list === undefined) return undefined;
  const good = list.filter((c) => checkCohortName(r, c.at, c.value));
  return good.length === list.length && list.length === r.list(at)?.length ? list.map((c) => c.value) : undefined;
}

function defaultDrift(): DriftSpec {
  return {
    features: {},
    critical: [],
    overrides: {},
    datasetShare: DEFAULTS.driftDatasetShare,
    alertWindowMs: parseDuration(DEFAULTS.driftAlertWindow)!,
    alertForMs: parseDuration(DEFAULTS.driftAlertFor)!,
  };
}

export function readDrift(r: Reader, at: At | undefined): DriftSpec | undefined {
  if (at === undefined) return defaultDrift();
  const view = r.map(at, DRIFT_KEYS);
  if (view === undefined) return undefined;
  // Entries, not assignment: a feature may be called `__proto__`.
  const features: [string, 'numeric' | 'categorical'][] = [];
  let ok = true;
  const fAt = view.get('features');
  const fView = fAt === undefined ? undefined : r.mapOfAny(fAt);
  if (fAt !== undefined && fView === undefined) ok = false;
  for (const [name, v] of fView ?? []) {
    const type = r.oneOf(v, FEATURE_TYPES);
    if (!checkName(r, v, name, 'feature') || type === undefined) ok = false;
    else features.push([name, type]);
  }
  const cAt = view.get('critical');
  const critical = cAt === undefined ? [] : r.stringList(cAt, 'feature');
  if (critical === undefined) ok = false;
  for (const c of critical ?? []) {
    if (fView?.has(c.value) === true) continue;
    const declared = features.map(([f]) => f);
    r.report(c.at, `\`${c.value}\` is not a drift feature; critical features must be listed in \`features\`${declared.length === 0 ? '' : ` (${listOf(declared, 'and')})`}`);
    ok = false;
  }
  const overrides = readOverrides(r, view.get('overrides'));
  const { datasetShare, alertWindowMs, alertForMs } = readAlerting(r, view);
  if (!ok || critical === undefined || overrides === undefined || datasetShare === undefined || alertWindowMs === undefined || alertForMs === undefined) return undefined;
  return { features: Object.fromEntries(features), critical: critical.map((c) => c.value), overrides, datasetShare, alertWindowMs, alertForMs };
}

/**
 * `overrides: {feature: {method, threshold}}`. Keys are feature names, declared in `features` or not
 * (a type can be inferred from the baseline), or one of the prediction pseudo-features.
 */
function readOverrides(r: Reader, at: At | undefined): Record<string, DriftOverride> | undefined {
  if (at === undefined) return {};
  const entries = r.mapOfAny(at);
  if (entries === undefined) return undefined;
  const out: [string, DriftOverride][] = [];
  let ok = true;
  for (const [name, v] of entries) {
    const nameOk = checkName(r, v, name, 'feature') && checkPrediction(r, v, name);
    const o = readOverride(r, v);
    if (!nameOk || o === undefined) ok = false;
    else out.push([name, o]);
  }
  return ok ? Object.fromEntries(out) : undefined;
}

function checkPrediction(r: Reader, at: At, name: string): boolean {
  if (!name.startsWith('prediction.') || (PREDICTION_FEATURES as readonly string[]).includes(name)) return true;
  r.report(at, `\`${name}\` is not a prediction field; prediction drift is overridden on ${listOf(PREDICTION_FEATURES)}${didYouMean(name, PREDICTION_FEATURES)}`);
  return false;
}

function readOverride(r: Reader, at: At): DriftOverride | undefined {
  const view = r.map(at, OVERRIDE_KEYS);
  if (view === undefined) return undefined;
  const methodAt = view.get('method');
  const thresholdAt = view.get('threshold');
  if (methodAt === undefined && thresholdAt === undefined) {
    // An unknown key such as `treshold` was reported already, with a suggestion.
    if (view.unknownKeys === 0) r.report(at, 'must set `method`, `threshold` or both');
    return undefined;
  }
  const method = methodAt === undefined ? undefined : r.oneOf(methodAt, DRIFT_METHODS);
  const threshold = thresholdAt === undefined ? undefined : readThreshold(r, thresholdAt, method);
  if ((methodAt !== undefined && method === undefined) || (thresholdAt !== undefined && threshold === undefined)) return undefined;
  return { method, threshold };
}

/** > 0; below 1 as well for a p-value method (the statistic is a probability; drift when p ≤ threshold). */
function readThreshold(r: Reader, at: At, method: DriftMethod | undefined): number | undefined {
  const t = r.number(at);
  if (t === undefined) return undefined;
  if (method !== undefined && P_VALUE_METHODS.includes(method)) {
    if (t > 0 && t < 1) return t;
    r.report(at, `must be between 0 and 1, exclusive, got ${t} (\`${method}\` compares a p-value with it)`);
    return undefined;
  }
  if (t > 0) return t;
  r.report(at, `must be greater than 0, got ${t}`);
  return undefined;
}

/** `datasetShare` in (0, 1], `alertWindow` > 0 and `alertFor` ≥ 0, each with its default. */
function readAlerting(r: Reader, view: MapView): { datasetShare: number | undefined; alertWindowMs: number | undefined; alertForMs: number | undefined } {
  const shareAt = view.get('datasetShare');
  let datasetShare: number | undefined = DEFAULTS.driftDatasetShare;
  if (shareAt !== undefined) {
    datasetShare = r.number(shareAt);
    if (datasetShare !== undefined && !(datasetShare > 0 && datasetShare <= 1)) {
      r.report(shareAt, `must be greater than 0 and at most 1, got ${datasetShare}`);
      datasetShare = undefined;
    }
  }
  const windowAt = view.get('alertWindow');
  const forAt = view.get('alertFor');
  return {
    datasetShare,
    alertWindowMs: windowAt === undefined ? parseDuration(DEFAULTS.driftAlertWindow)! : r.duration(windowAt),
    alertForMs: forAt === undefined ? parseDuration(DEFAULTS.driftAlertFor)! : r.duration(forAt, { zero: true }),
  };
}
