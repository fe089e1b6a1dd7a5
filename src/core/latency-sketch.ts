/**
 * Mergeable latency distribution: a DDSketch with 1% relative accuracy (Masson et al., VLDB 2019), as
 * Datadog ships it. Serialised as 32 bytes of summary (count, sum, min, max — `fromProto` drops min and
 * max) followed by the sketch's protobuf.
 */
import { DDSketch } from '@datadog/sketches-js';

export const RELATIVE_ACCURACY = 0.01;

export interface LatencySketch {
  readonly sketch: DDSketch;
}

export function createSketch(): LatencySketch {
  return { sketch: new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }) };
}

export function addLatency(s: LatencySketch, ms: number, weight = 1): void {
  s.sketch.accept(ms, weight);
}

/** Merges `from` into `into` (mutates `into`). */
export function mergeSketch(into: LatencySketch, from: LatencySketch): void {
  if (from.sketch.count === 0) return;
  into.sketch.merge(from.sketch);
}

export function sketchCount(s: LatencySketch): number {
  return s.sketch.count;
}

/** Value at quantile q ∈ [0, 1]; undefined on an empty sketch. */
export function quantile(s: LatencySketch, q: number): number | undefined {
  if (s.sketch.count === 0) return undefined;
  const v = s.sketch.getValueAtQuantile(q);
  return Math.min(Math.max(v, s.sketch.min), s.sketch.max);
}

export function encodeSketch(s: LatencySketch): Uint8Array {
  const proto = s.sketch.toProto();
  const out = new Uint8Array(32 + proto.length);
  const view = new DataView(out.buffer);
  view.setFloat64(0, s.sketch.count, true);
  view.setFloat64(8, s.sketch.sum, true);
  view.setFloat64(16, s.sketch.min, true);
  view.setFloat64(24, s.sketch.max, true);
  out.set(proto, 32);
  return out;
}

export function decodeSketch(bytes: Uint8Array): LatencySketch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // fromProto rebuilds the mapping from gamma, so its relative accuracy comes back as 0.00999…96 and
  // every bucket value moves by ~1e-15 (and new values can land in a neighbouring bucket). Copy the
  // buckets into a sketch with the canonical mapping instead (same gamma, so they are mergeable).
  const sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  sketch.merge(DDSketch.fromProto(bytes.subarray(32)));
  sketch.count = view.getFloat64(0, true);
  sketch.sum = view.getFloat64(8, true);
  sketch.min = view.getFloat64(16, true);
  sketch.max = view.getFloat64(24, true);
  return { sketch };
}
