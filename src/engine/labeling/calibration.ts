/**
 * The calibration report (DESIGN §2.8, docs/labeling.md "Agreement and calibration"): how well each
 * automatic signal — the LLM judge, the feedback proxy, ground truth — agrees with human verdicts, so a
 * team knows whether to trust its judge.
 *
 * The requests are those labeled through the queue with `from <= at <= to`; for each, the human verdict
 * and each signal's verdict come from the request's stored outcomes with the spec's rule (core/verdict.ts
 * `judge`; feedback through `quality.feedbackRule`), the latest outcome of a source deciding. Only
 * requests with both verdicts count for a signal.
 */
import type { OutcomeEvent, OutcomeSource, Prediction } from '../../core/event.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { wilson, type Interval } from '../../core/stats/wilson.ts';
import { judge, resolveVerdict } from '../../core/verdict.ts';
import { refKey, type Store } from '../../store/port.ts';
import { kappaOf, type KappaResult } from './agreement.ts';

export const SIGNALS = ['judge', 'feedback', 'ground_truth'] as const satisfies readonly OutcomeSource[];

export interface Confusion {
  /** Signal good & human good. */
  readonly goodGood: number;
  /** Signal good & human bad. */
  readonly goodBad: number;
  readonly badGood: number;
  readonly badBad: number;
}

export interface SignalCalibration {
  readonly signal: (typeof SIGNALS)[number];
  readonly n: number;
  readonly agreement: { readonly value: number; readonly interval: Interval } | null;
  readonly kappa: KappaResult;
  readonly confusion: Confusion;
  /** Judge scores per criterion: the mean when the human said good / bad (judge only; empty otherwise). */
  readonly scores: ReadonlyArray<{ readonly criterion: string; readonly meanWhenGood: number | null; readonly meanWhenBad: number | null }>;
}

export interface CalibrationReport {
  readonly service: string;
  readonly from: number;
  readonly to: number;
  readonly humanJudged: number;
  readonly signals: readonly SignalCalibration[];
}

const CHUNK = 500;

interface Pairing {
  readonly auto: boolean[];
  readonly human: boolean[];
  /** criterion → [sum, n] when human good, [sum, n] when human bad. */
  readonly scores: Map<string, { good: [number, number]; bad: [number, number] }>;
}

export async function calibrationReport(store: Store, spec: ServiceSpec, from: number, to: number): Promise<CalibrationReport> {
  const actions = await store.listLabelActions(spec.name, { from, to: to + 1 });
  const requestIds = [...new Set(actions.filter((a) => a.action === 'label').map((a) => a.requestId))];
  const rule = spec.quality.verdict;
  const pairs = new Map<OutcomeSource, Pairing>(SIGNALS.map((s) => [s, { auto: [], human: [], scores: new Map() }]));
  let humanJudged = 0;

  for (let i = 0; i < requestIds.length; i += CHUNK) {
    const refs = requestIds.slice(i, i + CHUNK).map((id) => ({ service: spec.name, id }));
    const snap = await store.lookupForIngest({ inferences: refs, requests: refs, outcomeKeys: [] });
    for (const ref of refs) {
      const key = refKey(ref.service, ref.id);
      const inf = snap.inferences.get(key)?.event;
      const prediction: Prediction | undefined = inf?.status === 'ok' ? inf.prediction : undefined;
      const outcomes = (snap.outcomesByRequest.get(key) ?? []).map((o) => o.event);
      const verdictOf = (source: OutcomeSource) => resolveVerdict(outcomes, { sources: [source], precedence: [source] },
        (o: OutcomeEvent) => judge(rule, prediction, o.payload, spec.quality.feedbackRule));
      const human = verdictOf('human');
      if (human === undefined) continue;
      humanJudged++;
      for (const signal of SIGNALS) {
        const v = verdictOf(signal);
        if (v === undefined) continue;
        const p = pairs.get(signal)!;
        p.auto.push(v.good);
        p.human.push(human.good);
        if (signal === 'judge' && v.outcome.payload.kind === 'scores') {
          for (const [criterion, score] of Object.entries(v.outcome.payload.scores)) {
            let s = p.scores.get(criterion);
            if (s === undefined) p.scores.set(criterion, (s = { good: [0, 0], bad: [0, 0] }));
            const side = human.good ? s.good : s.bad;
            side[0] += score;
            side[1]++;
          }
        }
      }
    }
  }

  const signals = SIGNALS.map((signal): SignalCalibration => {
    const { auto, human, scores } = pairs.get(signal)!;
    const n = auto.length;
    const count = (a: boolean, h: boolean): number => auto.filter((x, i) => x === a && human[i] === h).length;
    const confusion: Confusion = { goodGood: count(true, true), goodBad: count(true, false), badGood: count(false, true), badBad: count(false, false) };
    const agree = confusion.goodGood + confusion.badBad;
    const interval = wilson(agree, n);
    const name = (b: boolean): string => (b ? 'good' : 'bad');
    return {
      signal, n,
      agreement: interval === undefined ? null : { value: agree / n, interval },
      kappa: kappaOf(auto.map(name), human.map(name)),
      confusion,
      scores: [...scores.keys()].sort().map((criterion) => {
        const s = scores.get(criterion)!;
        return { criterion, meanWhenGood: s.good[1] === 0 ? null : s.good[0] / s.good[1], meanWhenBad: s.bad[1] === 0 ? null : s.bad[0] / s.bad[1] };
      }),
    };
  });
  return { service: spec.name, from, to, humanJudged, signals };
}
