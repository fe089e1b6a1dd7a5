/** `mlslo baseline upload` end to end: the real command streams a file to a real server on loopback. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openStore } from '../../src/store/open-store.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
let s: TestServer;
let ingest: string;

before(async () => {
  s = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: fraud-scorer, owner: risk-ml, oncall: sre, tier: 2}
spec:
  task: classification
  window: 7d
  objectives: {quality: 0.9}
  drift:
    features: {segment: numeric}
`, NOW);
  ingest = await s.key('ingest', 'fraud-scorer');
});
after(() => s.stop());

test('uploads a CSV file, prints the feature types and the rejected line; no progress bar off a terminal', async () => {
  const file = join(s.dir, 'train.csv');
  const rows = Array.from({ length: 2000 }, (_, i) => `${(i * 0.37).toFixed(2)},${i % 4},${['a', 'b'][i % 2]}`);
  rows.splice(5, 0, '1.0,not-a-number,a'); // line 7 (header is line 1)
  writeFileSync(file, `amount,segment,flag\n${rows.join('\n')}\n`);
  const r = await runCli(['baseline', 'upload', 'fraud-scorer', file, '--model', 'v7', '--url', s.url, '--key', ingest]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    'baseline stored for fraud-scorer (model v7): 2000 rows, 3 features',
    '',
    '  feature  type',
    '  amount   numeric (inferred)',
    '  flag     categorical (inferred)',
    '  segment  numeric (from the spec)',
    '',
    'rejected 1 line:',
    '  line 7: column 2 (segment): the spec declares this feature numeric; got "not-a-number"',
    '',
  ].join('\n'));
  assert.ok(!r.stdout.includes('uploading'), 'no progress bar when stdout is a pipe');
  const store = await openStore(`${s.dir}/data`);
  try {
    const b = await store.getBaseline('fraud-scorer', 'v7');
    assert.equal(b?.rows, 2000);
    assert.deepEqual(b?.values.segment?.slice(0, 6), [0, 1, 2, 3, 0, 1]);
    assert.equal(b?.values.amount?.[1999], 739.63);
  } finally {
    await store.close();
  }
});

test('uploads a gzipped JSONL file; a read-only key and a missing file fail with exit 1', async () => {
  const file = join(s.dir, 'train.jsonl.gz');
  writeFileSync(file, gzipSync(Array.from({ length: 6 }, (_, i) => JSON.stringify({ score: i / 10, segment: i })).join('\n')));
  const ok = await runCli(['baseline', 'upload', 'fraud-scorer', file, '--url', s.url, '--key', ingest]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^baseline stored for fraud-scorer: 6 rows, 2 features\n/);
  assert.match(ok.stdout, /score {4}numeric \(inferred\)/);
  const read = await s.key('read');
  const denied = await runCli(['baseline', 'upload', 'fraud-scorer', file, '--url', s.url, '--key', read]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /403 MLSLO_ERR_FORBIDDEN/);
  const missing = await runCli(['baseline', 'upload', 'fraud-scorer', join(s.dir, 'nope.csv'), '--url', s.url, '--key', ingest]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read/);
});
