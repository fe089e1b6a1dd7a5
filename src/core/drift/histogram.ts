/**
 * Mergeable production histograms on a baseline's drift layout (layout.ts; DESIGN §2.6, CONVENTIONS §6):
 * create (emptyHistogram) / add (addValue) / merge (mergeInto), plus a compact binary encoding.
 *
 * Numeric, for edges e_0 < … < e_{E−1}: 2E + 1 bins; bin 2i + 1 is the point {e_i}, bin 2i the open
 * interval (e_{i−1}, e_i) with e_{−1} = −∞ and e_E = +∞. Point bins keep a count; open bins also keep
 * Σx and Σx², which place and bound the bin's mass for Wasserstein (binned.ts). Dense typed arrays:
 * (4E + 3)·8 bytes, one binary search per value.
 * Categorical: a count per layout category, plus `extra` for other names — each kept under its own name
 * up to NEW_CATEGORY_CAP names per histogram, then OTHER_CATEGORY. A merge keeps up to
 * 2·NEW_CATEGORY_CAP names and folds the smallest (ties: by name) into OTHER_CATEGORY.
 *
 * Merging is additive and commutative; counts are exact integers (doubles, exact to 2^53), sums are
 * float additions, so associative up to rounding. Categorical folding makes a merge order-dependent in
 * how the new-name mass splits between names and OTHER_CATEGORY once more than 2·NEW_CATEGORY_CAP names
 * meet; the layout-category counts and totals stay exact.
 */
import { categoryValue, lowerBound, OTHER_CATEGORY, type CategoricalLayout, type FeatureLayout } from './layout.ts';

export const NEW_CATEGORY_CAP = 20;

export interface NumericHistogram {
  readonly kind: 'numeric';
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Per bin, 2E + 1: bin 2i + 1 the point e_i, bin 2i the open interval (e_{i−1}, e_i). */
  readonly counts: Float64Array;
  /** Σx per open bin: index i is bin 2i (E + 1 of them). */
  readonly sums: Float64Array;
  /** Σx² per open bin, indexed as `sums`. */
  readonly sumSquares: Float64Array;
}

export interface CategoricalHistogram {
  readonly kind: 'categorical';
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Per layout category, in layout order. */
  readonly counts: Float64Array;
  /** Names outside the layout, and OTHER_CATEGORY. */
  readonly extra: Map<string, number>;
}

export type FeatureHistogram = NumericHistogram | CategoricalHistogram;

/** Layout category → index, built once per layout object. */
const categoryIndexes = new WeakMap<FeatureLayout, Map<string, number>>();

function categoryIndex(layout: CategoricalLayout): Map<string, number> {
  let index = categoryIndexes.get(layout);
  if (index === undefined) {
    index = new Map();
    layout.categories.forEach((c, i) => { if (!index!.has(c)) index!.set(c, i); });
    categoryIndexes.set(layout, index);
  }
  return index;
}

export function emptyHistogram(layout: FeatureLayout): FeatureHistogram {
  if (layout.kind === 'categorical') {
    return { kind: 'categorical', count: 0, missing: 0, counts: new Float64Array(layout.categories.length), extra: new Map() };
  }
  const e = layout.edges.length;
  return { kind: 'numeric', count: 0, missing: 0, counts: new Float64Array(2 * e + 1), sums: new Float64Array(e + 1), sumSquares: new Float64Array(e + 1) };
}

/** Names in `extra` other than OTHER_CATEGORY. */
function newNames(extra: ReadonlyMap<string, number>): number {
  return extra.size - (extra.has(OTHER_CATEGORY) ? 1 : 0);
}

