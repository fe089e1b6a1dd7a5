/**
 * `mlslo keys create` and `mlslo report` end to end: real commands against a real server on loopback.
 * The table and JSON are compared with golden files (set MLSLO_UPDATE_GOLDEN=1 to rewrite them, then
 * read the diff); the numbers in them are checked by hand in test/server/ingest-http.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from '../helpers/cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SPEC = readFileSync(join(REPO, 'testdata/in-report.yaml'), 'utf8');
const NOW = Date.parse('2026-11-28T10:00:00Z');

function events(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const ts = new Date(NOW - (i + 1) * 90_000).toISOString();
    const region = ['eu', 'us', 'apac'][i % 3]!;
    const tokens = i % 4 === 0 ? 2000 : 200;
    if (i % 50 === 7) {
      out.push({ kind: 'inference', id: `r${i}`, service: 'fraud-scorer', model: i < 100 ? 'v8' : 'v7', ts, status: 'error', errorType: i % 100 === 7 ? 'gpu_oom' : 'timeout' });
      continue;
    }
    const latencyMs = tokens > 512 ? 600 + (i % 10) * 150 : 40 + (i % 20) * 15;
    const label = i % 5 === 0 ? 'fraud' : 'legit';
    out.push({ kind: 'inference', id: `r${i}`, service: 'fraud-scorer', model: i < 100 ? 'v8' : 'v7', ts, latencyMs, status: 'ok',
      input: { tokens }, cohort: { region }, prediction: { label, score: 0.8 } });
    if (i % 2 === 0) {
      const truth = i % 7 === 0 ? (label === 'fraud' ? 'legit' : 'fraud') : label;
      out.push({ kind: 'outcome', requestId: `r${i}`, service: 'fraud-scorer', ts: new Date(NOW - i * 60_000).toISOString(), source: 'ground_truth', label: truth, samplingProb: 0.5 });
    }
  }
  return out;
}

let s: TestServer;
let readKey = '';

before(async () => {
  s = await startTestServer(SPEC, NOW);
  const ingest = await s.key('ingest');
  const r = await s.post(JSON.stringify(events()), ingest);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.rejected, []);
});
after(async () => s.stop());

test('keys create prints a key once, and the running server honours it at once', async () => {
  const r = await runCli(['keys', 'create', '--role', 'read', '--data', join(s.dir, 'data')]);
  assert.equal(r.code, 0, r.stderr);
  readKey = r.stdout.trim();
  assert.match(readKey, /^mlslo_[\w-]+_[\w-]{43}$/);
  assert.match(r.stderr, /shown only this once/);
  assert.equal((await s.get('/v1/services', readKey)).status, 200);
  assert.equal((await runCli(['keys', 'create', '--role', 'root', '--data', join(s.dir, 'data')])).code, 2);
});

function golden(name: string, actual: string): void {
  const path = join(REPO, 'testdata/golden', name);
  if (process.env.MLSLO_UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

test('report prints the readable table (flags)', async () => {
  const r = await runCli(['report', 'fraud-scorer', '--url', s.url, '--key', readKey]);
  assert.equal(r.code, 0, r.stderr);
  golden('report-fraud-scorer.txt', r.stdout);
});

test('report --json prints the API document (MLSLO_URL / MLSLO_KEY)', async () => {
  const r = await runCli(['report', 'fraud-scorer', '--json', '--window', '1d'], { MLSLO_URL: s.url, MLSLO_KEY: readKey });
  assert.equal(r.code, 0, r.stderr);
  const api = await s.get('/v1/services/fraud-scorer/report?window=1d', readKey);
  assert.deepEqual(JSON.parse(r.stdout), api.json);
  golden('report-fraud-scorer-1d.json', r.stdout);
});

test('report of an unknown service and against a dead server fail with exit 1 and a clear message', async () => {
  const r = await runCli(['report', 'nope', '--url', s.url, '--key', readKey]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /404 MLSLO_ERR_SERVICE_NOT_FOUND/);
  const d = await runCli(['report', 'fraud-scorer', '--url', 'http://127.0.0.1:9', '--key', readKey]);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /cannot be reached/);
});
