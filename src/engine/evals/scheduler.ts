/**
 * Scheduled golden-set runs (DESIGN §2.7: "run on a schedule (cron; default daily)"). Every minute, for
 * each golden set of each spec, the scheduler asks croner for the first scheduled time after the last
 * scheduled run (store state `evals/<service>/<set>`, epoch ms); when that time has passed it starts a
 * run (trigger `schedule`) and records the check time, so several missed times (a server that was down)
 * give one run, not a burst. A set seen for the first time starts counting from then; a set with no
 * uploaded examples is skipped until it has some.
 */
import { Cron } from 'croner';
import { isMlsloError } from '../../core/errors.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import type { Store } from '../../store/port.ts';
import type { EvalRunner } from './runner.ts';

export interface EvalSchedulerOptions {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly runner: Pick<EvalRunner, 'startGolden'>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** How often to check (default 60 s). */
  readonly intervalMs?: number;
}

export const stateKey = (service: string, set: string): string => `evals/${service}/${set}`;

/** The first time `schedule` (cron, UTC) fires strictly after `after`; undefined when it never does. */
export function nextScheduled(schedule: string, after: number): number | undefined {
  const next = new Cron(schedule, { timezone: 'UTC', paused: true }).nextRun(new Date(after));
  return next === null ? undefined : next.getTime();
}

export class EvalScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: EvalSchedulerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking = this.tick(this.opts.now()).catch((e: unknown) => this.opts.log(`eval schedule: ${(e as Error).message}`));
    }, this.opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.ticking;
  }

  /** Starts the runs due at `at`; returns the `service/set` names started. */
  async tick(at: number): Promise<string[]> {
    const started: string[] = [];
    const { store, log } = this.opts;
    for (const spec of this.opts.specs().values()) {
      for (const set of spec.evals.goldenSets) {
        const key = stateKey(spec.name, set.name);
        const last = await store.getState(key);
        if (last === undefined) {
          await store.setState(key, String(at));
          continue;
        }
        const due = nextScheduled(set.schedule, Number(last));
        if (due === undefined || due > at) continue;
        if ((await store.listGoldenSets(spec.name)).some((g) => g.name === set.name)) {
          try {
            await this.opts.runner.startGolden(spec.name, set.name, 'schedule');
            started.push(`${spec.name}/${set.name}`);
          } catch (e) {
            // A configuration problem (e.g. a missing environment variable) waits for the next scheduled time.
            log(`scheduled eval ${spec.name}/${set.name} not started: ${isMlsloError(e) ? e.message : (e as Error).stack ?? String(e)}`);
          }
        }
        await store.setState(key, String(at));
      }
    }
    return started;
  }
}