/** Folds one value into `h`, which must have been made from `layout`. */
export function addValue(h: FeatureHistogram, layout: FeatureLayout, v: unknown): void {
  if (h.kind === 'numeric') {
    if (layout.kind !== 'numeric' || h.counts.length !== 2 * layout.edges.length + 1) throw new RangeError('addValue: histogram and layout differ');
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      h.missing++;
      return;
    }
    const e = layout.edges;
    const lo = lowerBound(e, v);
    h.count++;
    if (lo < e.length && e[lo] === v) {
      h.counts[2 * lo + 1]!++;
    } else {
      h.counts[2 * lo]!++;
      h.sums[lo]! += v;
      h.sumSquares[lo]! += v * v;
    }
    return;
  }
  if (layout.kind !== 'categorical' || h.counts.length !== layout.categories.length) throw new RangeError('addValue: histogram and layout differ');
  const name = categoryValue(v);
  if (name === undefined) {
    h.missing++;
    return;
  }
  h.count++;
  const i = categoryIndex(layout).get(name);
  if (i !== undefined) {
    h.counts[i]!++;
    return;
  }
  const c = h.extra.get(name);
  if (c !== undefined) h.extra.set(name, c + 1);
  else if (newNames(h.extra) < NEW_CATEGORY_CAP) h.extra.set(name, 1);
  else h.extra.set(OTHER_CATEGORY, (h.extra.get(OTHER_CATEGORY) ?? 0) + 1);
}

function addArrays(target: Float64Array, src: Float64Array): void {
  for (let i = 0; i < src.length; i++) target[i]! += src[i]!;
}

/** target += src (same layout). */
export function mergeInto(target: FeatureHistogram, src: FeatureHistogram): void {
  if (target.kind !== src.kind || target.counts.length !== src.counts.length) throw new RangeError('mergeInto: histograms of different layouts');
  target.count += src.count;
  target.missing += src.missing;
  addArrays(target.counts, src.counts);
  if (target.kind === 'numeric' && src.kind === 'numeric') {
    addArrays(target.sums, src.sums);
    addArrays(target.sumSquares, src.sumSquares);
    return;
  }
  if (target.kind !== 'categorical' || src.kind !== 'categorical') return;
  for (const [name, c] of src.extra) target.extra.set(name, (target.extra.get(name) ?? 0) + c);
  foldNewNames(target.extra, 2 * NEW_CATEGORY_CAP);
}

/** Moves the smallest new names (ties: by name) into OTHER_CATEGORY until at most `cap` remain. */
function foldNewNames(extra: Map<string, number>, cap: number): void {
  const excess = newNames(extra) - cap;
  if (excess <= 0) return;
  const names = [...extra].filter(([name]) => name !== OTHER_CATEGORY)
    .sort(([a, ca], [b, cb]) => ca - cb || (a < b ? -1 : a > b ? 1 : 0));
  let folded = 0;
  for (const [name, c] of names.slice(0, excess)) {
    extra.delete(name);
    folded += c;
  }
  extra.set(OTHER_CATEGORY, (extra.get(OTHER_CATEGORY) ?? 0) + folded);
}

// ---------------------------------------------------------------------------------------------------
// Binary encoding. Layout (all varints unsigned LEB128, at most 2^53 − 1):
//   u8 version = 1, u8 kind (1 numeric, 2 categorical), varint bins, varint missing, varint n,
//   n × (varint index gap, varint count > 0[, f64le Σx, f64le Σx² for a numeric open bin]),
//   categorical only: varint k, k × (varint byte length, UTF-8 name, varint count > 0), names ascending.
// The index gap is index − previous index − 1 (the first: the index). `count` is the sum of the counts.
// ---------------------------------------------------------------------------------------------------

const VERSION = 1;
/** Far above any layout (≤ 2·1009 + 1 numeric bins, ≤ 100 categories); stops a corrupt length allocating. */
const MAX_DECODED_BINS = 1 << 20;
const KIND_NUMERIC = 1;
const KIND_CATEGORICAL = 2;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private n = 0;

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.n++] = b;
  }

  varint(v: number): void {
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`encodeHistogram: ${v} is not a count`);
    this.reserve(8);
    while (v >= 128) {
      this.buf[this.n++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.n++] = v;
  }

  float(x: number): void {
    this.reserve(8);
    this.view.setFloat64(this.n, x, true);
    this.n += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(k: number): void {
    if (this.pos + k > this.buf.length) throw new RangeError('decodeHistogram: truncated');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      v += (b & 127) * scale;
      if (b < 128) {
        if (!Number.isSafeInteger(v)) throw new RangeError('decodeHistogram: varint out of range');
        return v;
      }
      scale *= 128;
    }
    throw new RangeError('decodeHistogram: varint too long');
  }

  float(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  bytes(k: number): Uint8Array {
    this.need(k);
    const b = this.buf.subarray(this.pos, this.pos + k);
    this.pos += k;
    return b;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new RangeError('decodeHistogram: trailing bytes');
  }
}

