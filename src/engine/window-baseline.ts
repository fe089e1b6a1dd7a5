/**
 * A production window as the drift reference (DESIGN §2.6: "or a production reference window"): the
 * stored requests of a service in [from, to) — eligible ones, optionally of one model version — sampled
 * uniformly down to `maxRows` (reservoir sampling, seeded so the same data gives the same sample), turned
 * into baseline rows of their features and prediction, and typed like an uploaded JSONL sample
 * (ingest/baseline-parse.ts), so both kinds of baseline behave the same from then on.
 */
import type { ServiceSpec } from '../core/spec.ts';
import { BASELINE_LIMITS, createBaselineParser, type ParsedBaseline } from '../ingest/baseline-parse.ts';
import { featureValue } from '../ingest/drift-folder.ts';
import type { Store } from '../store/port.ts';

export const WINDOW_BASELINE_MAX_ROWS = 100_000;
const CHUNK = 5000;
const PREDICTION_COLUMNS = ['prediction.label', 'prediction.score', 'prediction.value'] as const;

export interface WindowSampleQuery {
  readonly from: number;
  readonly to: number;
  readonly model: string | undefined;
  readonly maxRows?: number;
}

export interface WindowBaseline extends ParsedBaseline {
  /** Eligible requests in the window; `rows` of them were kept. */
  readonly requests: number;
}

/** xorshift32: a small seeded generator, so a re-run over the same data keeps the same sample. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

type Row = Record<string, unknown>;

function rowOf(features: Readonly<Record<string, unknown>>, e: Parameters<typeof featureValue>[0]): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(features)) row[k] = v;
  for (const p of PREDICTION_COLUMNS) {
    const v = featureValue(e, p);
    if (v !== undefined) row[p] = v;
  }
  return row;
}

export async function windowBaseline(store: Store, spec: ServiceSpec, q: WindowSampleQuery): Promise<WindowBaseline> {
  const max = q.maxRows ?? WINDOW_BASELINE_MAX_ROWS;
  const random = xorshift(0x9e3779b9 ^ q.from ^ q.to);
  const sample: Row[] = [];
  let seen = 0;
  for (let after = 0; ;) {
    const rows = await store.readInferencesAfter({ afterSeq: after, service: spec.name, fromTs: q.from, limit: CHUNK });
    for (const { event: e, eligible } of rows) {
      if (!eligible || e.ts >= q.to || (q.model !== undefined && e.model !== q.model)) continue;
      seen++;
      // Algorithm R: the i-th item replaces a random slot with probability max / i.
      if (sample.length < max) sample.push(rowOf(e.features, e));
      else {
        const j = Math.floor(random() * seen);
        if (j < max) sample[j] = rowOf(e.features, e);
      }
    }
    if (rows.length < CHUNK) break;
    after = rows[rows.length - 1]!.seq;
  }
  const parser = createBaselineParser('jsonl', spec.drift.features, BASELINE_LIMITS);
  parser.push(sample.map((r) => JSON.stringify(r)).join('\n'));
  return { ...parser.end(), requests: seen };
}
