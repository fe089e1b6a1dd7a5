/**
 * Deterministic spreading of shares over a sequence (Bresenham's line algorithm): with share p, the
 * n-th call (1-based) says yes exactly when ⌊n·p⌋ grows, so 0.5% of 100 requests a minute is one every
 * two minutes, evenly, with no randomness and no drift. Shares may vary from call to call (ramps); the
 * running sum then plays the part of n·p.
 */

/** Guards against 0.1 + 0.2 style sums landing just under a whole number. */
const EPS = 1e-9;

export class Spread {
  private acc = 0;
  private taken = 0;

  /** How many whole units `amount` more brings (a rate per minute → requests in this minute). */
  take(amount: number): number {
    this.acc += Math.max(0, amount);
    const want = Math.floor(this.acc + EPS);
    const n = want - this.taken;
    this.taken = want;
    return n;
  }

  /** Whether this item is one of the `share` (in [0, 1]). */
  next(share: number): boolean {
    return this.take(Math.min(1, share)) > 0;
  }
}

/**
 * Picks which of several categories the next item falls in, keeping each category's count as close as
 * possible to its share of the items so far (largest deficit first; ties go to the first listed).
 */
export class Apportion {
  private readonly counts: number[];
  private total = 0;

  constructor(size: number) {
    this.counts = new Array<number>(size).fill(0);
  }

  pick(weights: readonly number[]): number {
    const sum = weights.reduce((a, b) => a + b, 0);
    let best = 0;
    let bestDeficit = -Infinity;
    weights.forEach((w, i) => {
      const deficit = (sum > 0 ? w / sum : 1 / weights.length) * (this.total + 1) - (this.counts[i] ?? 0);
      if (deficit > bestDeficit + EPS) {
        best = i;
        bestDeficit = deficit;
      }
    });
    this.counts[best] = (this.counts[best] ?? 0) + 1;
    this.total++;
    return best;
  }
}
