/** "Did you mean" suggestions for misspelt keys and enum values. */

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    const row = d[i]!;
    const prev = d[i - 1]!;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      row[j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The closest candidate within distance 2 (ties: the earlier candidate), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    // A distance as long as the word itself means nothing is shared: no suggestion.
    if (dist < bestD && dist < Math.max(word.length, 2)) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : `; did you mean \`${c}\`?`;
}

/** `a, b or c` with each item in backticks. */
export function listOf(items: readonly (string | number)[], conj = 'or'): string {
  const q = items.map((i) => `\`${i}\``);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} ${conj} ${q[q.length - 1]!}`;
}
