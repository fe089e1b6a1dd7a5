/**
 * Splits a minute-aligned time range into as few rollup buckets as possible: minutes up to the first
 * hour boundary, hours up to the first UTC day boundary, whole days, then hours and minutes again. A
 * 30-day window therefore reads ~30 + 2·23 + 2·59 buckets per series instead of 43 200.
 */
export type Resolution = 'm' | 'h' | 'd';
export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface Segment {
  readonly resolution: Resolution;
  readonly from: number;
  readonly to: number;
}

const { m: M, h: H, d: D } = RESOLUTION_MS;

const floorTo = (t: number, step: number): number => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number): number => Math.ceil(t / step) * step;

export function ceilMinute(t: number): number {
  return ceilTo(t, M);
}

/** Segments covering [from, to); both must be multiples of a minute. */
export function planSegments(from: number, to: number): Segment[] {
  if (from % M !== 0 || to % M !== 0) throw new RangeError('planSegments needs minute-aligned bounds');
  if (from >= to) return [];
  const a = ceilTo(from, H);
  const b = floorTo(to, H);
  if (a >= b) return [{ resolution: 'm', from, to }];
  const out: Segment[] = [];
  if (from < a) out.push({ resolution: 'm', from, to: a });
  const dA = ceilTo(a, D);
  const dB = floorTo(b, D);
  if (dA < dB) {
    if (a < dA) out.push({ resolution: 'h', from: a, to: dA });
    out.push({ resolution: 'd', from: dA, to: dB });
    if (dB < b) out.push({ resolution: 'h', from: dB, to: b });
  } else {
    out.push({ resolution: 'h', from: a, to: b });
  }
  if (b < to) out.push({ resolution: 'm', from: b, to });
  return out;
}
