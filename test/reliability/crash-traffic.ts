/**
 * Ingest clients for the crash test. Each client sends batches of events with ids unique to it and keeps
 * a ledger of exactly what happened to each batch: acknowledged (an HTTP 200 arrived), answer lost (the
 * connection died first), or refused (429/503, nothing acknowledged). After a restart it re-sends a seeded
 * share of its lost-answer batches until they are acknowledged and never re-sends the rest, so the final
 * audit can hold each kind to its promise: acknowledged → stored exactly once, never re-sent lost answer
 * → stored at most once.
 */
import { lognormal, mulberry32, pick, type Rng } from '../../src/demo/random.ts';

export const SERVICE = 'crash-scorer';

/** The spec the crash and corrupt-file tests serve: two input classes, an excluded error type, two cohort attributes. */
export const SPEC_YAML = `apiVersion: mlslo/v1
kind: Service
metadata: {name: ${SERVICE}, owner: reliability, oncall: reliability, tier: 1}
spec:
  task: classification
  window: 30d
  objectives: {errors: 0.99, latency: 0.95, quality: 0.85}
  latency:
    classes:
      - {name: short, when: "input.tokens <= 512", thresholdMs: 120}
      - {name: long, thresholdMs: 400}
  errors:
    exclude: [client_error]
  quality: {minSamples: 20, sources: [ground_truth]}
  cohorts: [region, tier]
`;

/** What the spec above says, restated for the independent recount (crash-audit.ts). */
export const SPEC_FACTS = {
  classOf: (tokens: number): 'short' | 'long' => (tokens <= 512 ? 'short' : 'long'),
  thresholdMs: { short: 120, long: 400 } as Record<string, number>,
  excluded: new Set(['client_error']),
  cohorts: ['region', 'tier'],
} as const;

const REGIONS = ['eu', 'us', 'apac', 'latam', 'mea'];
const TIERS = ['free', 'pro'];

export type WireEvent = Record<string, unknown> & { readonly kind: 'inference' | 'outcome'; readonly id: string };

export interface Batch {
  readonly client: number;
  readonly seq: number;
  readonly items: readonly WireEvent[];
  /** The exact bytes sent, so a re-send is the same request. */
  readonly body: string;
}

/** Where the clients send: the live server, if any, and a generation that changes with every start. */
export class Switchboard {
  #live: { url: string; generation: number } | undefined;
  #generation = 0;
  #stopping = false;
  #wake: Array<() => void> = [];

  get stopping(): boolean {
    return this.#stopping;
  }

  get generation(): number {
    return this.#generation;
  }

  up(url: string): void {
    this.#live = { url, generation: ++this.#generation };
    this.#notify();
  }

  down(): void {
    this.#live = undefined;
  }

  stop(): void {
    this.#stopping = true;
    this.#notify();
  }

