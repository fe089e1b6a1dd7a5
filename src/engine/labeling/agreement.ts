/**
 * Inter-labeler agreement over a window (DESIGN §2.8, docs/labeling.md "Agreement and calibration"),
 * from the labels recorded by the queue with `from <= at <= to`.
 *
 * What is compared depends on the task:
 * - classification: the class (α nominal, κ on classes);
 * - ranking: the verdict (hit@k of the labeler's relevant items; α nominal, κ on verdicts);
 * - regression: the value (α interval), κ on the verdicts (within tolerance of the prediction);
 * - generative: the mean of the rubric scores (α interval), κ on the verdicts (criteria hold).
 * κ needs matching categories, which continuous values rarely give; α on the interval scale uses how
 * far apart they are.
 */
import type { Label } from '../../core/event.ts';
import { cohenKappa, krippendorffAlpha, type Rating } from '../../core/stats/agreement.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { judge } from '../../core/verdict.ts';
import type { LabelActionRecord, LabelItemRecord, Store } from '../../store/port.ts';
import { predictionOf } from './inference-wire.ts';
import { payloadOfSubmission, type Submission } from './label-form.ts';

export interface KappaResult {
  /** Cohen's κ; null when undefined (no pairs, or both raters used one and the same category). */
  readonly value: number | null;
  /** Pairs compared. */
  readonly n: number;
  /** Share of pairs in exact agreement (0 when n = 0). */
  readonly observed: number;
}

export interface AlphaResult {
  readonly value: number | null;
  /** Units (items) with at least two values. */
  readonly units: number;
  /** Values in those units. */
  readonly pairable: number;
}

export interface LabelerAgreement {
  readonly labeler: string;
  readonly labels: number;
  readonly skips: number;
  readonly flags: number;
  readonly kappa: KappaResult;
}

export interface AgreementReport {
  readonly service: string;
  readonly from: number;
  readonly to: number;
  readonly overlapItems: number;
  readonly alpha: AlphaResult;
  readonly kappa: KappaResult;
  readonly labelers: readonly LabelerAgreement[];
}

/** One label as the two statistics see it; null where it cannot be read (e.g. no verdict). */
interface Rated {
  readonly labeler: string;
  readonly alpha: Label | null;
  readonly kappa: Label | null;
}

const GOOD = 'good';
const BAD = 'bad';

function rate(spec: ServiceSpec, item: LabelItemRecord | undefined, a: LabelActionRecord): Rated {
  const none = { labeler: a.labeler, alpha: null, kappa: null };
  if (a.label === null) return none;
  const s = JSON.parse(a.label) as Submission;
  const prediction = item === undefined ? undefined : predictionOf(JSON.parse(item.request) as unknown);
  const payload = payloadOfSubmission(s, prediction);
  const good = judge(spec.quality.verdict, prediction, payload);
  const verdict = good === undefined ? null : good ? GOOD : BAD;
  switch (payload.kind) {
    case 'label':
      return { labeler: a.labeler, alpha: payload.label, kappa: payload.label };
    case 'relevant':
      return { labeler: a.labeler, alpha: verdict, kappa: verdict };
    case 'value':
      return { labeler: a.labeler, alpha: payload.value, kappa: verdict };
    case 'scores': {
      const values = Object.values(payload.scores);
      return { labeler: a.labeler, alpha: values.length === 0 ? null : values.reduce((x, y) => x + y, 0) / values.length, kappa: verdict };
    }
    case 'feedback':
      return none;
  }
}

export function kappaOf(a: readonly Label[], b: readonly Label[]): KappaResult {
  const n = a.length;
  const agree = a.filter((x, i) => x === b[i]).length;
  const k = cohenKappa(a, b);
  return { value: k.kappa, n, observed: n === 0 ? 0 : agree / n };
}

export async function agreementReport(store: Store, spec: ServiceSpec, from: number, to: number): Promise<AgreementReport> {
  // Inclusive of `to` (usually now), so a label given this millisecond counts.
  const actions = await store.listLabelActions(spec.name, { from, to: to + 1 });
  const counts = new Map<string, { labels: number; skips: number; flags: number }>();
  const labelsByItem = new Map<string, LabelActionRecord[]>();
  for (const a of actions) {
    let c = counts.get(a.labeler);
    if (c === undefined) counts.set(a.labeler, (c = { labels: 0, skips: 0, flags: 0 }));
    if (a.action === 'label') {
      c.labels++;
      const list = labelsByItem.get(a.itemId);
      if (list === undefined) labelsByItem.set(a.itemId, [a]);
      else list.push(a);
    } else if (a.action === 'skip') c.skips++;
    else c.flags++;
  }

  // Overlap items, each with its labels in the order they were given (listLabelActions is oldest first).
  const overlap: Rated[][] = [];
  for (const [itemId, list] of labelsByItem) {
    if (list.length < 2) continue;
    const item = await store.getLabelItem(itemId);
    overlap.push(list.map((a) => rate(spec, item, a)));
  }

  const level = spec.task === 'regression' || spec.task === 'generative' ? 'interval' : 'nominal';
  const labelers = [...new Set(overlap.flatMap((u) => u.map((r) => r.labeler)))].sort();
  const raters: Rating[][] = labelers.map((l) => overlap.map((u) => u.find((r) => r.labeler === l)?.alpha ?? null));
  const alpha = krippendorffAlpha(raters, level);

  const first: Label[] = [];
  const second: Label[] = [];
  for (const u of overlap) {
    const [x, y] = u;
    if (x?.kappa != null && y?.kappa != null) {
      first.push(x.kappa);
      second.push(y.kappa);
    }
  }

  const perLabeler: LabelerAgreement[] = [...counts.keys()].sort().map((labeler) => {
    const mine: Label[] = [];
    const other: Label[] = [];
    for (const u of overlap) {
      const me = u.find((r) => r.labeler === labeler);
      const them = u.find((r) => r.labeler !== labeler);
      if (me?.kappa != null && them?.kappa != null) {
        mine.push(me.kappa);
        other.push(them.kappa);
      }
    }
    return { labeler, ...counts.get(labeler)!, kappa: kappaOf(mine, other) };
  });

  return {
    service: spec.name, from, to,
    overlapItems: overlap.length,
    alpha: {
      value: alpha.alpha,
      units: alpha.unitsPairable,
      pairable: alpha.kind === 'no-pairable-units' ? 0 : alpha.nPairableValues,
    },
    kappa: kappaOf(first, second),
    labelers: perLabeler,
  };
}
