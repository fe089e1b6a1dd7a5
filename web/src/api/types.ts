/**
 * Every API document the dashboard reads, typed by the server's own response schemas
 * (src/server/schemas, TypeBox), against which the server itself is tested: a change of the wire format
 * breaks `npm run typecheck` here. Type-only imports: no server code reaches the bundle.
 */
export type { ServicesResponse, ServiceSummary, ServiceState } from '../../../src/server/schemas/services.ts';
export type { ReportResponse, CohortRow, VersionRow, BurnAlertRow } from '../../../src/server/schemas/report.ts';
export type {
  QualityResponse, HeatmapResponse, HeatmapRow, HeatmapCell, ObjectiveResult, QualityMetrics, MetricValue,
} from '../../../src/server/schemas/quality.ts';
export type { SeriesResponse, SeriesPoint, BudgetPoint } from '../../../src/server/schemas/series.ts';
export type { DriftResponse, DriftSeriesResponse, FeatureDrift } from '../../../src/server/schemas/drift.ts';
export type {
  Alert, AlertState, Hint, AlertsResponse, AlertHistoryResponse, Delivery, DeliveriesResponse, RetrainHistoryResponse,
} from '../../../src/server/schemas/alerts.ts';
export type { BaselinesResponse, Baseline } from '../../../src/server/schemas/baselines.ts';
export type { InfoResponse, Role, WhoamiResponse } from '../../../src/server/schemas/info.ts';
export type {
  Queue, QueuesResponse, LabelForm, LeasedItem, LeaseResponse, LabelSubmission, LabelActionResponse,
  AgreementResponse, CalibrationResponse,
} from '../../../src/server/schemas/labeling.ts';
export type {
  GoldenSet, GoldenSetsResponse, Rate, ScoreStats, SegmentResult, Comparison, EvalRun, EvalSummary, EvalRunsResponse,
  EvalResult, EvalResultsResponse,
} from '../../../src/server/schemas/evals.ts';

export type Dimension = 'errors' | 'latency' | 'quality' | 'composite';
export const DIMENSIONS: readonly Dimension[] = ['errors', 'latency', 'quality', 'composite'];
export const DIMENSION_LABEL: Readonly<Record<Dimension, string>> = {
  errors: 'Errors', latency: 'Latency', quality: 'Quality', composite: 'Composite',
};
export const DIMENSION_COLOR: Readonly<Record<Dimension, string>> = {
  errors: 'var(--c-errors)', latency: 'var(--c-latency)', quality: 'var(--c-quality)', composite: 'var(--c-composite)',
};
