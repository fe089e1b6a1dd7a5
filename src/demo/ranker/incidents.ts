/**
 * The movie ranker's scripted trouble (script.ts): a slow search-index rebuild in the history, and live,
 * five server minutes in, the rollout of `ranker-v8` — retrained "for engagement" on box office instead
 * of viewers' ratings — to half of the traffic. Its hit rate is far lower; the viewing labels (5–60 server
 * minutes late) show it in the quality per model version within a few real minutes.
 */
import type { Incident, Rollout, StoryEvent } from '../script.ts';

export const RANKER_CANARY: Rollout = {
  name: 'ranker-v8 (retrained for engagement: target box office instead of viewers\' ratings) serves 50% of traffic',
  model: 'ranker-v8',
  startMin: 5,
  share: 0.5,
};

export const RANKER_INCIDENTS: readonly Incident[] = [
  {
    name: 'search index rebuild: ranking slows down for 40 minutes',
    startMin: -18 * 60,
    durationMin: 40,
    errorProb: 0.01,
    errorTypes: [['timeout', 1]],
    latencyFactor: 3,
  },
];

export const RANKER_STORY: readonly StoryEvent[] = [{
  service: 'movie-ranker',
  atMin: RANKER_CANARY.startMin,
  what: 'rolls out ranker-v8 (trained for box office, not ratings) to 50%: as viewing labels arrive, ' +
    '`mlslo quality movie-ranker --by version` shows it far worse than ranker-v7',
}];
