/**
 * Turns a scenario's series into wire events (DESIGN §3.1), one minute at a time and in time order:
 * exact counts per minute (rates and shares spread by spread.ts, no randomness), requests evenly spaced
 * inside their minute, and each label as an outcome event whose `ts` is its request's time plus the
 * series' delay. The same scenario always yields the same events.
 */
import { classify } from '../../core/input-class.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { levelAt, type Series } from './model.ts';
import { Apportion, Spread } from './spread.ts';

const MIN = 60_000;

export interface Generated {
  readonly inferences: unknown[];
  readonly outcomes: Array<{ readonly ts: number; readonly item: unknown }>;
}

interface Payloads {
  readonly prediction: unknown;
  /** The outcome payload fields (`label`, `relevant`, `value`) for a good or a bad verdict. */
  readonly outcome: Record<string, unknown>;
}

/**
 * The prediction of request number `n` and the outcome that makes its verdict good or bad, per task
 * (§2.3). Classification alternates between two classes — those the spec's objectives name (e.g.
 * `fraud`) come first — so per-class metrics (precision, recall, F1) track the verdict share instead of
 * being degenerate; a bad verdict's label is the other class.
 */
function payloadsFor(spec: ServiceSpec): (n: number, bad: boolean) => Payloads {
  const v = spec.quality.verdict;
  switch (v.task) {
    case 'classification': {
      const named = spec.quality.objectives.map((o) => o.class).filter((c): c is string | number => c !== undefined);
      const classes = [...new Set([...named, 'a', 'b'])].slice(0, 2) as [string | number, string | number];
      return (n, bad) => {
        const label = classes[n % 2]!;
        return { prediction: { label }, outcome: { label: bad ? classes[(n + 1) % 2]! : label } };
      };
    }
    case 'ranking':
      return (_n, bad) => ({ prediction: { items: ['i1', 'i2', 'i3'] }, outcome: { relevant: bad ? ['none'] : ['i1'] } });
    case 'regression': {
      const off = v.tolerance.kind === 'absolute' ? 2 * v.tolerance.value + 1 : 100 * (2 * v.tolerance.pct / 100) + 1;
      return (_n, bad) => ({ prediction: { value: 100 }, outcome: { value: bad ? 100 + off : 100 } });
    }
    case 'generative':
      // Labelling a generative series is refused when parsing (parse-series.ts); predictions alone are fine.
      return () => ({ prediction: { text: 'generated' }, outcome: {} });
  }
}

export class SeriesGenerator {
  private readonly rate = new Spread();
  private readonly failing = new Spread();
  private readonly errorType: Apportion;
  private readonly errorNames: string[];
  private readonly slow = new Spread();
  private readonly labelled = new Spread();
  private readonly bad = new Spread();
  private readonly payloads: (n: number, bad: boolean) => Payloads;
  private readonly fastMs: number;
  private seq = 0;
  private goodN = 0;
  private badN = 0;

  constructor(private readonly s: Series, spec: ServiceSpec) {
    this.errorNames = [...s.errors.keys()];
    this.errorType = new Apportion(this.errorNames.length);
    this.payloads = payloadsFor(spec);
    if (s.latency.kind === 'fixed') this.fastMs = s.latency.ms;
    else {
      const cls = classify(spec.latency.classes, { input: s.input });
      // parse-series.ts checked that the map names the class the input falls in.
      this.fastMs = s.latency.ms.get(cls.name) ?? 0;
    }
  }

  /** The events of the minute starting at `t` (whole minute). */
  minute(t: number, out: Generated): void {
    const s = this.s;
    if (t < s.from || t >= s.to) return;
    const f = (t - s.from) / (s.to - s.from);
    const count = this.rate.take(levelAt(s.rate, f));
    if (count === 0) return;
    const shares = this.errorNames.map((n) => levelAt(s.errors.get(n)!, f));
    const failShare = shares.reduce((a, b) => a + b, 0);
    const slowShare = s.latency.kind === 'fixed' ? levelAt(s.latency.slow, f) : 0;
    const q = s.quality;
    for (let i = 0; i < count; i++) {
      const ts = t + Math.floor((i * MIN) / count);
      const id = `s${s.index}-${this.seq++}`;
      const base = { kind: 'inference', id, service: s.service, model: s.model, ts: new Date(ts).toISOString(), input: s.input, cohort: s.cohort };
      if (this.failing.next(failShare)) {
        out.inferences.push({ ...base, status: 'error', errorType: this.errorNames[this.errorType.pick(shares)] });
        continue;
      }
      const latencyMs = this.slow.next(slowShare) && s.latency.kind === 'fixed' ? s.latency.slowMs : this.fastMs;
      const judged = q !== undefined && this.labelled.next(levelAt(q.labelled, f)) ? q : undefined;
      // Spread the bad verdicts, so a series opens with good ones (as with errors: the first requests succeed).
      const bad = judged !== undefined && this.bad.next(1 - levelAt(judged.accuracy, f));
      // Good and bad verdicts each alternate between the classes, so neither class collects the mistakes.
      const p = this.payloads(bad ? this.badN++ : this.goodN++, bad);
      out.inferences.push({ ...base, status: 'ok', latencyMs, prediction: p.prediction });
      if (judged === undefined) continue;
      const at = ts + judged.delayMs;
      out.outcomes.push({ ts: at, item: { kind: 'outcome', requestId: id, service: s.service, ts: new Date(at).toISOString(), source: judged.source, ...p.outcome } });
    }
  }
}
