/**
 * Ridge regression by its normal equations, (XᵀX + λI)β = Xᵀy, solved by Cholesky: the ranker's models
 * have ~40 columns, so the 40×40 system costs nothing. Columns are expected standardised; the intercept
 * (column 0, all ones) is not penalised.
 */
export function fitRidge(x: readonly (readonly number[])[], y: readonly number[], lambda: number): number[] {
  const p = x[0]?.length ?? 0;
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  x.forEach((row, n) => {
    const yn = y[n] ?? 0;
    for (let i = 0; i < p; i++) {
      const xi = row[i] ?? 0;
      if (xi === 0) continue;
      b[i]! += xi * yn;
      const ai = a[i]!;
      for (let j = 0; j <= i; j++) ai[j]! += xi * (row[j] ?? 0);
    }
  });
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) a[j]![i] = a[i]![j]!;
    if (i > 0) a[i]![i]! += lambda;
  }
  return solveCholesky(a, b);
}

/** Solves A·x = b for a symmetric positive-definite A. */
export function solveCholesky(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('the normal equations are not positive definite (a constant column?)');
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

export function dot(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (w[i] ?? 0) * (x[i] ?? 0);
  return s;
}
