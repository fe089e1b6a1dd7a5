/** Reads what the quality document needs and hands it to the pure builder (core/quality-report.ts). */
import { buildQualityDocument, type QualityBreakdown, type QualityDocument } from '../core/quality-report.ts';
import type { ServiceSpec } from '../core/spec.ts';
import type { Store } from '../store/port.ts';
import { windowEnd } from './report.ts';
import { readWholeCounts, readWindowCells } from './window-cells.ts';

export interface QualityRequest {
  readonly spec: ServiceSpec;
  readonly windowMs: number;
  readonly windowLabel: string;
  readonly at: number;
  readonly now: number;
  readonly by: QualityBreakdown | null;
  readonly attr?: string;
}

export async function qualityDocument(store: Store, req: QualityRequest): Promise<QualityDocument> {
  const { spec } = req;
  const to = windowEnd(req.at);
  const from = to - req.windowMs;
  const cells = await readWindowCells(store, spec.name, from, to, req.at, req.now);
  const graceFrom = Math.max(from, to - Math.ceil(spec.quality.labelGraceMs / 60_000) * 60_000);
  const grace = graceFrom === from ? cells.whole : await readWholeCounts(store, spec.name, graceFrom, to, req.at, req.now);
  return buildQualityDocument({
    spec, windowLabel: req.windowLabel, from: req.at - req.windowMs, to: req.at, asOf: req.at,
    whole: cells.whole,
    cohorts: [...cells.cohorts.values()].sort((a, b) => a.attr.localeCompare(b.attr) || b.cell.total - a.cell.total),
    versions: [...cells.versions].map(([model, cell]) => ({ model, cell })).sort((a, b) => b.cell.total - a.cell.total),
    days: [...cells.days].map(([day, cell]) => ({ day, cell })),
    pending: Math.max(0, grace.ok - grace.quality.judged),
    by: req.by,
    ...(req.attr === undefined ? {} : { attr: req.attr }),
  });
}
