/**
 * The ingest pipeline: validate items, check service, scope and time window, then — in the single
 * writer — look up what is stored, plan (plan.ts) and commit atomically. A batch resolves only after
 * its commit is durable; a queue that is too deep refuses new batches (429) instead of growing memory.
 */
import { MlsloError } from '../core/errors.ts';
import type { ServiceSpec } from '../core/spec.ts';
import { refKey, type IngestLookup, type IngestWrite, type Store } from '../store/port.ts';
import { canonicalJson, contentHash } from './content-hash.ts';
import { isBadLine } from './decode-body.ts';
import { CohortRegistry } from './cohort-registry.ts';
import { planIngest, type PlannedItem, type Rejection } from './plan.ts';
import { validateItem } from './validate-event.ts';

/**
 * What the writer tells its observers (the /metrics counters, src/server/metrics/). Synchronous and
 * optional; they run after the fact and must not throw.
 */
export interface IngestHooks {
  /**
   * Right after a commit is durable: what it wrote, and the writer's time for it (lookup, plan and
   * commit of the whole group) in seconds.
   */
  readonly onCommit?: (write: IngestWrite, seconds: number) => void;
  /** Each batch's answer, including batches with nothing valid to commit. */
  readonly onResult?: (result: IngestResult) => void;
  /** A batch refused because `maxQueue` batches were already waiting. */
  readonly onOverloaded?: () => void;
}

export interface IngestOptions extends IngestHooks {
  readonly store: Store;
  readonly specs: () => ReadonlyMap<string, ServiceSpec>;
  readonly now: () => number;
  /** Oldest accepted inference, as an age in ms (DESIGN §3.1 default 7 days); Infinity accepts any age. */
  readonly maxEventAgeMs: number;
  /**
   * Oldest accepted outcome, as an age in ms. Unset (the server) means the service's `labelGrace`;
   * `mlslo import` sets it, because backfilled labels are old by nature (docs/backfill.md).
   */
  readonly maxOutcomeAgeMs?: number;
  /** Batches waiting for the writer before new ones are refused. */
  readonly maxQueue: number;
  /** The cohort cap's memory, shared with the drift folder so both fold a value the same way. */
  readonly cohorts?: CohortRegistry;
}

export interface IngestResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: Rejection[];
}

/** Which services a key may write: `undefined` means every service. */
export interface WriteScope {
  readonly service: string | undefined;
}

const FUTURE_MS = 10 * 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

