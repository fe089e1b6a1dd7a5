/**
 * The last resort of import: what an SLO's names, descriptions and queries say it measures. Used only when no
 * mlslo annotation and no indicator shape decides, or to catch a shape that contradicts the names (a
 * thresholdMetric on consumer lag is not latency). Whatever is decided from words is reported as a guess.
 */

/** Words that say "latency", "errors" or something mlslo has no SLI for. */
const WORDS: Readonly<Record<'latency' | 'errors' | 'other', readonly string[]>> = {
  latency: ['latency', 'latencies', 'duration', 'durations', 'slow', 'slowness', 'fast', 'speed', 'responsetime', 'p50', 'p90', 'p95', 'p99', 'ms', 'milliseconds'],
  errors: ['error', 'errors', 'availability', 'available', 'uptime', 'success', 'successful', 'succeeded', 'fail', 'failed', 'failure', 'failures', '5xx', '2xx'],
  other: ['throughput', 'lag', 'cpu', 'memory', 'saturation', 'utilization', 'utilisation', 'queue', 'backlog', 'freshness', 'satisfaction', 'disk', 'traffic'],
};

export type NameHint =
  | { readonly says: 'latency' | 'errors' | 'other'; readonly word: string }
  | { readonly says: 'nothing' }
  /** Words of both latency and errors: the names do not decide. */
  | { readonly says: 'both'; readonly latency: string; readonly errors: string };

function tokens(texts: readonly (string | undefined)[]): string[] {
  return texts.flatMap((t) => (t ?? '').toLowerCase().split(/[^a-z0-9]+/)).filter((w) => w !== '');
}

export function nameHint(texts: readonly (string | undefined)[]): NameHint {
  const words = tokens(texts);
  const find = (k: keyof typeof WORDS) => words.find((w) => WORDS[k].includes(w));
  const latency = find('latency');
  const errors = find('errors');
  if (latency !== undefined && errors !== undefined) return { says: 'both', latency, errors };
  if (latency !== undefined) return { says: 'latency', word: latency };
  if (errors !== undefined) return { says: 'errors', word: errors };
  const other = find('other');
  return other !== undefined ? { says: 'other', word: other } : { says: 'nothing' };
}
