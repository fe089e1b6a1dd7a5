/**
 * Golden sets and eval runs in SQLite (DESIGN §2.7): their statements and the logic behind the port's
 * methods, run synchronously inside sqlite-store.ts's error guard.
 */
import type Database from 'better-sqlite3';
import { evalRunId } from '../eval-run-id.ts';
import type { EvalResultRecord, EvalRunQuery, EvalRunRecord, GoldenExample, GoldenSetMeta, GoldenSetRecord, NewEvalRun } from '../port.ts';
import {
  EVAL_RESULT_COLUMNS, EVAL_RUN_COLUMNS, GOLDEN_SET_COLUMNS, evalResultFromDb, evalResultParams, evalRunFromDb, goldenExampleFromDb,
  goldenSetMetaFromDb, jsonText, type EvalResultDbRow, type EvalRunDbRow, type GoldenExampleDbRow, type GoldenSetDbRow,
} from './eval-rows.ts';
import { parseRowId } from './row-id.ts';
import type { Stmt } from './statements.ts';

export interface EvalStatements {
  readonly insertGoldenSet: Stmt;
  readonly insertGoldenExample: Stmt;
  readonly latestGoldenSet: Stmt;
  readonly goldenSetById: Stmt;
  readonly goldenExamples: Stmt;
  readonly listGoldenSets: Stmt;
  readonly nextRunSeq: Stmt;
  readonly insertRun: Stmt;
  readonly runExists: Stmt;
  readonly resultExists: Stmt;
  readonly upsertResult: Stmt;
  readonly addDone: Stmt;
  readonly finishRun: Stmt;
  readonly getRun: Stmt;
  readonly listRuns: Stmt;
  readonly results: Stmt;
  readonly badResults: Stmt;
}

export function prepareEvalStatements(db: Database.Database): EvalStatements {
  const resultParams = new Array<string>(14).fill('?').join(', ');
  return {
    insertGoldenSet: db.prepare('INSERT INTO golden_set (service, name, created_at, examples, segments) VALUES (?, ?, ?, ?, ?)'),
    insertGoldenExample: db.prepare('INSERT INTO golden_example (set_id, idx, id, segment, input, expected) VALUES (?, ?, ?, ?, ?, ?)'),
    latestGoldenSet: db.prepare(`SELECT ${GOLDEN_SET_COLUMNS} FROM golden_set WHERE service = ? AND name = ?
      ORDER BY created_at DESC, id DESC LIMIT 1`),
    goldenSetById: db.prepare(`SELECT ${GOLDEN_SET_COLUMNS} FROM golden_set WHERE id = ? AND service = ? AND name = ?`),
    goldenExamples: db.prepare('SELECT id, segment, input, expected FROM golden_example WHERE set_id = ? ORDER BY idx'),
    listGoldenSets: db.prepare(`SELECT ${GOLDEN_SET_COLUMNS} FROM golden_set g WHERE service = ? AND id = (
      SELECT id FROM golden_set h WHERE h.service = g.service AND h.name = g.name ORDER BY created_at DESC, id DESC LIMIT 1)
      ORDER BY name`),
    nextRunSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM eval_run').pluck(),
    insertRun: db.prepare(`INSERT INTO eval_run (seq, id, service, kind, name, golden_set_id, status, triggered_by, started_at,
      model, total, done, summary) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, 0, '')`),
    runExists: db.prepare('SELECT 1 FROM eval_run WHERE id = ?').pluck(),
    resultExists: db.prepare('SELECT 1 FROM eval_result WHERE run_id = ? AND idx = ?').pluck(),
    upsertResult: db.prepare(`INSERT OR REPLACE INTO eval_result (${EVAL_RESULT_COLUMNS}) VALUES (${resultParams})`),
    addDone: db.prepare('UPDATE eval_run SET done = done + ? WHERE id = ?'),
    finishRun: db.prepare('UPDATE eval_run SET status = ?, finished_at = ?, summary = ?, model = ?, error = ? WHERE id = ?'),
    getRun: db.prepare(`SELECT ${EVAL_RUN_COLUMNS} FROM eval_run WHERE id = ?`),
    // Absent filters are NULL; `before` defaults to +∞ (the caller's MAX_SAFE_INTEGER).
    listRuns: db.prepare(`SELECT ${EVAL_RUN_COLUMNS} FROM eval_run WHERE service = @service AND started_at < @before
      AND (@kind IS NULL OR kind = @kind) AND (@name IS NULL OR name = @name) AND (@status IS NULL OR status = @status)
      ORDER BY started_at DESC, id DESC LIMIT @limit`),
    results: db.prepare(`SELECT ${EVAL_RESULT_COLUMNS} FROM eval_result WHERE run_id = ? ORDER BY idx LIMIT ? OFFSET ?`),
    badResults: db.prepare(`SELECT ${EVAL_RESULT_COLUMNS} FROM eval_result WHERE run_id = ? AND (verdict IS NULL OR verdict = 0)
      ORDER BY idx LIMIT ? OFFSET ?`),
  };
}

