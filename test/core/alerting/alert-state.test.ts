import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { advance, INACTIVE, isActive, type AlertState, type AlertTransition } from '../../../src/core/alerting/alert-state.ts';

test('forMs 0 fires at the first evaluation that holds', () => {
  const s = advance(INACTIVE, true, 1000, 0);
  assert.deepEqual(s, { state: { kind: 'firing', since: 1000, firingSince: 1000 }, transition: 'fired' });
});

test('pending until the condition has held for forMs, then firing', () => {
  let s = advance(INACTIVE, true, 0, 60_000);
  assert.deepEqual(s, { state: { kind: 'pending', since: 0 }, transition: undefined });
  s = advance(s.state, true, 30_000, 60_000);
  assert.equal(s.state.kind, 'pending');
  s = advance(s.state, true, 60_000, 60_000);
  assert.deepEqual(s, { state: { kind: 'firing', since: 0, firingSince: 60_000 }, transition: 'fired' });
  s = advance(s.state, true, 90_000, 60_000);
  assert.deepEqual(s, { state: { kind: 'firing', since: 0, firingSince: 60_000 }, transition: undefined });
});

test('pending that stops holding goes back to inactive silently', () => {
  const p = advance(INACTIVE, true, 0, 60_000).state;
  assert.deepEqual(advance(p, false, 30_000, 60_000), { state: INACTIVE, transition: undefined });
});

test('firing that stops holding resolves; resolved stays until it holds again, then starts over', () => {
  const f = advance(INACTIVE, true, 0, 0).state;
  const r = advance(f, false, 5000, 0);
  assert.deepEqual(r, { state: { kind: 'resolved', since: 0, firingSince: 0, resolvedAt: 5000 }, transition: 'resolved' });
  assert.deepEqual(advance(r.state, false, 6000, 0), { state: r.state, transition: undefined });
  assert.deepEqual(advance(r.state, true, 7000, 10_000), { state: { kind: 'pending', since: 7000 }, transition: undefined });
  assert.deepEqual(advance(r.state, true, 7000, 0), { state: { kind: 'firing', since: 7000, firingSince: 7000 }, transition: 'fired' });
});

test('a negative or infinite forMs is refused', () => {
  assert.throws(() => advance(INACTIVE, true, 0, -1), RangeError);
  assert.throws(() => advance(INACTIVE, true, 0, Infinity), RangeError);
});

const run = fc.record({
  forMs: fc.integer({ min: 0, max: 10 }).map((m) => m * 1000),
  steps: fc.array(fc.record({ holds: fc.boolean(), dt: fc.integer({ min: 0, max: 4000 }) }), { maxLength: 80 }),
});

test('property: never fires before the condition has held for forMs, and fires once it has', () => {
  fc.assert(fc.property(run, ({ forMs, steps }) => {
    let state: AlertState = INACTIVE;
    let now = 0;
    let heldSince: number | undefined;
    for (const { holds, dt } of steps) {
      now += dt;
      if (!holds) heldSince = undefined;
      else heldSince ??= now;
      const next = advance(state, holds, now, forMs);
      state = next.state;
      if (next.transition === 'fired') assert.ok(heldSince !== undefined && now - heldSince >= forMs);
      if (state.kind === 'firing') assert.ok(heldSince !== undefined && now - heldSince >= forMs && now - state.since >= forMs);
      if (heldSince !== undefined && now - heldSince >= forMs) assert.equal(state.kind, 'firing');
      assert.equal(isActive(state), holds);
    }
  }), { numRuns: 500 });
});

test('property: fired and resolved notices alternate, starting with fired', () => {
  fc.assert(fc.property(run, ({ forMs, steps }) => {
    let state: AlertState = INACTIVE;
    let now = 0;
    const seen: AlertTransition[] = [];
    for (const { holds, dt } of steps) {
      now += dt;
      const next = advance(state, holds, now, forMs);
      state = next.state;
      if (next.transition !== undefined) seen.push(next.transition);
    }
    seen.forEach((t, i) => assert.equal(t, i % 2 === 0 ? 'fired' : 'resolved'));
    assert.equal(state.kind === 'firing', seen.length % 2 === 1);
  }), { numRuns: 500 });
});
