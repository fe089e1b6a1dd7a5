/** The ClickHouse adapter's SQL literals (src/store/clickhouse/sql.ts): pure checks; clickhouse.test.ts round-trips them through a server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks, float, ident, int, str, strList } from '../../src/store/clickhouse/sql.ts';

describe('clickhouse sql literals', () => {
  it('quotes strings with ClickHouse escapes', () => {
    assert.equal(str(''), "''");
    assert.equal(str("it's"), "'it\\'s'");
    assert.equal(str('a\\b'), "'a\\\\b'");
    assert.equal(str("\\'"), "'\\\\\\''", 'a backslash before a quote cannot unescape it');
    assert.equal(str('l1\nl2\r\t\0\b\f'), "'l1\\nl2\\r\\t\\0\\b\\f'");
    assert.equal(str('é 🙂 "x" `y`'), "'é 🙂 \"x\" `y`'", 'other characters are data');
    assert.throws(() => str(5 as unknown as string), TypeError);
  });

  it('writes only safe integers and finite numbers', () => {
    assert.equal(int(0), '0');
    assert.equal(int(-1764327540123), '-1764327540123');
    assert.equal(int(Number.MAX_SAFE_INTEGER), '9007199254740991');
    for (const bad of [1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1' as unknown as number]) assert.throws(() => int(bad), RangeError);
    assert.equal(float(0.1), '0.1');
    assert.equal(float(-2e300), '-2e+300');
    for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => float(bad), RangeError);
  });

  it('builds IN lists, refuses empty ones, and chunks', () => {
    assert.equal(strList(['a', "b'"]), "('a', 'b\\'')");
    assert.throws(() => strList([]), RangeError);
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunks([], 2), []);
  });

  it('accepts only plain identifiers', () => {
    assert.equal(ident('mlslo_t1'), '`mlslo_t1`');
    for (const bad of ['', '1db', 'a-b', 'a`b', 'a b', 'db; DROP TABLE x']) assert.throws(() => ident(bad), RangeError);
  });
});
