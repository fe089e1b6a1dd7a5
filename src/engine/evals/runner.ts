/**
 * Eval runs (DESIGN §2.7, docs/evals.md): golden-set runs (golden-run.ts) and production replays
 * (replay.ts) executed in the background of the server. A run that cannot start — no golden set
 * uploaded, an environment variable missing, a refused URL — throws an MlsloError before anything is
 * stored; once started, results are appended in batches (pool.ts), and the run ends `done` with its
 * summary and comparisons, or `failed` with the error if anything crashes midway.
 *
 * At most one run per (service, golden set) — and per (service, replay endpoint) — runs at a time:
 * starting another returns the running one (the API answers 202 with its id). Runs left `running` by a
 * crash are marked failed on start (`recover`); a shutdown aborts the runs in flight and fails them.
 */
import { performance } from 'node:perf_hooks';
import { summarizeResults } from '../../core/evals/summary.ts';
import { MlsloError } from '../../core/errors.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import type { EvalResultRecord, EvalRunRecord, Store } from '../../store/port.ts';
import { planGoldenRun, type PlanContext, type RunPlan } from './golden-run.ts';
import { ResultSink, runPool } from './pool.ts';
import { planReplay, type ReplayQuery } from './replay.ts';
import { mostFrequentModel } from './results.ts';

export interface EvalRunnerOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** As for notification targets (serve config `allowPrivateTargets`): endpoints on private addresses. */
  readonly allowPrivateTargets: boolean;
  /** Where `${NAME}` in endpoint headers is looked up; default process.env, read at run start. */
  readonly env?: NodeJS.ProcessEnv;
  /** Jitter of retries. */
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  /** Results are appended every `every` results or `everyMs`, whichever comes first. */
  readonly batch?: { readonly every: number; readonly everyMs: number };
}

export const INTERRUPTED_BY_RESTART = 'interrupted by a restart';
export const INTERRUPTED_BY_SHUTDOWN = 'interrupted: the server shut down';

export class EvalRunner {
  /** Per (service, kind, name): the id of the run starting or running. */
  private readonly active = new Map<string, Promise<string>>();
  private readonly running = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly opts: EvalRunnerOptions) {}

  /** Marks the runs a previous process left `running` as failed; returns how many. */
  async recover(): Promise<number> {
    let n = 0;
    for (const service of this.opts.specs().keys()) {
      const stale = (await this.opts.store.listEvalRuns({ service, status: 'running', limit: 1000 })).filter((r) => !this.running.has(r.id));
      for (const r of stale) {
        await this.opts.store.finishEvalRun(r.id, { status: 'failed', finishedAt: this.opts.now(), summary: '', model: r.model, error: INTERRUPTED_BY_RESTART });
        n++;
      }
    }
    return n;
  }

  /** Starts a run of the newest version of golden set `set` (or returns the one running). */
  startGolden(service: string, set: string, trigger: string): Promise<EvalRunRecord> {
    return this.begin(`${service}\u0000golden\u0000${set}`, (ctx) => planGoldenRun(ctx, this.specOf(service), set, trigger));
  }

  /** Starts a production replay against the spec's endpoint `endpoint` (or returns the one running). */
  startReplay(service: string, endpoint: string, q: ReplayQuery): Promise<EvalRunRecord> {
    return this.begin(`${service}\u0000replay\u0000${endpoint}`, (ctx) => planReplay(ctx, this.specOf(service), endpoint, q));
  }

  /** Resolves once no run is in flight (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0 || this.active.size > 0) {
      await Promise.allSettled([...this.tasks, ...this.active.values()]);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Aborts the runs in flight (they end `failed`) and waits for them to be recorded. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private specOf(service: string): ServiceSpec {
    const spec = this.opts.specs().get(service);
    if (spec === undefined) throw new MlsloError('MLSLO_ERR_SERVICE_NOT_FOUND', `\`${service}\``);
    return spec;
  }

  private async begin(key: string, plan: (ctx: PlanContext) => Promise<RunPlan>): Promise<EvalRunRecord> {
    const existing = this.active.get(key);
    if (existing !== undefined) return this.record(await existing);
    if (this.abort.signal.aborted) throw new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', 'the server is shutting down');
    const ctx: PlanContext = { store: this.opts.store, now: this.opts.now(), env: this.opts.env ?? process.env, allowPrivateTargets: this.opts.allowPrivateTargets };
    const id = (async () => {
      const p = await plan(ctx);
      const runId = await this.opts.store.createEvalRun(p.run);
      this.running.add(runId);
      const task = this.execute(runId, p).finally(() => {
        this.running.delete(runId);
        this.active.delete(key);
        this.tasks.delete(task);
      });
      this.tasks.add(task);
      return runId;
    })();
    this.active.set(key, id);
    id.catch(() => {
      if (this.active.get(key) === id) this.active.delete(key);
    });
    return this.record(await id);
  }

  private async record(id: string): Promise<EvalRunRecord> {
    const r = await this.opts.store.getEvalRun(id);
    if (r === undefined) throw new MlsloError('MLSLO_ERR_INTERNAL', `eval run ${id} vanished`);
    return r;
  }

  private async execute(runId: string, plan: RunPlan): Promise<void> {
    const { store, now, log } = this.opts;
    const batch = this.opts.batch ?? { every: 50, everyMs: 500 };
    const sink = new ResultSink(store, runId, batch.every, batch.everyMs);
    const results: EvalResultRecord[] = [];
    const callOpts = { random: this.opts.random ?? Math.random, signal: this.abort.signal, ...(this.opts.fetch === undefined ? {} : { fetch: this.opts.fetch }) };
    const t0 = performance.now();
    try {
      await runPool(plan.run.total, plan.concurrency, async (i) => {
        const r = await plan.evaluate(runId, i, callOpts);
        results[i] = r;
        sink.push(r);
      });
      await sink.close();
      const durationMs = Math.round(performance.now() - t0);
      const model = mostFrequentModel(results);
      const summary = { ...summarizeResults(results, durationMs), comparisons: await plan.compare(runId, model, results) };
      await store.finishEvalRun(runId, { status: 'done', finishedAt: now(), summary: JSON.stringify(summary), model, error: undefined });
    } catch (e) {
      await sink.abandon();
      const error = this.abort.signal.aborted ? INTERRUPTED_BY_SHUTDOWN : (e as Error).message;
      log(`eval run ${runId} (${plan.run.service} ${plan.run.kind} ${plan.run.name}) failed: ${error}`);
      try {
        await store.finishEvalRun(runId, { status: 'failed', finishedAt: now(), summary: '', model: mostFrequentModel(results.filter((r) => r !== undefined)), error });
      } catch (e2) {
        log(`eval run ${runId}: cannot record its failure: ${(e2 as Error).message}`);
      }
    }
  }
}
