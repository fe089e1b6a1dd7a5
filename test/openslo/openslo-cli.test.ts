// `mlslo import openslo` and `mlslo export openslo` end to end: the real command, as users run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpecDocuments } from '../../src/spec/load-spec.ts';
import { runCli } from '../helpers/cli.ts';
import { fixture } from './helpers.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlslo-openslo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('import: specs on stdout, what does not map on stderr, exit 0', async () => {
  const r = await runCli(['import', 'openslo', fixture('recommender.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  const { specs, problems } = parseSpecDocuments(r.stdout, 'stdout');
  assert.deepEqual([problems, specs.map((s) => s.name)], [[], ['recommender']]);
  assert.match(r.stderr, /^test\/fixtures\/openslo\/recommender\.yaml:95:9: SLO\/recommender-click-through: spec\.indicator\.spec\.ratioMetric: cannot tell whether/m);
  assert.match(r.stderr, /^imported recommender \(errors, latency\); review the values marked REVIEW$/m);
});

test('import --out writes a file that `mlslo validate` accepts', async (t) => {
  const out = join(tempDir(t), 'specs.yaml');
  const r = await runCli(['import', 'openslo', fixture('upstream/examples/budgeting-method/occurences-slo.yaml'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const v = await runCli(['validate', out]);
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /^ok {2}web-shop \(tier 2 classification; objectives errors 0\.995, latency 0\.99, quality 0\.9, composite 0\.8865\)$/m);
});

test('import: nothing maps → exit 1 with the reasons; an unreadable file is named', async () => {
  const r = await runCli(['import', 'openslo', fixture('upstream/pkg/openslo/v1/examples/slos.yaml'), 'no/such/file.yaml']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^no\/such\/file\.yaml: cannot read: /m);
  assert.match(r.stderr, /SLO\/web-availability: spec\.budgetingMethod: Timeslices: mlslo counts occurrences/);
  assert.match(r.stderr, /^nothing imported: no OpenSLO objective maps to an mlslo objective$/m);
});

test('export → import: the spec comes back; an unknown service or a bad spec exits 1', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'fraud-scorer.openslo.yaml');
  const e = await runCli(['export', 'openslo', 'fraud-scorer', '--specs', 'examples/', '--out', out]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(readFileSync(out, 'utf8'), /^kind: SLO$/m);
  const i = await runCli(['import', 'openslo', out]);
  assert.equal(i.code, 0, i.stderr);
  const [spec] = parseSpecDocuments(i.stdout, 'stdout').specs;
  assert.deepEqual([spec?.name, spec?.tier, spec?.objectives.errors, spec?.objectives.latency, spec?.objectives.quality], ['fraud-scorer', 0, 0.9995, 0.995, 0.95]);

  const missing = await runCli(['export', 'openslo', 'nope', '--specs', 'examples/']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no such service: `nope` is not defined in examples\//);
  const bad = await runCli(['export', 'openslo', 'x', '--specs', 'testdata/bad-window.bad.yaml']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^testdata\/bad-window\.bad\.yaml:\d+:\d+: /m);
  assert.equal((await runCli(['export', 'openslo', 'fraud-scorer'])).code, 2);
});
