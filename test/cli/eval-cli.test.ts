/**
 * `mlslo golden upload`, `mlslo eval run`, `mlslo eval list` and `mlslo replay` end to end: the real
 * command against a real server, whose golden set points at a local model server. 40 examples; v1 is
 * wrong on 2 of them, v2 on 12 more (b = 0, c = 12: a regression), so `eval run` exits 0 then 1.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { finishRun, renderRun } from '../../src/cli/commands/eval.ts';
import type { EvalRun } from '../../src/server/schemas/evals.ts';
import { runCli } from '../helpers/cli.ts';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const N = 40;
const WRONG_V1 = new Set([3, 23]);
const WRONG_V2 = new Set([...WRONG_V1, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

let s: TestServer;
let model: ModelServer;
let admin: string;
let version = 'v1';

before(async () => {
  model = await startModelServer((r) => {
    const i = r.body.i as number;
    const wrong = (version === 'v1' ? WRONG_V1 : WRONG_V2).has(i);
    return { body: { label: (i % 2 === 0) !== wrong ? 'even' : 'odd', model: version } };
  });
  s = await startTestServer(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: parity, owner: math-ml, oncall: sre, tier: 2}
spec:
  task: classification
  evals:
    goldenSets:
      - name: smoke
        endpoint: {url: "${model.url}/predict", request: {i: "{{input.i}}"}, prediction: $.label, model: $.model}
    endpoints:
      shadow: {url: "${model.url}/predict", prediction: $.label}
`, NOW);
  admin = await s.key('admin');
});
after(async () => {
  await s.stop();
  await model.close();
});

const cli = (...args: string[]) => runCli([...args, '--url', s.url, '--key', admin]);

test('golden upload stores the set and lists the rejected lines', async () => {
  const file = join(s.dir, 'smoke.jsonl');
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ id: `n${i}`, input: { i }, expected: i % 2 === 0 ? 'even' : 'odd', segment: i < 20 ? 'small' : 'large' }));
  writeFileSync(file, `${lines.join('\n')}\n{"input": {"i": 99}}\n`);
  const r = await cli('golden', 'upload', 'parity', 'smoke', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^golden set smoke stored for parity \(version \S+\): 40 examples \(segments: large 20, small 20\)\n\nrejected 1 line:\n {2}line 41: /);
  const list = await cli('golden', 'list', 'parity');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /smoke .* 40 .* @daily/);
});

test('eval run prints the summary table; exit 0 without a regression, 1 with one', async () => {
  const first = await cli('eval', 'run', 'parity', '--set', 'smoke');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^parity golden set smoke — run \S+ \(done, trigger cli\), model v1\n40 examples, started 2026-11-28T12:00:00.000Z/);
  assert.match(first.stdout, /pass rate 95\.0% \[\d+\.\d%, \d+\.\d%\]: 38 of 40 scored/);
  assert.match(first.stdout, /│ small +│ 20 +│ 95\.0%/);
  assert.match(first.stdout, /│ v1 +│ 40 +│ 95\.0%/);
  assert.match(first.stdout, /no earlier run to compare with/);
  assert.ok(!first.stdout.includes('REGRESSION'));
  assert.ok(!first.stdout.includes('evaluating'), 'no progress bar when stdout is a pipe');

  version = 'v2';
  const second = await cli('eval', 'run', 'parity', '--set', 'smoke');
  assert.equal(second.code, 1, second.stderr);
  assert.match(second.stdout, /pass rate 65\.0% .*: 26 of 40 scored/);
  assert.match(second.stdout, /│ previous run +│ v1 +│ 40 +│ 65\.0% +│ 95\.0% +│ −30\.0 pts +│ 0\/12 +│ 4\.9e-4 +│ — +│ ▼ REGRESSION │/);
  assert.match(second.stdout, /│ model version +│ v1 +│ 40 +│ 65\.0% +│ 95\.0% +│ −30\.0 pts +│ 0\/12 .*▼ REGRESSION │/);
  assert.match(second.stdout, /\nREGRESSION: −30\.0 pts vs previous run \(v1\), p = 4\.9e-4; /);

  // v2 again: no change against the previous run, still a regression against v1.
  const json = await cli('eval', 'run', 'parity', '--set', 'smoke', '--json');
  assert.equal(json.code, 1);
  const run = JSON.parse(json.stdout);
  assert.equal(run.status, 'done');
  assert.deepEqual(run.summary.comparisons.filter((c: any) => c.segment === undefined).map((c: any) => [c.against, c.model, c.regression]), [
    ['previous_run', 'v2', false], ['model_version', 'v1', true],
  ]);
});

test('eval list shows the runs newest first', async () => {
  const r = await cli('eval', 'list', 'parity');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => l.includes('│ golden'));
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /done .* v2 .* 40\/40 .* 65\.0%.* yes/);
  assert.match(rows[2]!, /done .* v1 .* 40\/40 .* 95\.0%.* no/);
});

test('errors: an unknown set, and a replay with nothing to replay, exit 1 with the message', async () => {
  const r = await cli('eval', 'run', 'parity', '--set', 'nightly');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /404 MLSLO_ERR_GOLDEN_SET_NOT_FOUND .*declares no golden set `nightly`/);
  const replay = await cli('replay', 'parity', '--endpoint', 'shadow', '--size', '10');
  assert.equal(replay.code, 1);
  assert.match(replay.stderr, /MLSLO_ERR_REPLAY_INVALID/);
  assert.equal((await cli('replay', 'parity', '--endpoint', 'shadow', '--size', '0')).code, 2, 'usage error');
});

test('a failed run is printed with its error and exits 2', () => {
  const run: EvalRun = {
    id: 'r1', service: 'parity', kind: 'golden', name: 'smoke', goldenSetId: 'g1', status: 'failed', trigger: 'cli',
    startedAt: '2026-11-28T12:00:00.000Z', finishedAt: '2026-11-28T12:01:00.000Z', model: '', total: 40, done: 12,
    error: 'interrupted: the server shut down', summary: null,
  };
  assert.equal(renderRun(run), [
    'parity golden set smoke — run r1 (failed, trigger cli), model (not reported)',
    '40 examples, started 2026-11-28T12:00:00.000Z, finished 2026-11-28T12:01:00.000Z',
    'FAILED: interrupted: the server shut down (12 of 40 done)',
    '',
  ].join('\n'));
  const write = process.stdout.write.bind(process.stdout);
  const saved = process.exitCode;
  process.stdout.write = () => true;
  try {
    finishRun(run, false);
    assert.equal(process.exitCode, 2);
  } finally {
    process.stdout.write = write;
    process.exitCode = saved;
  }
});
