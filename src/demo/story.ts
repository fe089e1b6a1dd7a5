/**
 * The live part of the demo's story, gathered from the three services' scripts and printed at start as
 * a "what happens when" timeline, in real time at the configured speed and in server time.
 */
import { ASSISTANT_STORY } from './assistant/incidents.ts';
import { CLASSIFIER_STORY } from './classifier/incidents.ts';
import { RANKER_STORY } from './ranker/incidents.ts';
import type { StoryEvent } from './script.ts';

export const LIVE_STORY: readonly StoryEvent[] = [...RANKER_STORY, ...ASSISTANT_STORY, ...CLASSIFIER_STORY]
  .sort((a, b) => a.atMin - b.atMin);

/** `m:ss` of real time after the start at which `atMin` server minutes have passed. */
export function realTime(atMin: number, speed: number): string {
  const s = Math.round((atMin * 60) / speed);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function timelineLines(speed: number, story: readonly StoryEvent[] = LIVE_STORY): string[] {
  const head = speed === 1
    ? 'demo: server time is real time (demoSpeed 1)'
    : `demo: server time runs ${speed}× faster than the wall clock (demoSpeed ${speed}; 1 = real time): ` +
      `one real minute is ${speed} server minutes, so burn windows, alert \`for\` durations and label delays pass ${speed}× faster`;
  return [
    head,
    'demo: what happens when (real time after the live start → server time):',
    ...story.map((e) => `demo:   ${realTime(e.atMin, speed).padStart(5)} (+${e.atMin} min)  ${e.service}: ${e.what}`),
    'demo: throughout: quality per cohort — `mlslo quality NAME --by cohort` — shows the weaker region, era and languages; ' +
      '`mlslo alerts` lists what fires',
  ];
}
