import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/cli/config.ts';
import { compressedClock, DEFAULT_DEMO_SPEED, resumeDemo } from '../../src/demo/clock.ts';
import { realTime, timelineLines, LIVE_STORY } from '../../src/demo/story.ts';
import { GPU_OOM } from '../../src/demo/assistant/incidents.ts';
import { FEED_V2_FROM_MIN } from '../../src/demo/classifier/incidents.ts';
import { RANKER_CANARY } from '../../src/demo/ranker/incidents.ts';
import { openStore } from '../../src/store/open-store.ts';

test('the compressed clock stands at the anchor until started, then runs `speed` times faster than real time', () => {
  let real = 1_000_000;
  const anchor = Date.parse('2026-11-28T12:00:00.000Z');
  const clock = compressedClock(anchor, 10, () => real);
  real += 30_000;
  assert.equal(clock.now(), anchor, 'frozen while the history is back-filled');
  clock.start();
  assert.equal(clock.now(), anchor);
  real += 60_000;
  assert.equal(clock.now(), anchor + 10 * 60_000, 'one real minute is ten server minutes');
  clock.start();
  assert.equal(clock.now(), anchor + 10 * 60_000, 'starting again changes nothing');
  real += 1;
  assert.equal(clock.now(), anchor + 10 * 60_000 + 10);
  const realTimeClock = compressedClock(anchor, 1, () => real);
  realTimeClock.start();
  real += 5_000;
  assert.equal(realTimeClock.now(), anchor + 5_000);
});

test('demoSpeed: default 10, from 1 (real time) to 1000, in the config file or as --demo-speed', () => {
  assert.equal(DEFAULT_CONFIG.demoSpeed, DEFAULT_DEMO_SPEED);
  assert.equal(resolveConfig({ demoSpeed: 1 }, {}, 'f').demoSpeed, 1);
  assert.equal(resolveConfig({ demoSpeed: 1 }, { demoSpeed: 60 }, 'f').demoSpeed, 60);
  assert.throws(() => resolveConfig({ demoSpeed: 0.5 }, {}, 'f.yaml'), /demoSpeed/);
  assert.throws(() => resolveConfig({ demoSpeed: 5000 }, {}, 'f.yaml'), /demoSpeed/);
});

test('the printed timeline: real time at the speed, server minutes, every live event in order', () => {
  assert.equal(realTime(10, 10), '1:00');
  assert.equal(realTime(25, 10), '2:30');
  assert.equal(realTime(10, 1), '10:00');
  assert.deepEqual(LIVE_STORY.map((e) => e.atMin), [...LIVE_STORY.map((e) => e.atMin)].sort((a, b) => a - b));
  assert.deepEqual(new Set(LIVE_STORY.map((e) => e.atMin)),
    new Set([RANKER_CANARY.startMin, GPU_OOM.startMin, FEED_V2_FROM_MIN, GPU_OOM.startMin + GPU_OOM.durationMin]));
  const lines = timelineLines(10);
  assert.match(lines[0]!, /10× faster/);
  assert.ok(lines.some((l) => l.includes('0:30 (+5 min)  movie-ranker')));
  assert.ok(lines.some((l) => l.includes('1:00 (+10 min)  flight-delay-classifier')));
  // Everything in the live story happens within four real minutes at the default speed.
  assert.ok(LIVE_STORY.every((e) => e.atMin / DEFAULT_DEMO_SPEED <= 4));
});

test('resuming: an empty store starts at the wall clock; a store ahead of it continues after its newest instant', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-clock-'));
  try {
    const store = await openStore(dir);
    const wall = Date.parse('2026-11-28T12:00:00.400Z');
    const fresh = await resumeDemo(store, ['a'], wall);
    assert.equal(fresh.anchorMs, Date.parse('2026-11-28T12:00:01.000Z'));
    assert.equal(fresh.lastServedMs.size, 0);
    // An alert evaluated "in the future" by an earlier, compressed run.
    const future = wall + 5 * 3_600_000 + 123;
    await store.saveAlerts([{ id: 'a/burn/errors/page', service: 'a', state: '{"kind":"inactive"}', body: '{}', updatedAt: future }], []);
    const resumed = await resumeDemo(store, ['a'], wall);
    assert.equal(resumed.anchorMs, Math.floor(future / 1000) * 1000 + 1000);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
