import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOfMonth } from './calendar.ts';

test('start of month in UTC and in zones either side of it, across a DST change', () => {
  assert.equal(new Date(startOfMonth(Date.parse('2026-11-28T10:00:00Z'), 'UTC')).toISOString(), '2026-11-01T00:00:00.000Z');
  // Berlin is UTC+1 in November: local midnight of Nov 1 is Oct 31 23:00 UTC.
  assert.equal(new Date(startOfMonth(Date.parse('2026-11-28T10:00:00Z'), 'Europe/Berlin')).toISOString(), '2026-10-31T23:00:00.000Z');
  // New York on Nov 1 2026 (DST ends that day at 02:00): midnight is still EDT, UTC−4.
  assert.equal(new Date(startOfMonth(Date.parse('2026-11-28T10:00:00Z'), 'America/New_York')).toISOString(), '2026-11-01T04:00:00.000Z');
  // Early on Dec 1 UTC it is still November in New York.
  assert.equal(new Date(startOfMonth(Date.parse('2026-12-01T02:00:00Z'), 'America/New_York')).toISOString(), '2026-11-01T04:00:00.000Z');
  // Kolkata, UTC+5:30: a half-hour offset.
  assert.equal(new Date(startOfMonth(Date.parse('2026-11-28T10:00:00Z'), 'Asia/Kolkata')).toISOString(), '2026-10-31T18:30:00.000Z');
});
