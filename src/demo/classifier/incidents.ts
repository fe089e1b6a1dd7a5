/**
 * The classifier's scripted trouble (script.ts), relative to the demo's anchor. In the history: a canary
 * of `tree-v4` that serves 30% of traffic from 12 hours before the start on, fast and error-free but
 * clearly less accurate (only the delayed labels show it); an attempt to promote it to 100% five hours
 * before the start that ran out of GPU memory (errors burn fast, then the rollback to the canary); and a
 * slow feature store the day before (latency degrades, within budget). Live: 10 server minutes in, the
 * flight-data vendor's v2 feed goes live with two unit bugs (FEED_V2_FROM_MIN), which drift on the
 * critical features catches long before the labels would.
 */
import type { Incident, Rollout, StoryEvent } from '../script.ts';

export const CANARY: Rollout = {
  name: 'tree-v4 canary (classes rebalanced, delayed flights oversampled 4×, to catch more delays) serves 30% of traffic',
  model: 'tree-v4',
  startMin: -12 * 60,
  share: 0.3,
};

export const INCIDENTS: readonly Incident[] = [
  {
    name: 'promoting the tree-v4 canary to 100% runs out of GPU memory; rolled back to 30% after 20 minutes',
    startMin: -5 * 60,
    durationMin: 20,
    errorProb: 0.3,
    errorTypes: [['gpu_oom', 3], ['model_load', 1]],
    latencyFactor: 1.3,
    model: 'tree-v4',
  },
  {
    name: 'feature store slowdown',
    startMin: -26 * 60,
    durationMin: 45,
    errorProb: 0.002,
    errorTypes: [['timeout', 1]],
    latencyFactor: 2.5,
  },
];

/** Statute miles to kilometres. */
export const KM_PER_MILE = 1.609344;

/**
 * The flight-data vendor's v2 feed, live from this server minute after the anchor on: `distance` in
 * kilometres instead of miles, and `originDelayShare` in percent instead of a fraction — two unit bugs
 * of one migration. The percent is blatant (×100: drift on the critical feature at once, and the tree,
 * which splits on the share, now calls most flights delayed); the kilometres are subtle (×1.6, within
 * the range of real distances: drift only once enough of the window is in km).
 */
export const FEED_V2_FROM_MIN = 10;

export const CLASSIFIER_STORY: readonly StoryEvent[] = [{
  service: 'flight-delay-classifier',
  atMin: FEED_V2_FROM_MIN,
  what: 'the flight-data vendor\'s v2 feed goes live with two unit bugs: `originDelayShare` in percent and `distance` in ' +
    'kilometres. The critical feature originDelayShare drifts at once and `flight-delay-classifier/drift/feature/originDelayShare/ticket` ' +
    'fires after alertFor (10 server minutes); distance follows when ~20–30% of its 2h window is in km; the tree now calls most ' +
    'flights delayed, which the labels show over the next 5–90 server minutes',
}];
