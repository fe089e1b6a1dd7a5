/** The baseline parser and its RFC 4180 reader; expectations are worked out by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBaselineParser, csvNumber, type BaselineFormat } from '../../src/ingest/baseline-parse.ts';
import { CsvReader, readCsv, type CsvRecord } from '../../src/ingest/csv-reader.ts';
import { isMlsloError } from '../../src/core/errors.ts';
import type { FeatureType } from '../../src/store/port.ts';

function parse(format: BaselineFormat, text: string, declared: Record<string, FeatureType> = {}, chunk = text.length || 1) {
  const p = createBaselineParser(format, declared, { maxBytes: 1 << 20, maxRows: 100 });
  for (let i = 0; i < text.length; i += chunk) p.push(text.slice(i, i + chunk));
  return p.end();
}

describe('RFC 4180 reader', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF/LF/CR endings, and numbers records by their first line', () => {
    const text = 'a,b,c\r\n1,"x, ""y""",3\n"multi\nline",,\r"z"\n\n4,5,6';
    const want: CsvRecord[] = [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 3, fields: ['multi\nline', '', ''] },
      { line: 5, fields: ['z'] },
      { line: 7, fields: ['4', '5', '6'] },
    ];
    assert.deepEqual(readCsv(text), want);
    for (const size of [1, 2, 3, 7]) { // chunk boundaries anywhere, including inside CRLF and ""
      const out: CsvRecord[] = [];
      const r = new CsvReader((x) => out.push(x));
      for (let i = 0; i < text.length; i += size) r.push(text.slice(i, i + size));
      r.end();
      assert.deepEqual(out, want, `chunks of ${size}`);
    }
  });

  it('flags malformed records and goes on at the next line', () => {
    assert.deepEqual(readCsv('a"b,c\n"x"y,z\nok,1\n"open'), [
      { line: 1, fields: ['a'], error: 'a quote inside an unquoted field (column 1)' },
      { line: 2, fields: ['x'], error: 'text after a closing quote (column 1)' },
      { line: 3, fields: ['ok', '1'] },
      { line: 4, fields: ['open'], error: 'unterminated quoted field (column 1)' },
    ]);
  });

  it('reads finite decimal numbers only', () => {
    assert.equal(csvNumber(' -1.5e3 '), -1500);
    assert.equal(csvNumber('.5'), 0.5);
    for (const s of ['', 'NaN', 'Infinity', '0x10', '1,5', '1e999', 'abc']) assert.equal(csvNumber(s), undefined, s);
  });
});

describe('baseline parser', () => {
  const jsonl = [
    '{"amount": 1.5, "tier": 1, "country": "BR", "flag": true}',
    '{"amount": 2.5, "tier": 2, "country": "PT", "flag": false}',
    '{"amount": 3.5, "tier": 3, "country": "BR"}',
    '{"amount": 4.5, "tier": 1, "country": "DE", "flag": null}',
    '{"amount": 5.5, "tier": 2, "country": "BR", "flag": true}',
    '{"amount": 6.5, "tier": 3, "country": "BR", "flag": true, "late": 1}',
  ].join('\n');

  it('JSONL: > 5 distinct numbers → numeric, 3 distinct → categorical, strings and booleans → categorical; absent → null', () => {
    const b = parse('jsonl', `${jsonl}\n`);
    assert.equal(b.rows, 6);
    assert.deepEqual(b.features, {
      amount: { type: 'numeric', inferred: true }, country: { type: 'categorical', inferred: true },
      flag: { type: 'categorical', inferred: true }, late: { type: 'categorical', inferred: true }, tier: { type: 'categorical', inferred: true },
    });
    assert.deepEqual(b.values.amount, [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    assert.deepEqual(b.values.tier, ['1', '2', '3', '1', '2', '3']);
    assert.deepEqual(b.values.flag, ['true', 'false', null, null, 'true', 'true']);
    assert.deepEqual(b.values.late, [null, null, null, null, null, '1']);
    assert.deepEqual(b.rejected, []);
  });

  it('declared types win over inference', () => {
    const b = parse('jsonl', jsonl, { tier: 'numeric', amount: 'categorical' }, 5);
    assert.deepEqual(b.features.tier, { type: 'numeric', inferred: false });
    assert.deepEqual(b.values.tier, [1, 2, 3, 1, 2, 3]);
    assert.deepEqual(b.features.amount, { type: 'categorical', inferred: false });
    assert.deepEqual(b.values.amount, ['1.5', '2.5', '3.5', '4.5', '5.5', '6.5']);
  });

  it('JSONL: rejects a bad line with its number and pointer, keeps the rest', () => {
    const b = parse('jsonl', '{"a": 1}\n\n{"a": \n[1]\n{"a/b": {"x": 1}}\n{"a": "x"}\n{"a": 2}', { a: 'numeric' });
    assert.equal(b.rows, 2);
    assert.deepEqual(b.values.a, [1, 2]);
    assert.deepEqual(b.rejected.map((r) => r.line), [3, 4, 5, 6]);
    assert.match(b.rejected[0]!.message, /^invalid JSON/);
    assert.equal(b.rejected[1]!.message, 'a line must be a JSON object of feature values');
    assert.match(b.rejected[2]!.message, /^\/a~1b: /);
    assert.match(b.rejected[3]!.message, /^\/a: the spec declares this feature numeric/);
    assert.equal(b.rejectedCount, 4);
  });

  it('CSV: infers from parsed numbers, empty fields are null, bad records rejected by line and column', () => {
    const csv = 'score,segment,code\n0.1,a,1\n0.2,b,2\n0.3,"a",3\n0.4,a,1\n"0.5",b,2\n0.6,,3\n0.7,a\nx,b,1\n';
    const b = parse('csv', csv, { code: 'numeric', score: 'numeric' }, 4);
    assert.equal(b.rows, 6);
    assert.deepEqual(b.features, {
      code: { type: 'numeric', inferred: false }, score: { type: 'numeric', inferred: false }, segment: { type: 'categorical', inferred: true },
    });
    assert.deepEqual(b.values.score, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    assert.deepEqual(b.values.segment, ['a', 'b', 'a', 'a', 'b', null]);
    assert.deepEqual(b.rejected, [
      { line: 8, message: 'expected 3 fields, got 2' },
      { line: 9, message: 'column 1 (score): the spec declares this feature numeric; got "x"' },
    ]);
    const inferred = parse('csv', csv.replace('\nx,b,1', ''));
    assert.deepEqual(inferred.features.score, { type: 'numeric', inferred: true });
    assert.deepEqual(inferred.features.code, { type: 'categorical', inferred: true });
    assert.deepEqual(inferred.values.code, ['1', '2', '3', '1', '2', '3']);
  });

  it('refuses an upload with no valid rows, a bad header, or too many rows', () => {
    assert.throws(() => parse('csv', ''), (e) => isMlsloError(e) && e.code === 'MLSLO_ERR_BASELINE_INVALID');
    assert.throws(() => parse('csv', 'a,a\n1,2'), (e) => isMlsloError(e) && e.code === 'MLSLO_ERR_BASELINE_INVALID' && /repeats/.test(e.message));
    assert.throws(() => parse('jsonl', 'nope'), (e) => isMlsloError(e) && e.code === 'MLSLO_ERR_BASELINE_INVALID' && /line 1/.test(e.message));
    assert.throws(() => parse('jsonl', '{"a":1}\n'.repeat(101)), (e) => isMlsloError(e) && e.code === 'MLSLO_ERR_TOO_MANY_ITEMS');
  });
});
