/**
 * Benjamini–Hochberg step-up adjusted p-values (as scipy ≥ 1.11 `false_discovery_control`, and the
 * reference in proportions.json): sort ascending (stable), raw_(i) = p_(i)·m / i, adjusted_(i) =
 * min_{j ≥ i} raw_(j), capped at 1, returned in input order. A hypothesis is rejected at FDR q when
 * its adjusted p-value is ≤ q.
 */

export function bhAdjust(pvalues: readonly number[]): number[] {
  const m = pvalues.length;
  const order = pvalues.map((_, i) => i).sort((a, b) => pvalues[a]! - pvalues[b]! || a - b);
  const adjusted = new Array<number>(m);
  let running = Infinity;
  for (let rank = m; rank >= 1; rank--) {
    const idx = order[rank - 1]!;
    const raw = (pvalues[idx]! * m) / rank;
    if (raw < running) running = raw;
    adjusted[idx] = Math.min(running, 1);
  }
  return adjusted;
}

export function benjaminiHochberg(
  pvalues: readonly number[],
  q = 0.05,
): { adjusted: number[]; rejected: boolean[] } {
  const adjusted = bhAdjust(pvalues);
  return { adjusted, rejected: adjusted.map((a) => a <= q) };
}