interface Pending {
  readonly items: PlannedItem[];
  readonly rejected: Rejection[];
  readonly resolve: (r: IngestResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Most items committed in one transaction when batches are grouped. */
const GROUP_MAX_ITEMS = 50_000;

/**
 * The single writer. Batches that arrive while a commit runs wait, and are then committed together in
 * one transaction (group commit): one fsync and one pass over the rollup rows for all of them, which
 * keeps throughput up under concurrent clients. Each batch still gets its own response, and a failed
 * commit fails every batch in the group — none of them was acknowledged.
 */
export class Ingestor {
  private readonly pending: Pending[] = [];
  private draining = false;
  private nextTicket = 0;
  private readonly cohorts: CohortRegistry;
  /** Outcomes waiting for their inference, per service (loaded once, then kept by this writer). */
  private readonly orphans = new Map<string, number>();

  constructor(private readonly opts: IngestOptions) {
    this.cohorts = opts.cohorts ?? new CohortRegistry(opts.store);
  }

  get queueDepth(): number {
    return this.pending.length;
  }

  /** Validates and stores `items`; resolves once the valid ones are durable. */
  async ingest(items: readonly unknown[], scope: WriteScope): Promise<IngestResult> {
    const result = await this.submit(items, scope);
    this.opts.onResult?.(result);
    return result;
  }

  private submit(items: readonly unknown[], scope: WriteScope): Promise<IngestResult> {
    const ticket = this.nextTicket++;
    const { valid, rejected } = this.validate(items, scope, ticket);
    if (valid.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, rejected });
    if (this.pending.length >= this.opts.maxQueue) {
      this.opts.onOverloaded?.();
      return Promise.reject(new MlsloError('MLSLO_ERR_OVERLOADED', `${this.pending.length} batches are waiting`));
    }
    return new Promise<IngestResult>((resolve, reject) => {
      this.pending.push({ items: valid, rejected, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const group: Pending[] = [];
      let size = 0;
      while (this.pending.length > 0 && (group.length === 0 || size + this.pending[0]!.items.length <= GROUP_MAX_ITEMS)) {
        const p = this.pending.shift()!;
        group.push(p);
        size += p.items.length;
      }
      try {
        const plan = await this.commit(group.length === 1 ? group[0]!.items : group.flatMap((p) => p.items));
        for (const p of group) {
          const b = plan.batches.get(p.items[0]!.ticket);
          const rejected = [...p.rejected, ...(b?.rejected ?? [])].sort((x, y) => x.index - y.index);
          p.resolve({ accepted: b?.accepted ?? 0, duplicates: b?.duplicates ?? 0, rejected });
        }
      } catch (e) {
        for (const p of group) p.reject(e);
      }
    }
    this.draining = false;
  }

  private validate(items: readonly unknown[], scope: WriteScope, ticket: number): { valid: PlannedItem[]; rejected: Rejection[] } {
    const specs = this.opts.specs();
    const now = this.opts.now();
    const valid: PlannedItem[] = [];
    const rejected: Rejection[] = [];
    items.forEach((raw, index) => {
      if (isBadLine(raw)) {
        rejected.push({ index, code: 'invalid_json', path: '', message: `the line is not valid JSON: ${raw.badLine}` });
        return;
      }
      const r = validateItem(raw);
      if (!r.ok) {
        rejected.push({ index, ...r.problem });
        return;
      }
      const e = r.event;
      const spec = specs.get(e.service);
      if (spec === undefined) {
        rejected.push({ index, code: 'unknown_service', path: '/service', message: `no spec declares service \`${e.service}\`` });
        return;
      }
      if (scope.service !== undefined && scope.service !== e.service) {
        rejected.push({ index, code: 'forbidden_service', path: '/service', message: `this key may only write service \`${scope.service}\`` });
        return;
      }
      const oldest = now - (e.kind === 'inference' ? this.opts.maxEventAgeMs : this.opts.maxOutcomeAgeMs ?? spec.quality.labelGraceMs);
      if (e.ts < oldest) {
        rejected.push({ index, code: 'too_old', path: '/ts', message: `${iso(e.ts)} is before ${iso(oldest)}, the oldest ${e.kind} accepted now` });
        return;
      }
      if (e.ts > now + FUTURE_MS) {
        rejected.push({ index, code: 'too_new', path: '/ts', message: `${iso(e.ts)} is more than 10 minutes after the server's time ${iso(now)}` });
        return;
      }
      const json = canonicalJson(e);
      valid.push({ ticket, index, event: e, json, hash: contentHash(json) });
    });
    return { valid, rejected };
  }

  private async commit(items: PlannedItem[]) {
    const started = performance.now();
    const services = new Set(items.map((i) => i.event.service));
    for (const service of services) {
      await this.cohorts.load(service);
      if (!this.orphans.has(service)) this.orphans.set(service, await this.opts.store.countOrphans(service, Number.MAX_SAFE_INTEGER));
    }
    const lookup: { inferences: Array<{ service: string; id: string }>; requests: Array<{ service: string; id: string }>; outcomeKeys: Array<{ service: string; key: string }> } =
      { inferences: [], requests: [], outcomeKeys: [] };
    const requests = new Map<string, { service: string; id: string }>();
    for (const { event: e } of items) {
      if (e.kind === 'inference') {
        // The event itself is its {service, id} reference: no object per event.
        lookup.inferences.push(e);
        // A new request can only have outcomes already if its service holds orphans; most batches skip this probe.
        if (this.orphans.get(e.service)! > 0) requests.set(refKey(e.service, e.id), e);
      } else {
        lookup.outcomeKeys.push(e);
        lookup.inferences.push({ service: e.service, id: e.requestId });
        requests.set(refKey(e.service, e.requestId), { service: e.service, id: e.requestId });
      }
    }
    lookup.requests.push(...requests.values());
    const snapshot = await this.opts.store.lookupForIngest(lookup satisfies IngestLookup);
    const plan = planIngest(items, snapshot, this.opts.specs(), (s, a, v, cap) => this.cohorts.resolve(s, a, v, cap));
    await this.opts.store.commitIngest(plan.write);
    // Keep the orphan counts in step with what was just committed.
    for (const o of plan.write.outcomes) if (!o.joined) this.orphans.set(o.event.service, this.orphans.get(o.event.service)! + 1);
    for (const j of plan.write.joinedOutcomes) this.orphans.set(j.service, this.orphans.get(j.service)! - 1);
    this.opts.onCommit?.(plan.write, (performance.now() - started) / 1000);
    return plan;
  }
}
