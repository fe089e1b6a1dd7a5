/** Golden sets and eval runs of the memory adapter, with the SQLite adapter's semantics (port.ts). */
import { evalRunId } from '../eval-run-id.ts';
import type {
  EvalResultRecord, EvalRunQuery, EvalRunRecord, GoldenExample, GoldenSetMeta, GoldenSetRecord, NewEvalRun, Store,
} from '../port.ts';

/** Uploaded JSON is kept as text, like the SQLite columns: no aliasing, and `undefined` comes back null. */
interface StoredExample {
  readonly id: string;
  readonly segment: string;
  readonly input: string;
  readonly expected: string;
}

interface StoredSet {
  readonly meta: GoldenSetMeta;
  readonly items: readonly StoredExample[];
  /** Save order: the tie-break between versions created at the same instant. */
  readonly seq: number;
}

interface StoredRun {
  run: EvalRunRecord;
  readonly results: Map<number, EvalResultRecord>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function json(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

function copyMeta(m: GoldenSetMeta): GoldenSetMeta {
  return { ...m, segments: { ...m.segments } };
}

function newer(a: StoredSet, b: StoredSet): boolean {
  return a.meta.createdAt > b.meta.createdAt || (a.meta.createdAt === b.meta.createdAt && a.seq > b.seq);
}

export class MemoryEvals {
  readonly #sets = new Map<string, StoredSet>();
  readonly #runs = new Map<string, StoredRun>();
  #runSeq = 0;

  saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): string {
    const seq = this.#sets.size + 1;
    const id = String(seq);
    const stored = items.map((e) => ({ id: e.id, segment: e.segment, input: json(e.input), expected: json(e.expected) }));
    this.#sets.set(id, { meta: copyMeta({ ...meta, id }), items: stored, seq });
    return id;
  }

  getGoldenSet(service: string, name: string, id?: string): GoldenSetRecord | undefined {
    let found: StoredSet | undefined;
    if (id !== undefined) {
      found = this.#sets.get(id);
      if (found !== undefined && (found.meta.service !== service || found.meta.name !== name)) found = undefined;
    } else {
      for (const s of this.#sets.values()) {
        if (s.meta.service === service && s.meta.name === name && (found === undefined || newer(s, found))) found = s;
      }
    }
    if (found === undefined) return undefined;
    const items = found.items.map((e) => ({ id: e.id, segment: e.segment, input: JSON.parse(e.input) as unknown, expected: JSON.parse(e.expected) as unknown }));
    return { ...copyMeta(found.meta), items };
  }

  listGoldenSets(service: string): GoldenSetMeta[] {
    const newest = new Map<string, StoredSet>();
    for (const s of this.#sets.values()) {
      if (s.meta.service !== service) continue;
      const cur = newest.get(s.meta.name);
      if (cur === undefined || newer(s, cur)) newest.set(s.meta.name, s);
    }
    return [...newest.values()].map((s) => copyMeta(s.meta)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createEvalRun(r: NewEvalRun): string {
    const id = evalRunId(r.startedAt, ++this.#runSeq);
    const run: EvalRunRecord = {
      id, service: r.service, kind: r.kind, name: r.name, goldenSetId: r.goldenSetId, status: 'running', trigger: r.trigger,
      startedAt: r.startedAt, finishedAt: undefined, model: r.model, total: r.total, done: 0, summary: '', error: undefined,
    };
    this.#runs.set(id, { run, results: new Map() });
    return id;
  }

  appendEvalResults(runId: string, results: readonly EvalResultRecord[]): void {
    const stored = this.#runs.get(runId);
    if (stored === undefined) return;
    for (const r of results) stored.results.set(r.index, { ...r, runId });
    stored.run = { ...stored.run, done: stored.results.size };
  }

  finishEvalRun(runId: string, end: Parameters<Store['finishEvalRun']>[1]): void {
    const stored = this.#runs.get(runId);
    if (stored === undefined) return;
    const run: Mutable<EvalRunRecord> = { ...stored.run };
    run.status = end.status;
    run.finishedAt = end.finishedAt;
    run.summary = end.summary;
    run.model = end.model;
    run.error = end.error;
    stored.run = run;
  }

  getEvalRun(id: string): EvalRunRecord | undefined {
    const stored = this.#runs.get(id);
    return stored === undefined ? undefined : { ...stored.run };
  }

  listEvalRuns(q: EvalRunQuery): EvalRunRecord[] {
    const before = q.before ?? Number.MAX_SAFE_INTEGER;
    return [...this.#runs.values()].map((s) => s.run)
      .filter((r) => r.service === q.service && r.startedAt < before && (q.kind === undefined || r.kind === q.kind)
        && (q.name === undefined || r.name === q.name) && (q.status === undefined || r.status === q.status))
      .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, Math.max(0, q.limit))
      .map((r) => ({ ...r }));
  }

  readEvalResults(runId: string, q: Parameters<Store['readEvalResults']>[1]): EvalResultRecord[] {
    const stored = this.#runs.get(runId);
    if (stored === undefined) return [];
    return [...stored.results.values()]
      .filter((r) => q.onlyBad !== true || r.verdict !== true)
      .sort((a, b) => a.index - b.index)
      .slice(Math.max(0, q.offset), Math.max(0, q.offset) + Math.max(0, q.limit))
      .map((r) => ({ ...r }));
  }
}
