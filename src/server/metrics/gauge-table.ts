/**
 * The gauges computed at scrape time, declared once: name, help and label names. `Samples` collects
 * their values for one scrape, typed by this table so a sample cannot carry a label its gauge lacks.
 */
import {
  ALERTS, COHORT_JUDGED, COHORT_QUALITY, DRIFT_DATASET_DETECTED, DRIFT_DATASET_SHARE, DRIFT_FEATURE_DETECTED, DRIFT_FEATURE_PSI,
  DRIFT_FEATURE_SCORE, LABEL_COHORT, LABEL_FEATURE, LABEL_METHOD, LABEL_SERVICE, LABEL_SLI, LABEL_VALUE, LABEL_WINDOW, SLO_BUDGET_REMAINING,
  SLO_BURN_RATE, SLO_OBJECTIVE, SLO_SLI, SLO_WINDOW_EVENTS, SLO_WINDOW_GOOD_EVENTS,
} from '../../core/metric-names.ts';

interface GaugeDef {
  readonly help: string;
  readonly labels: readonly string[];
}

const BY_SLI = [LABEL_SERVICE, LABEL_SLI] as const;
const BY_COHORT = [LABEL_SERVICE, LABEL_COHORT, LABEL_VALUE] as const;
const BY_FEATURE = [LABEL_SERVICE, LABEL_FEATURE] as const;

export const GAUGES = {
  [SLO_OBJECTIVE]: { help: 'Objective (target ratio) of each SLI, composite included.', labels: BY_SLI },
  [SLO_SLI]: { help: 'SLI over the SLO window (absent without events, or for quality below minSamples).', labels: BY_SLI },
  [SLO_BUDGET_REMAINING]: { help: 'Share of the error budget left over the SLO window: 1 untouched, 0 spent, negative overspent.', labels: BY_SLI },
  [SLO_WINDOW_EVENTS]: { help: 'Events the SLI counts over the SLO window (quality: the ok requests once q-hat is known, else 0).', labels: BY_SLI },
  [SLO_WINDOW_GOOD_EVENTS]: { help: 'Good events over the SLO window (quality: q-hat times ok; composite: okFast times q-hat; estimates).', labels: BY_SLI },
  [SLO_BURN_RATE]: { help: 'Burn rate over each burn-policy window ending now (absent without events).', labels: [...BY_SLI, LABEL_WINDOW] },
  [COHORT_QUALITY]: { help: 'Estimated quality (q-hat) of each cohort value over the SLO window (absent below minSamples).', labels: BY_COHORT },
  [COHORT_JUDGED]: { help: 'Judged requests of each cohort value over the SLO window.', labels: BY_COHORT },
  [DRIFT_FEATURE_SCORE]: { help: 'Drift statistic of each feature over the last day, of the method named (p-value tests: the test statistic).', labels: [...BY_FEATURE, LABEL_METHOD] },
  [DRIFT_FEATURE_DETECTED]: { help: '1 when the feature drifted over the last day, else 0 (absent without data).', labels: BY_FEATURE },
  [DRIFT_FEATURE_PSI]: { help: 'Population stability index of each feature over the last day.', labels: BY_FEATURE },
  [DRIFT_DATASET_SHARE]: { help: 'Share of evaluated features that drifted over the last day.', labels: [LABEL_SERVICE] },
  [DRIFT_DATASET_DETECTED]: { help: '1 when the drifted share reached the spec\'s dataset share (dataset drift), else 0.', labels: [LABEL_SERVICE] },
  [ALERTS]: { help: 'Pending and firing alerts as last evaluated.', labels: [LABEL_SERVICE, 'kind', 'severity', 'state'] },
} as const satisfies Readonly<Record<string, GaugeDef>>;

export type GaugeName = keyof typeof GAUGES;
export type GaugeLabels<N extends GaugeName> = Readonly<Record<(typeof GAUGES)[N]['labels'][number], string>>;

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class Samples {
  readonly #byName = new Map<GaugeName, Sample[]>();

  /** Records a value; a missing one (null) or a non-finite one is left out rather than exported as NaN. */
  add<N extends GaugeName>(name: N, labels: GaugeLabels<N>, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    let list = this.#byName.get(name);
    if (list === undefined) this.#byName.set(name, (list = []));
    list.push({ labels, value });
  }

  of(name: GaugeName): readonly Sample[] {
    return this.#byName.get(name) ?? [];
  }
}
