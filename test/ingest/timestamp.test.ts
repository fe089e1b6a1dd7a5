/**
 * `parseTimestamp` computes the instant from the checked fields (no string for Date.parse): it must give
 * exactly what Date.parse gives for the same time written out in full (seconds and a 3-digit fraction),
 * and refuse what the format refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTimestamp } from '../../src/ingest/timestamp.ts';

const p2 = (n: number): string => String(n).padStart(2, '0');

test('the instant of every valid field combination is the one Date.parse gives', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }),
    fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 9 }),
    fc.option(fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))),
    (year, month, day, hour, minute, second, digits, offset) => {
      const date = `${String(year).padStart(4, '0')}-${p2(month)}-${p2(day)}`;
      const zone = offset === null ? 'Z' : `${offset[0]}${p2(offset[1])}:${p2(offset[2])}`;
      const fraction = digits === '' ? '' : `.${digits}`;
      const s = `${date}T${p2(hour)}:${p2(minute)}:${p2(second)}${fraction}${zone}`;
      const reference = Date.parse(`${date}T${p2(hour)}:${p2(minute)}:${p2(second)}.${digits.slice(0, 3).padEnd(3, '0')}${zone}`);
      // Date.parse rolls 2026-02-30 into March; the parser refuses days the month does not have.
      const real = new Date(Date.UTC(2000, month - 1, day)).getUTCMonth() === month - 1
        && !(month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)));
      assert.equal(parseTimestamp(s), real ? reference : undefined, s);
    },
  ), { numRuns: 20_000 });
});

test('edge cases: years before 100, leap days, offsets across midnight, fractions truncated', () => {
  const cases: Array<[string, number | undefined]> = [
    ['0000-01-01T00:00:00Z', Date.parse('0000-01-01T00:00:00.000Z')],
    ['0099-03-01T12:00:00Z', Date.parse('0099-03-01T12:00:00.000Z')],
    ['2024-02-29T23:30:00-01:00', Date.parse('2024-03-01T00:30:00.000Z')],
    ['2026-11-28T00:10:00+01:00', Date.parse('2026-11-27T23:10:00.000Z')],
    ['2026-11-28T10:00Z', Date.parse('2026-11-28T10:00:00.000Z')],
    ['2026-11-28T10:00:00.1Z', Date.parse('2026-11-28T10:00:00.100Z')],
    ['2026-11-28T10:00:00.123999999Z', Date.parse('2026-11-28T10:00:00.123Z')],
    ['9999-12-31T23:59:59.999-23:59', Date.parse('9999-12-31T23:59:59.999-23:59')],
    ['1900-02-29T00:00:00Z', undefined],
    ['2026-11-28T10:00:00', undefined],
    ['2026-11-28T24:00:00Z', undefined],
    ['2026-11-28T10:00:60Z', undefined],
    ['2026-11-28T10:00:00+24:00', undefined],
    ['2026-11-28T10:00:00-00:60', undefined],
  ];
  for (const [s, want] of cases) assert.equal(parseTimestamp(s), want, s);
});
