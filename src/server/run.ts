/**
 * Assembles one mlslo process: store, specs, burn policies, ingest writer, HTTP server, alert evaluator,
 * notification dispatcher and, with `--demo`, the demo traffic. Returns a handle whose `close()` stops
 * everything in order (demo, evaluator, dispatcher, HTTP, store) so Ctrl-C never cuts a commit in half.
 *
 * The role (roles.ts, docs/deployment.md) decides what runs: the engine loops (and the store's
 * housekeeping, store-maintenance.ts) only in `all` and `evaluator`; the routes a role does not serve answer 404. Processes that do not evaluate read alerts
 * and drift status from the store, since another process changes them.
 */
import { fileURLToPath } from 'node:url';
import type { BurnPolicy } from '../core/burn-policy.ts';
import { parseDuration } from '../core/duration.ts';
import { MlsloError } from '../core/errors.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { formatWindow } from '../core/slo-report.ts';
import { CohortRegistry } from '../ingest/cohort-registry.ts';
import { DriftFolder } from '../ingest/drift-folder.ts';
import { Ingestor } from '../ingest/ingest.ts';
import { DriftReader } from '../engine/drift.ts';
import type { Alert } from '../core/alerting/alert.ts';
import { Evaluator, storedAlerts } from '../engine/evaluator.ts';
import { EvalRunner } from '../engine/evals/runner.ts';
import { EvalScheduler } from '../engine/evals/scheduler.ts';
import { LabelQueue } from '../engine/labeling/queue.ts';
import { SamplerJob } from '../engine/labeling/sampler-job.ts';
import { Dispatcher, type DispatchReport } from '../engine/notify/dispatcher.ts';
import { qualityDocument } from '../engine/quality.ts';
import { serviceReport, sloWindowMs } from '../engine/report.ts';
import { loadBurnPolicies, policyForSpec } from '../spec/burn-policy-file.ts';
import { formatProblem, loadSpecFiles } from '../spec/load-spec.ts';
import type { TimingOptions } from '../store/clickhouse/timing.ts';
import { openConfiguredStore } from '../store/open-store.ts';
import { parseTtl, storeConfigOf, type ServeConfig } from '../cli/config.ts';
import { buildServer } from './app.ts';
import { Authenticator } from './auth.ts';
import { generateKey } from './api-keys.ts';
import { ServerMetrics } from './metrics/server-metrics.ts';
import { runsEngine } from './roles.ts';
import { StoreMaintenance } from './store-maintenance.ts';
import type { DemoModels, DemoTuning } from '../demo/start-demo.ts';

export const DEMO_SPECS = fileURLToPath(new URL('../../demo/', import.meta.url));

export interface RunningServer {
  readonly url: string;
  /** Evaluates every service's alerts at `at` now (the loop does so every evalInterval). Roles without the engine refuse. */
  evaluate(at: number): Promise<Alert[]>;
  /** Runs one notification dispatch pass now (the loop does so every notifyInterval). Roles without the engine refuse. */
  dispatch(): Promise<DispatchReport>;
  /** Printed once at start-up in demo mode. */
  readonly adminKey: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** Jitter source of notification retries (tests make backoff deterministic). */
  readonly random?: () => number;
  /** ClickHouse timing (tests shorten the compaction lag so compaction runs within a test). */
  readonly clickhouseTiming?: TimingOptions;
  /** With `cfg.demo`: smaller models and traffic for tests, and where the live traffic has got to. */
  readonly demo?: {
    readonly tuning?: Partial<DemoTuning>;
    readonly models?: DemoModels;
    readonly onProgress?: (sentUpToMs: number) => void;
  };
}

function windowLabel(spec: ServiceSpec, asked: number | undefined, ms: number): string {
  return asked === undefined && spec.window.kind === 'calendar' ? 'month' : formatWindow(ms);
}

