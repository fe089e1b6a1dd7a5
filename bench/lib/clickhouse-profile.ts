/**
 * Where ClickHouse round trips go, per kind: wraps the adapter's three calls (Db.rows / insert / exec)
 * in this process and sums wall time and count per `what` label ("storing rollups", "checking claims",
 * "committing a write", …). Inserts of one commit run in parallel, so the labels' times overlap; the
 * per-call mean is what says which round trip is slow, the count how many a commit makes.
 */
import { performance } from 'node:perf_hooks';
import { Db } from '../../src/store/clickhouse/db.ts';

export interface CallStats {
  readonly what: string;
  readonly calls: number;
  readonly ms: number;
}

type Method = 'rows' | 'insert' | 'exec';

export interface DbProfile {
  /** Stats since the last reset, slowest total first. */
  snapshot(): CallStats[];
  reset(): void;
  /** Puts the original methods back. */
  restore(): void;
}

export function profileDb(): DbProfile {
  const stats = new Map<string, { calls: number; ms: number }>();
  const originals = new Map<Method, (...a: never[]) => Promise<unknown>>();
  const proto = Db.prototype as unknown as Record<Method, (...a: unknown[]) => Promise<unknown>>;
  for (const m of ['rows', 'insert', 'exec'] as const) {
    const orig = proto[m];
    originals.set(m, orig);
    proto[m] = async function timed(this: Db, ...args: unknown[]): Promise<unknown> {
      const what = String(args.at(-1));
      const t0 = performance.now();
      try {
        return await orig.apply(this, args);
      } finally {
        const s = stats.get(what) ?? { calls: 0, ms: 0 };
        s.calls++;
        s.ms += performance.now() - t0;
        stats.set(what, s);
      }
    };
  }
  return {
    snapshot: () => [...stats].map(([what, s]) => ({ what, ...s })).sort((a, b) => b.ms - a.ms),
    reset: () => stats.clear(),
    restore: () => {
      for (const [m, f] of originals) proto[m] = f as (...a: unknown[]) => Promise<unknown>;
    },
  };
}
