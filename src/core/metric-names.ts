/**
 * The Prometheus metrics mlslo exports at `/metrics` (docs/metrics.md), named once here because two
 * sides must agree on them: the exporter (src/server/metrics/) and the rules generator
 * (src/core/prometheus-rules.ts), whose recording and alerting rules read the counters.
 *
 * Counters are process-local and monotonic (Prometheus' `rate()` handles restarts; replicas are summed).
 * They count what ingest committed, at the moment it was durable, never duplicates:
 * - `sli="errors"`:  events = eligible inference events (status ok or a non-excluded error type); good = ok.
 * - `sli="latency"`: events = ok inference events; good = ok and within their input class's threshold.
 * - `sli="quality"`: events = verdicts that arrived (each outcome that decided a request's verdict), by
 *   verdict time (DESIGN §2.4: quality burn reads verdict-time windows); good = good verdicts. Unweighted;
 *   the weighted sums (weight 1 / samplingProb, the Hájek estimator) are the two `*_weight_total` counters.
 * The composite has no counter of its own: it is okFast × q̂ (§2.4), computed by the recording rules.
 */

/** Label names. */
export const LABEL_SERVICE = 'service';
export const LABEL_SLI = 'sli';
export const LABEL_WINDOW = 'window';

/** SLIs with counters (the composite is derived). */
export const COUNTED_SLIS = ['errors', 'latency', 'quality'] as const;
export type CountedSli = (typeof COUNTED_SLIS)[number];

/** Counter: events an SLI counts, by `service` and `sli`. */
export const SLI_EVENTS = 'mlslo_sli_events_total';
/** Counter: the good ones among them, by `service` and `sli`. */
export const SLI_GOOD_EVENTS = 'mlslo_sli_good_events_total';
/** Counter: Σ 1/samplingProb over arrived verdicts, by `service`. */
export const QUALITY_VERDICT_WEIGHT = 'mlslo_quality_verdict_weight_total';
/** Counter: Σ 1/samplingProb over arrived good verdicts, by `service`. */
export const QUALITY_GOOD_VERDICT_WEIGHT = 'mlslo_quality_good_verdict_weight_total';

/** Gauges over the SLO window, from the report (by `service`, `sli` incl. `composite`). */
export const SLO_OBJECTIVE = 'mlslo_slo_objective_ratio';
export const SLO_SLI = 'mlslo_slo_sli_ratio';
export const SLO_BUDGET_REMAINING = 'mlslo_slo_error_budget_remaining_ratio';
export const SLO_WINDOW_EVENTS = 'mlslo_slo_window_events';
export const SLO_WINDOW_GOOD_EVENTS = 'mlslo_slo_window_good_events';
/** Gauge: burn rate per policy window (`window` = "5m", "1h", …), by `service`, `sli`. */
export const SLO_BURN_RATE = 'mlslo_slo_burn_rate';

/** Recording rules the generator writes (`<prefix>:<what>:rate<window>`, Prometheus' rule naming). */
export const RULE_EVENTS_RATE = 'mlslo:sli_events:rate';
export const RULE_GOOD_EVENTS_RATE = 'mlslo:sli_good_events:rate';
export const RULE_ERROR_RATIO = 'mlslo:sli_error:ratio_rate';
export const RULE_BURN_RATE = 'mlslo:sli_burn:rate';

/*
 * The rest of what /metrics exports (appended for the exporter and docs/metrics.md; the rules generator
 * reads none of it). Gauges are computed at scrape time from the same code the API uses, cached for
 * the serve config's `metricsTtl`.
 */

/** Label names of the gauges and ingest metrics below. */
export const LABEL_COHORT = 'cohort';
export const LABEL_VALUE = 'value';
export const LABEL_FEATURE = 'feature';
export const LABEL_METHOD = 'method';

/** Gauges per cohort value over the SLO window (by `service`, `cohort` = the attribute, `value`). */
export const COHORT_QUALITY = 'mlslo_cohort_quality_ratio';
export const COHORT_JUDGED = 'mlslo_cohort_judged_requests';

/** Drift gauges over the drift API's default window (by `service`, `feature`; the score also by `method`). */
export const DRIFT_FEATURE_SCORE = 'mlslo_drift_feature_score';
export const DRIFT_FEATURE_DETECTED = 'mlslo_drift_feature_detected';
export const DRIFT_FEATURE_PSI = 'mlslo_drift_feature_psi';
/** Dataset drift, by `service`: the share of drifted features, and whether it reached the spec's share. */
export const DRIFT_DATASET_SHARE = 'mlslo_drift_dataset_drifted_features_ratio';
export const DRIFT_DATASET_DETECTED = 'mlslo_drift_dataset_detected';

/** Gauge: pending and firing alerts, by `service`, `kind`, `severity`, `state`. */
export const ALERTS = 'mlslo_alerts';

/** mlslo's own ingest: items by `result`, rejected items by `code`, the writer's commits and queue. */
export const INGEST_ITEMS = 'mlslo_ingest_items_total';
export const INGEST_REJECTED_ITEMS = 'mlslo_ingest_rejected_items_total';
export const INGEST_COMMIT_DURATION = 'mlslo_ingest_commit_duration_seconds';
export const INGEST_QUEUED_BATCHES = 'mlslo_ingest_queued_batches';
export const INGEST_OVERLOADED_BATCHES = 'mlslo_ingest_overloaded_batches_total';

/** Histogram of HTTP requests by `method`, `route` (the route pattern) and `status_code`. */
export const HTTP_REQUEST_DURATION = 'mlslo_http_request_duration_seconds';

/** Counter: scrape-time gauge computations that failed, by `source` (report, drift, alerts). */
export const GAUGE_ERRORS = 'mlslo_metrics_collect_errors_total';

/** Counter: passes of the store's housekeeping (ClickHouse compaction) in the engine roles, by `result` (ok, failed). */
export const STORE_MAINTENANCE_PASSES = 'mlslo_store_maintenance_passes_total';
