/**
 * Golden sets and eval runs on ClickHouse (DESIGN §2.7). A golden set's examples are inserted before its
 * row, so a set is found only once complete. A run's `done` is not a counter but the number of distinct
 * result indexes stored, counted at read: appending is then one insert, and a re-sent index counts once.
 */
import { evalRunId } from '../eval-run-id.ts';
import type {
  EvalResultRecord, EvalRunKind, EvalRunQuery, EvalRunRecord, EvalRunStatus, GoldenExample, GoldenSetMeta, GoldenSetRecord, NewEvalRun, Store,
} from '../port.ts';
import { jsonText } from '../sqlite/eval-rows.ts';
import type { Db, Versions } from './db.ts';
import { int, str, strList } from './sql.ts';

interface GoldenSetRow {
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly created_at: number;
  readonly examples: number;
  readonly segments: string;
}

const GOLDEN_SET_COLUMNS = 'id, service, name, created_at, examples, segments';

function goldenSetMeta(r: GoldenSetRow): GoldenSetMeta {
  return { id: r.id, service: r.service, name: r.name, createdAt: r.created_at, examples: r.examples, segments: JSON.parse(r.segments) as Record<string, number> };
}

interface EvalRunRow {
  readonly id: string;
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly golden_set_id: string | null;
  readonly status: string;
  readonly triggered_by: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly model: string;
  readonly total: number;
  readonly summary: string;
  readonly error: string | null;
  readonly ver: number;
}

const EVAL_RUN_COLUMNS = 'id, service, kind, name, golden_set_id, status, triggered_by, started_at, finished_at, model, total, summary, error, ver';

function evalRun(r: EvalRunRow, done: number): EvalRunRecord {
  return {
    id: r.id, service: r.service, kind: r.kind as EvalRunKind, name: r.name, goldenSetId: r.golden_set_id ?? undefined,
    status: r.status as EvalRunStatus, trigger: r.triggered_by, startedAt: r.started_at, finishedAt: r.finished_at ?? undefined,
    model: r.model, total: r.total, done, summary: r.summary, error: r.error ?? undefined,
  };
}

interface EvalResultRow {
  readonly run_id: string;
  readonly idx: number;
  readonly example_id: string;
  readonly segment: string;
  readonly request_id: string | null;
  readonly model: string;
  readonly verdict: number | null;
  readonly score: number | null;
  readonly prediction: string | null;
  readonly baseline_verdict: number | null;
  readonly weight: number;
  readonly latency_ms: number;
  readonly attempts: number;
  readonly error: string | null;
}

const EVAL_RESULT_COLUMNS = `run_id, idx, example_id, segment, request_id, model, verdict, score, prediction, baseline_verdict, weight,
  latency_ms, attempts, error`;

function flag(b: boolean | null): number | null {
  return b === null ? null : b ? 1 : 0;
}

function flagOf(n: number | null): boolean | null {
  return n === null ? null : n === 1;
}

function evalResult(r: EvalResultRow): EvalResultRecord {
  return {
    runId: r.run_id, index: r.idx, exampleId: r.example_id, segment: r.segment, requestId: r.request_id ?? undefined, model: r.model,
    verdict: flagOf(r.verdict), score: r.score, prediction: r.prediction, baselineVerdict: flagOf(r.baseline_verdict), weight: r.weight,
    latencyMs: r.latency_ms, attempts: r.attempts, error: r.error,
  };
}

export class ClickHouseEvals {
  readonly #db: Db;
  readonly #versions: Versions;

  constructor(db: Db, versions: Versions) {
    this.#db = db;
    this.#versions = versions;
  }

  // ---- golden sets ---------------------------------------------------------------------------------

