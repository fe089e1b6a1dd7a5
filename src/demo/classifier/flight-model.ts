/**
 * The flight-delay model: a CART decision tree (ml-cart) on hour, distance, target-encoded origin and
 * destination, and the origin's delays so far today. Trained at start-up on a seeded split.
 *
 * Two versions are trained: `tree-v3`, the production model, and `tree-v4`, the canary — a retrain
 * meant to catch more delays that oversamples delayed flights without recalibrating the leaves, so
 * it raises recall and loses accuracy (and its scores are over-confident about delays).
 */
import { DecisionTreeClassifier } from 'ml-cart';
import type { Flight } from './flights.ts';
import { mulberry32, shuffled } from '../random.ts';

export interface TrainOptions {
  readonly seed: number;
  /** Share of rows held out for serving and evaluation. */
  readonly holdOut: number;
  /**
   * ml-cart scans every split point of every feature at every node (roughly O(n²) per level), so the
   * tree trains on a subset; target encodings still use the whole training split.
   */
  readonly treeRows: number;
  readonly maxDepth: number;
  /**
   * Copies of each delayed flight in the tree's sample (default 1): naive class rebalancing. The
   * target encodings are unaffected.
   */
  readonly oversampleDelayed?: number;
}

export const DEFAULT_TRAIN: TrainOptions = { seed: 2001, holdOut: 0.3, treeRows: 4000, maxDepth: 5 };

/**
 * The canary `tree-v4`: the same seed and hold-out (so both versions serve the same unseen flights),
 * half the sample to keep the retrain fast, classes rebalanced: each delayed flight copied 4× (the
 * data is ~22% delayed, so ~53% of the sample is).
 */
export const CANARY_TRAIN: TrainOptions = { ...DEFAULT_TRAIN, treeRows: 2000, oversampleDelayed: 4 };

export interface Scored {
  readonly delayed: boolean;
  /** Probability of the predicted label, in [0.5, 1]. */
  readonly score: number;
}

export interface FlightModel {
  readonly train: readonly Flight[];
  readonly heldOut: readonly Flight[];
  readonly trainMs: number;
  predict(flight: Flight): Scored;
}

/** A tree node as `toJSON` serialises it: a split, or a leaf with its class distribution. */
interface TreeJson {
  readonly splitColumn?: number;
  readonly splitValue?: number;
  readonly left?: TreeJson;
  readonly right?: TreeJson;
  readonly distribution?: readonly (readonly number[])[];
}

/** m-estimate smoothing weight of the target encoding, in flights: rare airports shrink to the prior. */
const ENCODING_WEIGHT = 30;

/** The seeded split every version trained with the same seed and hold-out shares. */
export function splitFlights(flights: readonly Flight[], opts: Pick<TrainOptions, 'seed' | 'holdOut'>): { train: Flight[]; heldOut: Flight[] } {
  const rows = shuffled(mulberry32(opts.seed), flights);
  const nHeld = Math.round(rows.length * opts.holdOut);
  return { heldOut: rows.slice(0, nHeld), train: rows.slice(nHeld) };
}

export function trainFlightModel(flights: readonly Flight[], opts: TrainOptions = DEFAULT_TRAIN): FlightModel {
  const { train, heldOut } = splitFlights(flights, opts);
  const prior = delayedShare(train);
  const byOrigin = targetEncoding(train, (f) => f.origin, prior);
  const byDestination = targetEncoding(train, (f) => f.destination, prior);
  const encode = (f: Flight): number[] => [
    f.hour,
    Math.round(f.distance / 100),
    byOrigin.get(f.origin) ?? round2(prior),
    byDestination.get(f.destination) ?? round2(prior),
    f.originDelayShare,
  ];

  const started = performance.now();
  const copies = Math.max(1, Math.round(opts.oversampleDelayed ?? 1));
  const sample = train.slice(0, opts.treeRows).flatMap((f) => (f.delayed ? new Array<Flight>(copies).fill(f) : [f]));
  const tree = new DecisionTreeClassifier({ maxDepth: opts.maxDepth, minNumSamples: 30, gainThreshold: 0 });
  tree.train(sample.map(encode), sample.map((f) => (f.delayed ? 1 : 0)));
  const root = JSON.parse(JSON.stringify(tree.toJSON().root)) as TreeJson;
  const trainMs = performance.now() - started;

  return {
    train,
    heldOut,
    trainMs,
    predict(flight) {
      const pDelayed = leafProbability(root, encode(flight));
      return pDelayed > 0.5 ? { delayed: true, score: pDelayed } : { delayed: false, score: 1 - pDelayed };
    },
  };
}

/** Share of `flights` whose delay the model predicts right. */
export function accuracyOn(model: FlightModel, flights: readonly Flight[]): number {
  let correct = 0;
  for (const f of flights) if (model.predict(f).delayed === f.delayed) correct++;
  return correct / Math.max(1, flights.length);
}

/** Share of the actually delayed flights the model predicts delayed. */
export function delayRecallOn(model: FlightModel, flights: readonly Flight[]): number {
  const delayed = flights.filter((f) => f.delayed);
  return delayed.filter((f) => model.predict(f).delayed).length / Math.max(1, delayed.length);
}

export function delayedShare(flights: readonly Flight[]): number {
  return flights.filter((f) => f.delayed).length / Math.max(1, flights.length);
}

function targetEncoding(rows: readonly Flight[], key: (f: Flight) => string, prior: number): Map<string, number> {
  const counts = new Map<string, [number, number]>();
  for (const f of rows) {
    const [d, n] = counts.get(key(f)) ?? [0, 0];
    counts.set(key(f), [d + (f.delayed ? 1 : 0), n + 1]);
  }
  const out = new Map<string, number>();
  for (const [k, [d, n]] of counts) out.set(k, round2((d + ENCODING_WEIGHT * prior) / (n + ENCODING_WEIGHT)));
  return out;
}

/** Coarse values keep the tree's candidate split points few. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** P(delayed) at the leaf `x` falls in; ml-cart sends `x[col] < value` left. */
function leafProbability(node: TreeJson, x: readonly number[]): number {
  let n = node;
  while (n.left !== undefined && n.right !== undefined && n.splitColumn !== undefined && n.splitValue !== undefined) {
    n = (x[n.splitColumn] ?? 0) < n.splitValue ? n.left : n.right;
  }
  // A leaf that saw only on-time flights stores a one-column distribution.
  return n.distribution?.[0]?.[1] ?? 0;
}
