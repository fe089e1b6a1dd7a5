/** The backfill readers on their own: line numbers, resume offsets and CSV cell typing, against hand-counted bytes. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { csvMapping, csvEvent } from '../../src/ingest/backfill/csv-mapping.ts';
import { csvRecords } from '../../src/ingest/backfill/csv-records.ts';
import { ndjsonRecords } from '../../src/ingest/backfill/ndjson-records.ts';
import type { SourceRecord } from '../../src/ingest/backfill/source-record.ts';

function chunked(text: string, size: number): AsyncIterable<Buffer> {
  const b = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return Readable.from(parts);
}

async function all(it: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const where = (r: SourceRecord): [number, number, number] => [r.line, r.endLine, r.end];

test('CSV: a record ends where its last line ends, CRLF inside quotes included; any chunking gives the same', async () => {
  // Bytes: BOM 3 + "kind,id,model" 13 + CRLF 2 = 18; `1,"x<CRLF>y",3<CRLF>` 12 → 30; blank CRLF → 32; "4,5,6\n" 6 → 38; "7,8" 3 → 41.
  const text = '\uFEFFkind,id,model\r\n1,"x\r\ny",3\r\n\r\n4,5,6\n7,8';
  for (const size of [1, 3, 7, 1000]) {
    let header: readonly string[] | undefined;
    const rs = await all(csvRecords(chunked(text, size), { offset: 0, line: 0, header: undefined }, (h) => (header = h)));
    assert.deepEqual(header, ['kind', 'id', 'model']);
    assert.deepEqual(rs.map(where), [[2, 3, 30], [5, 5, 38], [6, 6, 41]], `chunks of ${size}`);
    assert.deepEqual(rs.map((r) => (r.kind === 'item' ? r.item : r.problem.code)), [{ kind: '1', id: 'x\r\ny', model: '3' }, { kind: '4', id: '5', model: '6' }, 'invalid_csv']);
  }
});

test('CSV resumed past the header: the stored header maps the records, numbering goes on', async () => {
  const rest = 'inference,a\ninference,b\n';
  const rs = await all(csvRecords(chunked(rest, 4), { offset: 100, line: 9, header: ['kind', 'id'] }, () => assert.fail('no header in the stream')));
  assert.deepEqual(rs.map(where), [[10, 10, 112], [11, 11, 124]]);
});

test('CSV cells take their column\'s type: strings stay strings, numbers by the JSON grammar, suffixes', () => {
  const m = csvMapping(['id', 'latencyMs', 'input.tokens', 'features.zip', 'features.vip', 'cohort.tier', 'label:integer', 'prediction.probabilities.a/b']);
  const r = csvEvent(['12', '12', '12', '05', 'true', '1', '3', '0.5'], m);
  assert.deepEqual(r, { item: { id: '12', latencyMs: 12, input: { tokens: 12 }, features: { zip: '05', vip: true }, cohort: { tier: '1' }, label: 3, prediction: { probabilities: { 'a/b': 0.5 } } } });
  assert.deepEqual(csvEvent(['x', '12ms', '', '', '', '', '', ''], m), { item: { id: 'x', latencyMs: '12ms' } });
  assert.deepEqual(csvEvent(['x', '', '', '', '', '', 'three', ''], m), { problem: { code: 'invalid_type', path: '/label', message: 'must be integer' } });
  assert.throws(() => csvMapping(['kind', 'cohort.region:integer']), /column 2 `cohort.region:integer`: this field takes no `:type` suffix/);
  assert.throws(() => csvMapping(['id', 'id']), /column 2 `id`: the same field as column 1/);
});

test('NDJSON: blank lines keep their numbers, a BOM is ignored, a line past the limit is rejected alone', async () => {
  const text = `\uFEFF{"a":1}\n\n${'x'.repeat(50)}\n{"b":2}`;
  const rs = await all(ndjsonRecords(chunked(text, 5), { offset: 0, line: 0 }, 20));
  // Bytes: BOM 3 + 7 + 1 = 11; blank → 12; 50 + 1 → 63; 7 → 70.
  assert.deepEqual(rs.map(where), [[1, 1, 11], [3, 3, 63], [4, 4, 70]]);
  assert.deepEqual(rs.map((r) => (r.kind === 'item' ? r.item : r.problem.message)), [{ a: 1 }, 'the line is longer than 20 bytes', { b: 2 }]);
});