  async saveGoldenSet(meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): Promise<string> {
    const ver = this.#versions.take();
    const id = String(ver);
    await this.#db.insert('golden_example', items.map((e, idx) => ({
      set_id: id, idx, id: e.id, segment: e.segment, input: jsonText(e.input), expected: jsonText(e.expected),
    })), 'saving a golden set');
    await this.#db.insert('golden_set', [{
      id, service: meta.service, name: meta.name, created_at: meta.createdAt, examples: meta.examples, segments: JSON.stringify(meta.segments), ver,
    }], 'saving a golden set');
    return id;
  }

  async getGoldenSet(service: string, name: string, id?: string): Promise<GoldenSetRecord | undefined> {
    const which = id === undefined ? '' : ` AND id = ${str(id)}`;
    const [row] = await this.#db.rows<GoldenSetRow>(`SELECT ${GOLDEN_SET_COLUMNS} FROM ${this.#db.table('golden_set')}
      WHERE service = ${str(service)} AND name = ${str(name)}${which} ORDER BY created_at DESC, ver DESC LIMIT 1`, 'reading a golden set');
    if (row === undefined) return undefined;
    const examples = await this.#db.rows<{ id: string; segment: string; input: string; expected: string }>(`SELECT id, segment, input, expected
      FROM ${this.#db.table('golden_example')} WHERE set_id = ${str(row.id)} ORDER BY idx`, 'reading a golden set');
    const items = examples.map((e) => ({ id: e.id, input: JSON.parse(e.input) as unknown, expected: JSON.parse(e.expected) as unknown, segment: e.segment }));
    return { ...goldenSetMeta(row), items };
  }

  async listGoldenSets(service: string): Promise<GoldenSetMeta[]> {
    const rows = await this.#db.rows<GoldenSetRow>(`SELECT ${GOLDEN_SET_COLUMNS} FROM ${this.#db.table('golden_set')}
      WHERE service = ${str(service)} ORDER BY name, created_at DESC, ver DESC LIMIT 1 BY name`, 'listing golden sets');
    return rows.map(goldenSetMeta);
  }

  // ---- eval runs -----------------------------------------------------------------------------------

  async createEvalRun(run: NewEvalRun): Promise<string> {
    const ver = this.#versions.take();
    // The version is a clock value: later runs (any process) get later ids, as eval-run-id.ts promises.
    const id = evalRunId(run.startedAt, ver);
    await this.#db.insert('eval_run', [{
      id, service: run.service, kind: run.kind, name: run.name, golden_set_id: run.goldenSetId ?? null, status: 'running',
      triggered_by: run.trigger, started_at: run.startedAt, finished_at: null, model: run.model, total: run.total, summary: '', error: null, ver,
    }], 'starting an eval run');
    return id;
  }

  async #run(id: string): Promise<EvalRunRow | undefined> {
    const [row] = await this.#db.rows<EvalRunRow>(`SELECT ${EVAL_RUN_COLUMNS} FROM ${this.#db.table('eval_run')} FINAL WHERE id = ${str(id)}`,
      'reading an eval run');
    return row;
  }

  /** Results of an unknown run are dropped; one insert, so the batch lands whole. */
  async appendEvalResults(runId: string, results: readonly EvalResultRecord[]): Promise<void> {
    if (results.length === 0 || (await this.#run(runId)) === undefined) return;
    const ver = this.#versions.take();
    await this.#db.insert('eval_result', results.map((r) => ({
      run_id: runId, idx: r.index, example_id: r.exampleId, segment: r.segment, request_id: r.requestId ?? null, model: r.model,
      verdict: flag(r.verdict), score: r.score, prediction: r.prediction, baseline_verdict: flag(r.baselineVerdict), weight: r.weight,
      latency_ms: r.latencyMs, attempts: r.attempts, error: r.error, ver,
    })), 'saving eval results');
  }

  async finishEvalRun(runId: string, end: Parameters<Store['finishEvalRun']>[1]): Promise<void> {
    const row = await this.#run(runId);
    if (row === undefined) return;
    await this.#db.insert('eval_run', [{
      ...row, status: end.status, finished_at: end.finishedAt, summary: end.summary, model: end.model, error: end.error ?? null,
      ver: this.#versions.take(),
    }], 'finishing an eval run');
  }

  /** Stored result indexes per run: the runs' `done`. */
  async #done(runIds: readonly string[]): Promise<Map<string, number>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.#db.rows<{ run_id: string; done: number }>(`SELECT run_id, uniqExact(idx) AS done FROM ${this.#db.table('eval_result')}
      WHERE run_id IN ${strList(runIds)} GROUP BY run_id`, 'counting eval results');
    return new Map(rows.map((r) => [r.run_id, Number(r.done)]));
  }

  async getEvalRun(id: string): Promise<EvalRunRecord | undefined> {
    const row = await this.#run(id);
    return row === undefined ? undefined : evalRun(row, (await this.#done([id])).get(id) ?? 0);
  }

  async listEvalRuns(q: EvalRunQuery): Promise<EvalRunRecord[]> {
    const where = [`service = ${str(q.service)}`, `started_at < ${int(Math.min(q.before ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))}`];
    if (q.kind !== undefined) where.push(`kind = ${str(q.kind)}`);
    if (q.name !== undefined) where.push(`name = ${str(q.name)}`);
    if (q.status !== undefined) where.push(`status = ${str(q.status)}`);
    const rows = await this.#db.rows<EvalRunRow>(`SELECT ${EVAL_RUN_COLUMNS} FROM ${this.#db.table('eval_run')} FINAL
      WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${int(Math.max(0, q.limit))}`, 'listing eval runs');
    const done = await this.#done(rows.map((r) => r.id));
    return rows.map((r) => evalRun(r, done.get(r.id) ?? 0));
  }

  async readEvalResults(runId: string, q: Parameters<Store['readEvalResults']>[1]): Promise<EvalResultRecord[]> {
    const bad = q.onlyBad === true ? ' AND (verdict IS NULL OR verdict = 0)' : '';
    const rows = await this.#db.rows<EvalResultRow>(`SELECT ${EVAL_RESULT_COLUMNS} FROM ${this.#db.table('eval_result')} FINAL
      WHERE run_id = ${str(runId)}${bad} ORDER BY idx LIMIT ${int(Math.max(0, q.limit))} OFFSET ${int(Math.max(0, q.offset))}`, 'reading eval results');
    return rows.map(evalResult);
  }
}