export function saveGoldenSet(db: Database.Database, st: EvalStatements, meta: Omit<GoldenSetMeta, 'id'>, items: readonly GoldenExample[]): string {
  return db.transaction(() => {
    const id = st.insertGoldenSet.run(meta.service, meta.name, meta.createdAt, meta.examples, JSON.stringify(meta.segments)).lastInsertRowid;
    for (let i = 0; i < items.length; i++) {
      const e = items[i]!;
      st.insertGoldenExample.run(id, i, e.id, e.segment, jsonText(e.input), jsonText(e.expected));
    }
    return String(id);
  }).immediate();
}

export function getGoldenSet(st: EvalStatements, service: string, name: string, id?: string): GoldenSetRecord | undefined {
  let row: GoldenSetDbRow | undefined;
  if (id === undefined) {
    row = st.latestGoldenSet.get(service, name) as GoldenSetDbRow | undefined;
  } else {
    const rowId = parseRowId(id);
    row = rowId === undefined ? undefined : st.goldenSetById.get(rowId, service, name) as GoldenSetDbRow | undefined;
  }
  if (row === undefined) return undefined;
  const items = (st.goldenExamples.all(row.id) as GoldenExampleDbRow[]).map(goldenExampleFromDb);
  return { ...goldenSetMetaFromDb(row), items };
}

export function listGoldenSets(st: EvalStatements, service: string): GoldenSetMeta[] {
  return (st.listGoldenSets.all(service) as GoldenSetDbRow[]).map(goldenSetMetaFromDb);
}

export function createEvalRun(db: Database.Database, st: EvalStatements, run: NewEvalRun): string {
  // IMMEDIATE: the write lock is held from the MAX(seq) read, so two connections never take the same seq.
  return db.transaction(() => {
    const seq = st.nextRunSeq.get() as number;
    const id = evalRunId(run.startedAt, seq);
    st.insertRun.run(seq, id, run.service, run.kind, run.name, run.goldenSetId ?? null, run.trigger, run.startedAt, run.model, run.total);
    return id;
  }).immediate();
}

/** Results of an unknown run are dropped; a stored index is replaced and not counted again. */
export function appendEvalResults(db: Database.Database, st: EvalStatements, runId: string, results: readonly EvalResultRecord[]): void {
  db.transaction(() => {
    if (st.runExists.get(runId) === undefined) return;
    let added = 0;
    for (const r of results) {
      if (st.resultExists.get(runId, r.index) === undefined) added++;
      st.upsertResult.run(evalResultParams(runId, r));
    }
    if (added > 0) st.addDone.run(added, runId);
  }).immediate();
}

export function finishEvalRun(st: EvalStatements, runId: string, end: { readonly status: 'done' | 'failed'; readonly finishedAt: number; readonly summary: string; readonly model: string; readonly error: string | undefined }): void {
  st.finishRun.run(end.status, end.finishedAt, end.summary, end.model, end.error ?? null, runId);
}

export function getEvalRun(st: EvalStatements, id: string): EvalRunRecord | undefined {
  const r = st.getRun.get(id) as EvalRunDbRow | undefined;
  return r === undefined ? undefined : evalRunFromDb(r);
}

export function listEvalRuns(st: EvalStatements, q: EvalRunQuery): EvalRunRecord[] {
  const rows = st.listRuns.all({
    service: q.service, kind: q.kind ?? null, name: q.name ?? null, status: q.status ?? null,
    before: q.before ?? Number.MAX_SAFE_INTEGER, limit: q.limit,
  }) as EvalRunDbRow[];
  return rows.map(evalRunFromDb);
}

export function readEvalResults(st: EvalStatements, runId: string, q: { readonly offset: number; readonly limit: number; readonly onlyBad?: boolean }): EvalResultRecord[] {
  const stmt = q.onlyBad === true ? st.badResults : st.results;
  return (stmt.all(runId, q.limit, q.offset) as EvalResultDbRow[]).map(evalResultFromDb);
}