export function encodeHistogram(h: FeatureHistogram): Uint8Array {
  const w = new Writer();
  w.byte(VERSION);
  w.byte(h.kind === 'numeric' ? KIND_NUMERIC : KIND_CATEGORICAL);
  w.varint(h.counts.length);
  w.varint(h.missing);
  let nonZero = 0;
  for (const c of h.counts) if (c !== 0) nonZero++;
  w.varint(nonZero);
  let prev = -1;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i]!;
    if (c === 0) continue;
    w.varint(i - prev - 1);
    w.varint(c);
    prev = i;
    if (h.kind === 'numeric' && i % 2 === 0) {
      w.float(h.sums[i / 2]!);
      w.float(h.sumSquares[i / 2]!);
    }
  }
  if (h.kind === 'categorical') {
    const names = [...h.extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    w.varint(names.length);
    for (const [name, c] of names) {
      const b = utf8.encode(name);
      w.varint(b.length);
      w.bytes(b);
      w.varint(c);
    }
  }
  return w.done();
}

/** Inverse of encodeHistogram; RangeError on anything malformed (truncated, trailing, out-of-range). */
export function decodeHistogram(bytes: Uint8Array): FeatureHistogram {
  const r = new Reader(bytes);
  if (r.byte() !== VERSION) throw new RangeError('decodeHistogram: unknown version');
  const kind = r.byte();
  if (kind !== KIND_NUMERIC && kind !== KIND_CATEGORICAL) throw new RangeError('decodeHistogram: unknown kind');
  const bins = r.varint();
  if (kind === KIND_NUMERIC && bins % 2 !== 1) throw new RangeError('decodeHistogram: a numeric histogram has an odd number of bins');
  if (bins > MAX_DECODED_BINS) throw new RangeError('decodeHistogram: too many bins');
  const missing = r.varint();
  const counts = new Float64Array(bins);
  const sums = new Float64Array(kind === KIND_NUMERIC ? (bins + 1) / 2 : 0);
  const sumSquares = new Float64Array(sums.length);
  const nonZero = r.varint();
  let count = 0;
  let i = -1;
  for (let k = 0; k < nonZero; k++) {
    i += r.varint() + 1;
    if (i >= bins) throw new RangeError('decodeHistogram: bin index out of range');
    const c = r.varint();
    if (c === 0) throw new RangeError('decodeHistogram: empty bin listed');
    counts[i] = c;
    count += c;
    if (kind === KIND_NUMERIC && i % 2 === 0) {
      sums[i / 2] = r.float();
      sumSquares[i / 2] = r.float();
    }
  }
  if (kind === KIND_NUMERIC) {
    r.end();
    return { kind: 'numeric', count: checkCount(count), missing, counts, sums, sumSquares };
  }
  const extra = new Map<string, number>();
  const k = r.varint();
  for (let j = 0; j < k; j++) {
    let name: string;
    try {
      name = utf8Strict.decode(r.bytes(r.varint()));
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw new RangeError('decodeHistogram: a category name is not UTF-8', { cause: e });
    }
    const c = r.varint();
    if (c === 0 || extra.has(name)) throw new RangeError('decodeHistogram: empty or repeated category');
    extra.set(name, c);
    count += c;
  }
  r.end();
  return { kind: 'categorical', count: checkCount(count), missing, counts, extra };
}

function checkCount(count: number): number {
  if (!Number.isSafeInteger(count)) throw new RangeError('decodeHistogram: total count out of range');
  return count;
}
