/** What the HTTP layer needs from the rest of the process; built once by `mlslo serve`. */
import type { Alert } from '../core/alerting/alert.ts';
import type { QualityBreakdown, QualityDocument } from '../core/quality-report.ts';
import type { ServiceReport } from '../core/slo-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import type { BodyLimits } from '../ingest/decode-body.ts';
import type { DriftReader } from '../engine/drift.ts';
import type { EvalRunner } from '../engine/evals/runner.ts';
import type { LabelQueue } from '../engine/labeling/queue.ts';
import type { SamplerJob } from '../engine/labeling/sampler-job.ts';
import type { Ingestor } from '../ingest/ingest.ts';
import type { Store } from '../store/port.ts';
import type { Authenticator } from './auth.ts';
import type { ServerMetrics } from './metrics/server-metrics.ts';

export interface ServerContext {
  readonly store: Store;
  readonly auth: Authenticator;
  readonly ingestor: Ingestor;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  readonly limits: BodyLimits;
  /** The report of `spec` over `windowMs` (default: the spec's window) ending at `at`. */
  readonly report: (spec: ServiceSpec, windowMs: number | undefined, at: number, now: number) => Promise<ServiceReport>;
  /** The quality document of `spec` (DESIGN §2.3–§2.5), optionally broken down. */
  /** Pending and firing alerts as last evaluated. */
  readonly alerts: () => Promise<Alert[]>;
  /** Drift reports (DESIGN §2.6). */
  readonly drift: DriftReader;
  /** Told when a baseline is stored, so new requests are binned by it (a no-op where another process folds drift). */
  readonly baselineStored: (service: string) => void;
  readonly quality: (spec: ServiceSpec, windowMs: number | undefined, at: number, now: number, by: QualityBreakdown | null, attr?: string) => Promise<QualityDocument>;
  /** In demo mode, the demo's time compression (simulated per real second), shown by `GET /v1/info`; undefined otherwise. */
  readonly demoSpeed?: number;
  /** Golden-set runs and production replays (DESIGN §2.7). */
  readonly evals: EvalRunner;
  /** The labeling queue and the daily sampler (DESIGN §2.8). */
  readonly labeling: { readonly queue: LabelQueue; readonly sampler: SamplerJob };
  /** What `GET /metrics` exports (docs/metrics.md). */
  readonly metrics: ServerMetrics;
}
