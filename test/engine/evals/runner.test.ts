/**
 * The eval runner and scheduler on the memory store (engine/evals/runner.ts, scheduler.ts): results
 * appended in batches so `done` shows progress, a generative set scored through its judge, a run that
 * crashes midway ends `failed`, a shutdown fails the runs in flight, runs a crash left `running` are
 * failed on start, and the cron schedule starts one run per scheduled time.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceSpec } from '../../../src/core/spec.ts';
import { EvalRunner, INTERRUPTED_BY_RESTART, INTERRUPTED_BY_SHUTDOWN } from '../../../src/engine/evals/runner.ts';
import { EvalScheduler, nextScheduled, stateKey } from '../../../src/engine/evals/scheduler.ts';
import { parseSpec } from '../../../src/spec/load-spec.ts';
import { createMemoryStore } from '../../../src/store/memory/memory-store.ts';
import type { EvalRunRecord, Store } from '../../../src/store/port.ts';
import { startModelServer, type ModelServer } from '../../helpers/model-server.ts';

const NOW = Date.parse('2026-11-28T02:00:00Z');
let m: ModelServer;
let delayMs = 0;

before(async () => {
  m = await startModelServer((r) => {
    if (r.path === '/judge') {
      const out = String(r.body.output);
      if (out.includes('#3')) return { status: 400, body: { error: 'cannot judge' } };
      if (out.includes('#4')) return { body: { scores: { factuality: 'high' } } };
      return { body: { scores: { factuality: out.includes('#1') ? 0.2 : 0.9 } } };
    }
    if (r.path === '/gen') return { body: { text: `answer #${String(r.body.id)}` } };
    return { delayMs, body: { label: 'yes', model: 'm1' } };
  });
});
after(() => m.close());

function specs(): Map<string, ServiceSpec> {
  const yaml = (name: string, task: string, evals: string, extra = ''): ServiceSpec => {
    const r = parseSpec(`
apiVersion: mlslo/v1
kind: Service
metadata: {name: ${name}, owner: o, oncall: sre, tier: 2}
spec:
  task: ${task}
${extra}
  evals:
${evals}
`, `${name}.yaml`);
    assert.ok(r.ok, JSON.stringify(r));
    return r.spec;
  };
  return new Map([
    ['cls', yaml('cls', 'classification', `    goldenSets:
      - {name: smoke, schedule: "0 3 * * *", endpoint: {url: "${m.url}/cls", request: {id: "{{id}}"}, prediction: $.label, model: $.model, concurrency: 1}}
      - {name: other, endpoint: {url: "${m.url}/cls", prediction: $.label}}`)],
    ['gen', yaml('gen', 'generative', `    goldenSets:
      - name: answers
        endpoint: {url: "${m.url}/gen", request: {id: "{{id}}"}, prediction: $.text}
        judge: {url: "${m.url}/judge", prediction: $.scores, retries: 0}`, '  quality: {criteria: "factuality >= 0.8"}')],
  ]);
}

function runner(store: Store, over: Partial<ConstructorParameters<typeof EvalRunner>[0]> = {}): EvalRunner {
  const map = specs();
  return new EvalRunner({ store, specs: () => map, now: () => NOW, log: () => undefined, allowPrivateTargets: true, random: () => 0, ...over });
}

async function upload(store: Store, service: string, name: string, n: number): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => ({ id: String(i), input: { i }, expected: 'yes', segment: '' }));
  await store.saveGoldenSet({ service, name, createdAt: NOW, examples: n, segments: { '': n } }, items);
}

async function until(store: Store, id: string, seen: number[] = []): Promise<EvalRunRecord> {
  for (let i = 0; i < 500; i++) {
    const r = (await store.getEvalRun(id))!;
    seen.push(r.done);
    if (r.status !== 'running') return r;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  assert.fail('run did not finish');
}

test('results are appended in batches while the run goes, so `done` grows', async () => {
  const store = createMemoryStore();
  await upload(store, 'cls', 'smoke', 30);
  delayMs = 15;
  try {
    const r = runner(store, { batch: { every: 5, everyMs: 10_000 } });
    const run = await r.startGolden('cls', 'smoke', 'api');
    assert.deepEqual([run.status, run.total, run.done, run.trigger], ['running', 30, 0, 'api']);
    const seen: number[] = [];
    const end = await until(store, run.id, seen);
    assert.equal(end.status, 'done');
    assert.equal(end.done, 30);
    assert.equal(end.model, 'm1');
    const progress = [...new Set(seen)].filter((d) => d > 0 && d < 30);
    assert.ok(progress.length >= 2, `saw done = ${[...new Set(seen)].join(', ')}`);
    assert.ok(progress.every((d) => d % 5 === 0), 'in batches of 5');
    const summary = JSON.parse(end.summary);
    assert.deepEqual([summary.passRate.n, summary.passRate.good], [30, 30]);
  } finally {
    delayMs = 0;
  }
});

test('a generative set is scored by its judge; judge failures are errors, not verdicts', async () => {
  const store = createMemoryStore();
  await upload(store, 'gen', 'answers', 5);
  const r = runner(store);
  const end = await until(store, (await r.startGolden('gen', 'answers', 'api')).id);
  assert.equal(end.status, 'done', end.error);
  const results = await store.readEvalResults(end.id, { offset: 0, limit: 10 });
  assert.deepEqual(results.map((x) => [x.exampleId, x.verdict, x.score, x.error]), [
    ['0', true, 0.9, null],
    ['1', false, 0.2, null],
    ['2', true, 0.9, null],
    ['3', null, null, 'judge: HTTP 400: {"error":"cannot judge"}'],
    ['4', null, null, 'judge: the value at $.scores is not an object of numeric scores'],
  ]);
  assert.equal(results[0]!.prediction, '"answer #0"');
  // The judge saw the model's output.
  assert.ok(m.requests.some((q) => q.path === '/judge' && q.body.output === 'answer #2'));
});

test('a run that crashes midway is finished as failed with the error', async () => {
  const inner = createMemoryStore();
  await upload(inner, 'cls', 'smoke', 20);
  const store = new Proxy(inner, {
    get(t, p, recv) {
      if (p === 'appendEvalResults') return () => Promise.reject(new Error('disk on fire'));
      const v = Reflect.get(t, p, recv) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  const r = runner(store, { batch: { every: 5, everyMs: 10_000 } });
  const end = await until(store, (await r.startGolden('cls', 'smoke', 'api')).id);
  assert.deepEqual([end.status, end.error, end.summary], ['failed', 'disk on fire', '']);
  // The set is free again: a new run starts.
  const next = await r.startGolden('cls', 'smoke', 'api');
  assert.notEqual(next.id, end.id);
  await r.idle();
});

test('stop() fails the runs in flight; recover() fails runs a crash left running', async () => {
  const store = createMemoryStore();
  await upload(store, 'cls', 'smoke', 50);
  delayMs = 200;
  try {
    const r = runner(store);
    const run = await r.startGolden('cls', 'smoke', 'api');
    await r.stop();
    const end = (await store.getEvalRun(run.id))!;
    assert.deepEqual([end.status, end.error], ['failed', INTERRUPTED_BY_SHUTDOWN]);
    await assert.rejects(r.startGolden('cls', 'smoke', 'api'), /shutting down/);
  } finally {
    delayMs = 0;
  }
  const stale = await store.createEvalRun({ service: 'cls', kind: 'golden', name: 'other', goldenSetId: undefined, trigger: 'api', startedAt: NOW, model: '', total: 3 });
  assert.equal(await runner(store).recover(), 1);
  const rec = (await store.getEvalRun(stale))!;
  assert.deepEqual([rec.status, rec.error, rec.finishedAt], ['failed', INTERRUPTED_BY_RESTART, NOW]);
  assert.equal(await runner(store).recover(), 0);
});

test('nextScheduled reads cron in UTC, strictly after the given time', () => {
  assert.equal(nextScheduled('0 3 * * *', NOW), Date.parse('2026-11-28T03:00:00Z'));
  assert.equal(nextScheduled('0 3 * * *', Date.parse('2026-11-28T03:00:00Z')), Date.parse('2026-11-29T03:00:00Z'));
  assert.equal(nextScheduled('@daily', NOW), Date.parse('2026-11-29T00:00:00Z'));
  assert.equal(nextScheduled('@hourly', NOW + 1), Date.parse('2026-11-28T03:00:00Z'));
});

test('the scheduler starts one run per scheduled time that passed, and skips sets never uploaded', async () => {
  const store = createMemoryStore();
  const started: string[] = [];
  const map = specs();
  const sched = new EvalScheduler({
    store, specs: () => map, now: () => NOW, log: () => undefined,
    runner: { startGolden: (service, set, trigger) => (started.push(`${service}/${set}/${trigger}`), Promise.resolve({} as EvalRunRecord)) },
  });
  const H = 3_600_000;
  assert.deepEqual(await sched.tick(NOW), [], 'the first sight only starts the clock');
  assert.equal(await store.getState(stateKey('cls', 'smoke')), String(NOW));
  assert.deepEqual(await sched.tick(NOW + H - 60_000), []);
  assert.deepEqual(await sched.tick(NOW + H), [], 'smoke is due but has no examples: skipped');
  await upload(store, 'cls', 'smoke', 3);
  assert.deepEqual(await sched.tick(NOW + H + 60_000), [], 'the skipped time is used up');
  assert.deepEqual(await sched.tick(NOW + 25 * H), ['cls/smoke']);
  assert.deepEqual(await sched.tick(NOW + 25 * H + 60_000), []);
  // Down for three days: one run, not three.
  assert.deepEqual(await sched.tick(NOW + 97 * H), ['cls/smoke']);
  assert.deepEqual(started, ['cls/smoke/schedule', 'cls/smoke/schedule']);
});
