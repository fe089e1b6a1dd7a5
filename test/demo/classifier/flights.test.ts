import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { haulOf, regionOf } from '../../../src/demo/classifier/airports.ts';
import { flightsPath, loadFlights } from '../../../src/demo/classifier/flights.ts';

test('flights-20k loads all 20,000 rows with their real labels', () => {
  const flights = loadFlights();
  assert.equal(flights.length, 20_000);
  const raw = JSON.parse(readFileSync(flightsPath(), 'utf8')) as { delay: number }[];
  assert.equal(flights.filter((f) => f.delayed).length, raw.filter((r) => r.delay > 15).length);
  for (const f of flights.slice(0, 100)) {
    assert.ok(Number.isInteger(f.hour) && f.hour >= 0 && f.hour < 24);
    assert.ok(f.originDelayShare >= 0 && f.originDelayShare <= 1);
    assert.match(f.origin, /^[A-Z]{3}$/);
  }
});

test('the region table covers nearly all traffic; distance bands are short/medium/long', () => {
  const flights = loadFlights();
  const other = flights.filter((f) => regionOf(f.origin) === 'other').length;
  assert.ok(other / flights.length < 0.02, `${other} flights without a region`);
  assert.equal(regionOf('ORD'), 'midwest');
  assert.equal(regionOf('HNL'), 'noncontiguous');
  assert.deepEqual([haulOf(499), haulOf(500), haulOf(1500)], ['short', 'medium', 'long']);
});
