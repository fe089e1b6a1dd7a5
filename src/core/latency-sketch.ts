/**
 * Mergeable latency distribution: a DDSketch with 1% relative accuracy (Masson et al., VLDB 2019), as
 * Datadog ships it, with a compact binary form of our own (below).
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

/** Approximate heap bytes of a sketch (its bin arrays and fixed fields), for caches bounded by memory. */
export function sketchBytes(s: LatencySketch): number {
  return 200 + 8 * (s.sketch.store.bins.length + s.sketch.negativeStore.bins.length);
}

/** Value at quantile q ∈ [0, 1]; undefined on an empty sketch. */
export function quantile(s: LatencySketch, q: number): number | undefined {
  if (s.sketch.count === 0) return undefined;
  const v = s.sketch.getValueAtQuantile(q);
  return Math.min(Math.max(v, s.sketch.min), s.sketch.max);
}

/*
 * Binary form: 5 × f64 summary (count, sum, min, max, zeroCount), then the positive and the negative
 * bin store, each as i32 first key, u32 number of bins, that many f64 counts (keys first … last).
 * Our own layout rather than the library's protobuf: `toProto`/`fromProto` load their protobuf module
 * on every call and rebuild the key mapping from a rounded gamma, which made decoding dominate report
 * time. The mapping is fixed (RELATIVE_ACCURACY), so it need not be stored.
 */
type Bins = DDSketch['store'];

function binsSize(store: Bins): number {
  return 8 + (store.count === 0 ? 0 : (store.maxKey - store.minKey + 1) * 8);
}

function writeBins(view: DataView, o: number, store: Bins): number {
  if (store.count === 0) {
    view.setInt32(o, 0, true);
    view.setUint32(o + 4, 0, true);
    return o + 8;
  }
  const n = store.maxKey - store.minKey + 1;
  view.setInt32(o, store.minKey, true);
  view.setUint32(o + 4, n, true);
  o += 8;
  for (let k = store.minKey; k <= store.maxKey; k++, o += 8) view.setFloat64(o, store.bins[k - store.offset] ?? 0, true);
  return o;
}

function readBins(view: DataView, o: number, store: Bins): number {
  const first = view.getInt32(o, true);
  const n = view.getUint32(o + 4, true);
  o += 8;
  if (n === 0) return o;
  const bins = new Array<number>(n);
  let count = 0;
  for (let i = 0; i < n; i++, o += 8) {
    bins[i] = view.getFloat64(o, true);
    count += bins[i]!;
  }
  store.bins = bins;
  store.offset = first;
  store.minKey = first;
  store.maxKey = first + n - 1;
  store.count = count;
  return o;
}

export function encodeSketch(s: LatencySketch): Uint8Array {
  const k = s.sketch;
  const out = new Uint8Array(40 + binsSize(k.store) + binsSize(k.negativeStore));
  const view = new DataView(out.buffer);
  view.setFloat64(0, k.count, true);
  view.setFloat64(8, k.sum, true);
  view.setFloat64(16, k.min, true);
  view.setFloat64(24, k.max, true);
  view.setFloat64(32, k.zeroCount, true);
  writeBins(view, writeBins(view, 40, k.store), k.negativeStore);
  return out;
}

export function decodeSketch(bytes: Uint8Array): LatencySketch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  sketch.count = view.getFloat64(0, true);
  sketch.sum = view.getFloat64(8, true);
  sketch.min = view.getFloat64(16, true);
  sketch.max = view.getFloat64(24, true);
  sketch.zeroCount = view.getFloat64(32, true);
  readBins(view, readBins(view, 40, sketch.store), sketch.negativeStore);
  return { sketch };
}