export async function startServer(cfg: ServeConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const specPaths = [...cfg.specs, ...(cfg.demo ? [DEMO_SPECS] : [])];
  const { specs, problems } = await loadSpecFiles(specPaths);
  if (problems.length > 0) {
    throw new MlsloError('MLSLO_ERR_SPEC_INVALID', `\n${problems.map(formatProblem).join('\n')}`);
  }
  const specMap = new Map(specs.map((s) => [s.name, s] as const));
  const policies = await loadBurnPolicies();
  const policyOf = (spec: ServiceSpec): BurnPolicy => policyForSpec(policies, spec);

  // Only the single-node server migrates by itself; a scale-out deployment runs `mlslo migrate` once,
  // before its replicas start, so a schema change is one visible step and never a race between replicas.
  const store = await openConfiguredStore(storeConfigOf(cfg), {
    migrate: cfg.role === 'all', ...(opts.clickhouseTiming === undefined ? {} : { clickhouseTiming: opts.clickhouseTiming }),
  });
  const engine = runsEngine(cfg.role);
  // The demo runs on a compressed clock that resumes where a previous run on this data left off
  // (src/demo/clock.ts); a test's clock (`opts.now`) replaces it.
  const demoTime = cfg.demo ? await import('../demo/clock.ts') : undefined;
  const resume = await demoTime?.resumeDemo(store, [...specMap.keys()], Date.now());
  const clock = resume === undefined || opts.now !== undefined ? undefined : demoTime?.compressedClock(resume.anchorMs, cfg.demoSpeed);
  const now = opts.now ?? clock?.now ?? Date.now;
  const cohorts = new CohortRegistry(store);
  const metrics = new ServerMetrics({ services: specMap.keys(), gaugeTtlMs: parseTtl(cfg.metricsTtl)!, log });
  const ingestor = new Ingestor({
    store, specs: () => specMap, now, maxEventAgeMs: parseDuration(cfg.maxEventAge)!, maxQueue: cfg.maxQueue, cohorts, ...metrics.ingestHooks,
  });
  // One process folds drift histograms (the folder is a single writer): the one that runs the engine.
  // Baselines may then arrive through another process (an api replica), so it looks them up itself.
  const driftFolder = engine
    ? new DriftFolder({ store, specs: () => specMap, cohorts, now, rebuildDays: cfg.driftRebuildDays, pollBaselines: cfg.role !== 'all' || cfg.store !== 'sqlite' })
    : undefined;
  const drift = new DriftReader(store, driftFolder);
  const auth = new Authenticator(store);
  const evaluator = new Evaluator({
    store, specs: () => specMap, policyOf, now, log, drift, shared: cfg.role === 'evaluator',
    // evalInterval is server time: the demo's compressed clock evaluates as often per server hour as a real server.
    intervalMs: Math.max(1000, parseDuration(cfg.evalInterval)! / (cfg.demo ? cfg.demoSpeed : 1)),
  });
  // Golden-set runs and replays: started by the API (on demand) and the evaluator (schedules). Runs a
  // crash left `running` are failed before new ones can start (docs/deployment.md: across replicas, a
  // restart may fail another replica's run in flight until that run finishes and records its result).
  const evals = new EvalRunner({ store, specs: () => specMap, now, log, allowPrivateTargets: cfg.allowPrivateTargets, ...(opts.random === undefined ? {} : { random: opts.random }) });
  if (cfg.role !== 'ingest') await evals.recover();
  const evalSchedule = new EvalScheduler({ store, specs: () => specMap, runner: evals, now, log });
  // Human labeling (DESIGN §2.8): yesterday's sample once per UTC day, and the labelers' queue.
  const sampler = new SamplerJob({ store, specs: () => specMap, now, log });
  const labeling = { queue: new LabelQueue({ store, specs: () => specMap, now, ingestor }), sampler };
  const app = buildServer({
    store, auth, ingestor, now, drift, evals, labeling, metrics,
    // Where no folder runs here, the evaluator's folder finds the new baseline on its next catch-up.
    baselineStored: (service) => driftFolder?.baselineChanged(service),
    ...(cfg.demo ? { demoSpeed: cfg.demoSpeed } : {}),
    specs: () => specMap,
    limits: { maxBytes: cfg.maxBodyBytes, maxItems: cfg.maxItems },
    alerts: engine ? () => evaluator.current() : () => storedAlerts(store),
    report: (spec, windowMs, at, n) => {
      const w = windowMs ?? sloWindowMs(spec, at);
      return serviceReport(store, { spec, policy: policyOf(spec), windowMs: w, windowLabel: windowLabel(spec, windowMs, w), at, now: n });
    },
    quality: (spec, windowMs, at, n, by, attr) => {
      const w = windowMs ?? sloWindowMs(spec, at);
      return qualityDocument(store, { spec, windowMs: w, windowLabel: windowLabel(spec, windowMs, w), at, now: n, by, ...(attr === undefined ? {} : { attr }) });
    },
  }, { logger: cfg.logLevel === 'silent' ? false : { level: cfg.logLevel }, role: cfg.role });

  await app.listen({ port: cfg.port, host: cfg.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : cfg.port;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  const url = `http://${host}:${port}`;
  const dispatcher = new Dispatcher({
    store, specs: () => specMap, now, log, baseUrl: cfg.publicUrl ?? url,
    allowPrivateTargets: cfg.allowPrivateTargets,
    intervalMs: parseDuration(cfg.notifyInterval)!,
    timeoutMs: parseDuration(cfg.notifyTimeout)!,
    resendMs: parseDuration(cfg.alertmanagerResend)!,
    pagerdutyUrl: cfg.pagerdutyUrl,
    ...(opts.random === undefined ? {} : { random: opts.random }),
  });
  // Compaction on ClickHouse (the store's `maintain`); on SQLite nothing runs. Evaluators are few, and
  // concurrent compactions are safe, so every engine process runs it (docs/clickhouse.md).
  const maintenance = new StoreMaintenance({
    store, intervalMs: parseDuration(cfg.compactInterval)!, log, onPass: (result) => metrics.maintenancePass(result),
  });
  let drifting: Promise<void> = Promise.resolve();
  let driftTimer: NodeJS.Timeout | undefined;
  if (engine) {
    maintenance.start();
    driftTimer = setInterval(() => {
      drifting = driftFolder!.catchUp().catch((e: unknown) => log(`drift histograms: ${(e as Error).message}`));
    }, parseDuration(cfg.driftInterval));
    driftTimer.unref();
    evaluator.start();
    evalSchedule.start();
    sampler.start();
    dispatcher.start();
  }
  const withEngine = <T>(run: () => Promise<T>): Promise<T> => (engine
    ? run()
    : Promise.reject(new Error(`this server runs role ${cfg.role}, which does not evaluate alerts or send notifications`)));

  let adminKey: string | undefined;
  const demoAbort = new AbortController();
  let demo: Promise<void> = Promise.resolve();
  if (cfg.demo) {
    const admin = generateKey('admin', undefined, now());
    await store.createKey(admin.record);
    adminKey = admin.key;
    const ingest = generateKey('ingest', undefined, now());
    await store.createKey(ingest.record);
    const { startDemo } = await import('../demo/start-demo.ts');
    demo = startDemo({
      url, ingestKey: ingest.key, now, log, signal: demoAbort.signal, speed: cfg.demoSpeed,
      ...(resume === undefined ? {} : { lastServedMs: resume.lastServedMs }),
      ...(opts.demo?.onProgress === undefined ? {} : { onProgress: opts.demo.onProgress }),
      ...(clock === undefined ? {} : { startClock: clock.start }),
    }, opts.demo?.tuning, opts.demo?.models).catch((e: unknown) => {
      if (!demoAbort.signal.aborted) log(`demo stopped: ${(e as Error).message}`);
    });
  }

  return {
    url,
    adminKey,
    evaluate: (at) => withEngine(() => evaluator.evaluate(at)),
    dispatch: () => withEngine(() => dispatcher.runOnce()),
    async close() {
      demoAbort.abort();
      await demo;
      await evaluator.stop();
      await evalSchedule.stop();
      await sampler.stop();
      await evals.stop();
      clearInterval(driftTimer);
      await drifting;
      await maintenance.stop();
      await dispatcher.stop();
      await app.close();
      await store.close();
    },
  };
}