  /** The live server of a generation after `after`; undefined once stopping. */
  async next(after: number): Promise<{ url: string; generation: number } | undefined> {
    for (;;) {
      if (this.#stopping) return undefined;
      const live = this.#live;
      if (live !== undefined && live.generation > after) return live;
      await new Promise<void>((r) => this.#wake.push(r));
    }
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = [];
    for (const r of w) r();
  }
}

export interface LedgerStats {
  requests: number;
  batches: number;
  events: number;
  /** Batches with a 200 (first send or re-send). */
  acked: number;
  /** Sends whose answer never arrived (the server died first). */
  answersLost: number;
  /** Lost-answer batches re-sent and then acknowledged … */
  resentAcked: number;
  /** … of which the server already held every item (the lost answer had been committed). */
  resentFoundStored: number;
  /** 429/503 answers (nothing acknowledged; the batch is sent again). */
  refused: number;
  /** Acknowledged batches since the server of the current generation started. */
  ackedThisGeneration: number;
}

export class Ledger {
  readonly batches: Batch[] = [];
  readonly acked = new Set<Batch>();
  /** Lost-answer batches a client chose never to re-send. */
  readonly abandoned = new Set<Batch>();
  /** Lost-answer batches chosen for re-sending and not acknowledged yet. */
  readonly owed = new Set<Batch>();
  /** client → the newest server generation it has seen (and sorted its lost answers for). */
  readonly seen = new Map<number, number>();
  /** Protocol violations the clients saw (a 200 that does not add up, an unexpected status); must stay empty. */
  readonly problems: string[] = [];
  readonly stats: LedgerStats = {
    requests: 0, batches: 0, events: 0, acked: 0, answersLost: 0, resentAcked: 0, resentFoundStored: 0, refused: 0, ackedThisGeneration: 0,
  };

  /** Every id ever sent, with the batch that carried it. */
  sentIds(): Map<string, Batch> {
    const out = new Map<string, Batch>();
    for (const b of this.batches) for (const e of b.items) out.set(e.id, b);
    return out;
  }
}

interface IngestAnswer {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly unknown[];
}

/** A seeded inference of the last 20 minutes: ok (lognormal latency, a labelled prediction) or one of three error types. */
export function inference(rng: Rng, id: string, now: number): WireEvent {
  const ts = new Date(now - Math.floor(rng() * 20 * 60_000)).toISOString();
  const base = {
    kind: 'inference' as const, id, service: SERVICE, model: pick(rng, ['v1', 'v2']), ts,
    input: { tokens: Math.floor(rng() * 1024) },
    cohort: { region: pick(rng, REGIONS), tier: pick(rng, TIERS) },
  };
  const r = rng();
  if (r < 0.03) return { ...base, status: 'error', errorType: 'timeout', latencyMs: 5000 };
  if (r < 0.05) return { ...base, status: 'error', errorType: 'gpu_oom' };
  if (r < 0.08) return { ...base, status: 'error', errorType: 'client_error' };
  return {
    ...base, status: 'ok',
    latencyMs: Math.round(lognormal(rng, 90, 0.8) * 10) / 10,
    prediction: { label: rng() < 0.3 ? 'fraud' : 'legit', score: Math.round((0.5 + rng() * 0.5) * 1000) / 1000 },
  };
}

/** A ground-truth label for `requestId`, learned now, sampled with probability 1, 0.5 or 0.25. */
export function outcome(rng: Rng, id: string, requestId: string, now: number): WireEvent {
  return {
    kind: 'outcome', id, requestId, service: SERVICE, ts: new Date(now).toISOString(), source: 'ground_truth',
    label: rng() < 0.3 ? 'fraud' : 'legit', samplingProb: pick(rng, [1, 1, 0.5, 0.25]),
  };
}

export interface ClientOptions {
  readonly client: number;
  readonly seed: number;
  readonly key: string;
  readonly board: Switchboard;
  readonly ledger: Ledger;
  /** Share of lost-answer batches that are re-sent after the restart (the rest never are). */
  readonly resendShare: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One ingest client: runs until the switchboard stops, then resolves. */
export async function runClient(o: ClientOptions): Promise<void> {
  const rng = mulberry32(o.seed);
  const { ledger, board } = o;
  const mine = { inferences: 0, outcomes: 0, batches: 0 };
  const retry: Batch[] = [];
  const lost: Batch[] = [];
  const sentBefore = new Set<Batch>();
  /** Acknowledged ok inferences that have no outcome yet. */
  const labelable: string[] = [];
  let generation = 0;

  const makeBatch = (): Batch => {
    const now = Date.now();
    const n = 1 + Math.floor(rng() ** 2 * 250);
    const items: WireEvent[] = [];
    for (let i = 0; i < n; i++) {
      if (labelable.length > 0 && rng() < 0.15) {
        const requestId = labelable.splice(Math.floor(rng() * labelable.length), 1)[0]!;
        items.push(outcome(rng, `c${o.client}-o${mine.outcomes++}`, requestId, now));
      } else {
        items.push(inference(rng, `c${o.client}-i${mine.inferences++}`, now));
      }
    }
    const b: Batch = { client: o.client, seq: mine.batches++, items, body: JSON.stringify(items) };
    ledger.batches.push(b);
    ledger.stats.batches++;
    ledger.stats.events += n;
    return b;
  };

  for (;;) {
    const live = await board.next(generation - 1);
    if (live === undefined) return;
    if (live.generation !== generation) {
      generation = live.generation;
      // A new server: decide, once per batch, whether each lost answer is re-sent (until acknowledged) or left.
      for (const b of lost.splice(0)) {
        if (ledger.owed.has(b)) retry.push(b);
        else if (rng() < o.resendShare) {
          ledger.owed.add(b);
          retry.push(b);
        } else ledger.abandoned.add(b);
      }
      ledger.seen.set(o.client, generation);
    }
    const batch = retry.shift() ?? makeBatch();
    const resend = sentBefore.has(batch);
    sentBefore.add(batch);
    ledger.stats.requests++;
    let res: Response;
    try {
      res = await fetch(`${live.url}/v1/events`, {
        method: 'POST', body: batch.body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.key}` },
        signal: AbortSignal.timeout(300_000), // hang guard only
      });
    } catch {
      // No answer: the server died (or was dying) while this batch was in flight, or before it arrived.
      ledger.stats.answersLost++;
      lost.push(batch);
      await board.next(generation);
      continue;
    }
    if (res.status === 200) {
      // A 200 is the acknowledgement, whether or not its body still arrives.
      ledger.acked.add(batch);
      ledger.owed.delete(batch);
      ledger.stats.acked++;
      ledger.stats.ackedThisGeneration++;
      let answer: IngestAnswer | undefined;
      try {
        answer = (await res.json()) as IngestAnswer;
      } catch {
        answer = undefined;
      }
      const n = batch.items.length;
      if (answer !== undefined) {
        if (answer.rejected.length !== 0 || answer.accepted + answer.duplicates !== n) {
          ledger.problems.push(`batch c${batch.client}#${batch.seq}: 200 with ${JSON.stringify(answer).slice(0, 300)} for ${n} items`);
        } else if (!resend && answer.duplicates !== 0) {
          ledger.problems.push(`batch c${batch.client}#${batch.seq}: first send answered ${answer.duplicates} duplicates`);
        } else if (resend && answer.duplicates !== 0 && answer.duplicates !== n) {
          // A batch is committed in one transaction: all of it or none.
          ledger.problems.push(`batch c${batch.client}#${batch.seq}: re-send found ${answer.duplicates} of ${n} items stored (half a batch)`);
        }
        if (resend) {
          ledger.stats.resentAcked++;
          if (answer.duplicates === n) ledger.stats.resentFoundStored++;
        }
      }
      if (!resend) {
        for (const e of batch.items) if (e.kind === 'inference' && e.status === 'ok') labelable.push(e.id);
      }
    } else if (res.status === 429 || res.status === 503) {
      ledger.stats.refused++;
      retry.unshift(batch);
      await res.arrayBuffer().catch(() => undefined);
      await sleep(Math.min(2000, 1000 * Number(res.headers.get('retry-after') ?? '0.2')));
    } else {
      ledger.problems.push(`batch c${batch.client}#${batch.seq}: HTTP ${res.status} ${(await res.text().catch(() => '')).slice(0, 300)}`);
      await sleep(200);
    }
  }
}
