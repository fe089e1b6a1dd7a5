/**
 * The ingest half of the ClickHouse adapter: lookupForIngest / commitIngest and the reads of what they
 * write (verdict steps, orphans, the inference feed; rollups are in rollups.ts). Every row carries its
 * write's id and counts once that write is committed (commit-log.ts). A write claims the events it adds
 * (claims.ts), so two replicas never both commit one event; reads still keep the first committed copy by
 * `seq`, which costs nothing and keeps rows written before claims existed counted once.
 */
import { randomBytes } from 'node:crypto';
import type { InferenceEvent } from '../../core/event.ts';
import { addQuality, createQualityAcc, type QualityAcc } from '../../core/rollup.ts';
import { bucketStart, foldDeltas, RESOLUTIONS } from '../fold-deltas.ts';
import {
  refKey,
  type IngestLookup, type IngestSnapshot, type IngestWrite, type InferenceTail, type InferenceTailQuery, type Resolution,
  type Store, type StoredInference, type StoredOutcome, type Verdict, type VerdictStep,
} from '../port.ts';
import type { Claims, Identity } from './claims.ts';
import { readServerClock, type ServerReading } from './timing.ts';
import type { CommitLog } from './commit-log.ts';
import type { Db, Versions } from './db.ts';
import {
  dayOf, inferenceRow, outcomeRow, rollupRow, stepRow, storedInference, storedOutcome, verdictOf, verdictRow,
  verdictTimeRow, type InferenceRow, type OutcomeRow, type StepRow, type VerdictRow, type Written,
} from './ingest-rows.ts';
import { chunks, int, mapLimited, str, strList } from './sql.ts';

/** Ids per IN list. */
const CHUNK = 1000;
/** IN-list queries of one lookup in flight at once: fewer sequential round trips, without flooding a shared server. */
const LOOKUP_PARALLEL = 4;
/** Rows per page of the feed reads; uncommitted rows are skipped and the page refilled. */
const PAGE_MIN = 1000;

type Ref = { readonly service: string; readonly id: string };
type InferencePage = Awaited<ReturnType<Store['readInferences']>>;

/** Refs grouped by service, each service's ids in IN-list chunks. */
function byService(refs: readonly Ref[]): Array<{ service: string; ids: string[] }> {
  const m = new Map<string, Set<string>>();
  for (const r of refs) {
    let ids = m.get(r.service);
    if (ids === undefined) m.set(r.service, (ids = new Set()));
    ids.add(r.id);
  }
  return [...m].flatMap(([service, ids]) => chunks([...ids], CHUNK).map((part) => ({ service, ids: part })));
}

/** The first row per key in `seq` order: one copy of an event written by two replicas. */
function firstBySeq<R extends { readonly seq: number }>(rows: readonly R[], key: (r: R) => string): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of [...rows].sort((a, b) => a.seq - b.seq)) if (!out.has(key(r))) out.set(key(r), r);
  return out;
}

/** Verdict-time deltas summed per resolution × service × bucket × model: one row per cell and write. */
function foldVerdictTime(deltas: IngestWrite['verdictTime']): Array<{ resolution: Resolution; service: string; bucket: number; model: string; quality: QualityAcc }> {
  const cells = new Map<string, { resolution: Resolution; service: string; bucket: number; model: string; quality: QualityAcc }>();
  for (const d of deltas) {
    for (const resolution of RESOLUTIONS) {
      const bucket = bucketStart(d.minute, resolution);
      const k = `${resolution}\u0000${d.service}\u0000${bucket}\u0000${d.model}`;
      let c = cells.get(k);
      if (c === undefined) cells.set(k, (c = { resolution, service: d.service, bucket, model: d.model, quality: createQualityAcc() }));
      addQuality(c.quality, d.quality);
    }
  }
  return [...cells.values()];
}

/** What a write adds that another write must not add too: its new inferences and new outcomes. */
function addedIdentities(w: IngestWrite): Identity[] {
  return [
    ...w.inferences.map((n) => ({ service: n.event.service, key: `i/${n.event.id}`, ts: n.event.ts })),
    ...w.outcomes.map((o) => ({ service: o.event.service, key: `o/${o.event.key}`, ts: o.event.ts })),
  ];
}

export class ClickHouseIngest {
  readonly #db: Db;
  readonly #log: CommitLog;
  readonly #claims: Claims;
  readonly #versions: Versions;
  /** Makes write ids unique across processes that draw the same version. */
  readonly #nonce = randomBytes(6).toString('hex');

  constructor(db: Db, log: CommitLog, claims: Claims, versions: Versions) {
    this.#db = db;
    this.#log = log;
    this.#claims = claims;
    this.#versions = versions;
  }

  // ---- lookup --------------------------------------------------------------------------------------

  async lookupForIngest(q: IngestLookup): Promise<IngestSnapshot> {
    const [inferences, outcomesByRequest, outcomeHashes] = await Promise.all([
      this.#storedInferences(q.inferences),
      this.#outcomesByRequest(q.requests),
      this.#outcomeHashes(q.outcomeKeys.map((o) => ({ service: o.service, id: o.key }))),
    ]);
    return { inferences, outcomesByRequest, outcomeHashes };
  }

  async #storedInferences(refs: readonly Ref[]): Promise<Map<string, StoredInference>> {
    const rows = await this.#inferenceRows(refs, 'service, id, seq, write_id, input_class, eligible, content_hash, body');
    const found = firstBySeq(rows, (r) => refKey(r.service, r.id));
    const verdicts = await this.currentVerdicts([...found.values()].map((r) => ({ service: r.service, id: r.id })));
    const out = new Map<string, StoredInference>();
    for (const [k, r] of found) out.set(k, storedInference(r, verdicts.get(k)));
    return out;
  }

  async #inferenceRows<R extends Written>(refs: readonly Ref[], columns: string): Promise<Array<R & InferenceRow>> {
    const rows = (await mapLimited(byService(refs), LOOKUP_PARALLEL, ({ service, ids }) => this.#db.rows<R & InferenceRow>(`SELECT ${columns}
      FROM ${this.#db.table('inference')} WHERE service = ${str(service)} AND id IN ${strList(ids)}`, 'looking up inferences'))).flat();
    return this.#log.filter(rows);
  }

  /** The verdict each request holds now: its newest committed verdict row (keyed by refKey). */
  async currentVerdicts(refs: readonly Ref[]): Promise<Map<string, Verdict | undefined>> {
    const rows = (await mapLimited(byService(refs), LOOKUP_PARALLEL, ({ service, ids }) => this.#db.rows<VerdictRow>(`SELECT service, request_id, ver,
      write_id, good, weight, source, ts FROM ${this.#db.table('inference_verdict')} WHERE service = ${str(service)} AND request_id IN ${strList(ids)}`,
    'reading verdicts'))).flat();
    const newest = new Map<string, VerdictRow>();
    for (const r of await this.#log.filter(rows)) {
      const k = refKey(r.service, r.request_id);
      const had = newest.get(k);
      if (had === undefined || r.ver > had.ver) newest.set(k, r);
    }
    return new Map([...newest].map(([k, r]) => [k, verdictOf(r)]));
  }

  async #outcomesByRequest(refs: readonly Ref[]): Promise<Map<string, StoredOutcome[]>> {
    const rows = (await mapLimited(byService(refs), LOOKUP_PARALLEL, ({ service, ids }) => this.#db.rows<OutcomeRow>(`SELECT service, key, request_id,
      seq, write_id, content_hash, body FROM ${this.#db.table('outcome')} WHERE service = ${str(service)} AND request_id IN ${strList(ids)}`,
    'looking up outcomes'))).flat();
    const out = new Map<string, StoredOutcome[]>();
    // Arrival order, one copy per outcome key.
    const first = firstBySeq(await this.#log.filter(rows), (r) => refKey(r.service, r.key));
    for (const r of [...first.values()].sort((a, b) => a.seq - b.seq)) {
      const k = refKey(r.service, r.request_id);
      let list = out.get(k);
      if (list === undefined) out.set(k, (list = []));
      list.push(storedOutcome(r));
    }
    return out;
  }

  async #outcomeHashes(refs: readonly Ref[]): Promise<Map<string, string>> {
    const rows = (await mapLimited(byService(refs), LOOKUP_PARALLEL, ({ service, ids }) => this.#db.rows<OutcomeRow>(`SELECT service, key, seq,
      write_id, content_hash FROM ${this.#db.table('outcome')} WHERE service = ${str(service)} AND key IN ${strList(ids)}`,
    'looking up outcome keys'))).flat();
    const first = firstBySeq(await this.#log.filter(rows), (r) => refKey(r.service, r.key));
    return new Map([...first].map(([k, r]) => [k, r.content_hash]));
  }

  // ---- commit --------------------------------------------------------------------------------------

  /**
   * Inserts every table's rows and the write's claims (in parallel: until the commit row exists none of
   * them counts), checks that no other write holds an event this one adds (claims.ts), then inserts the
   * commit row. Resolves only after ClickHouse acknowledged every insert; any failure rejects, and the
   * rows already inserted stay invisible. MLSLO_ERR_STORE_CONFLICT means another replica added some of
   * the same events at the same time: nothing counted, and a retry finds them stored.
   */
  async commitIngest(w: IngestWrite): Promise<void> {
    const ver = this.#versions.take();
    const writeId = `${ver.toString(36)}-${this.#nonce}`;
    const seq = this.#versions.take(w.inferences.length + w.outcomes.length);
    const claimed = addedIdentities(w);
    const stepRows = await this.#stepRows(w, ver, writeId);
    let reading: ServerReading | undefined;
    try {
      // A write without claims gets no clock reading from the claim check; one taken now (after `ver`
      // was drawn) lets CommitLog.commit prove the commit landed without reading the row back.
      const clock = claimed.length === 0 ? readServerClock(this.#db) : undefined;
      await Promise.all([
        clock,
        this.#claims.insert(claimed, writeId, ver),
        this.#db.insert('inference', w.inferences.map((n, i) => inferenceRow(n, seq + i, writeId)), 'storing inferences'),
        this.#db.insert('outcome', w.outcomes.map((o, i) => outcomeRow(o.event, o.contentHash, o.joined, o.body, seq + w.inferences.length + i, writeId)), 'storing outcomes'),
        this.#db.insert('inference_verdict', [
          ...w.inferences.filter((n) => n.verdict !== undefined).map((n) => verdictRow(n.event.service, n.event.id, n.verdict, ver, writeId)),
          ...w.verdicts.map((v) => verdictRow(v.service, v.requestId, v.verdict, ver, writeId)),
        ], 'storing verdicts'),
        this.#db.insert('outcome_join', w.joinedOutcomes.map((j) => ({ service: j.service, key: j.key, write_id: writeId })), 'joining outcomes'),
        this.#db.insert('verdict_step', stepRows, 'storing verdict steps'),
        this.#db.insert('rollup', foldDeltas(w.rollups).map((r) => rollupRow(r, ver, writeId)), 'storing rollups'),
        this.#db.insert('verdict_time', foldVerdictTime(w.verdictTime).map((c) => verdictTimeRow(c.resolution, c.service, c.bucket, c.model, c.quality, ver, writeId)),
          'storing verdict-time rollups'),
      ]);
      reading = clock === undefined ? await this.#claims.check(claimed, writeId) : await clock;
    } catch (e) {
      // The commit row was not sent: withdraw the claims so others need not wait for them to expire.
      await this.#claims.abort(claimed, writeId, ver);
      throw e;
    }
    await this.#log.commit(writeId, ver, reading);
  }

  /**
   * A write replaces a request's step list with one row. An empty list carries no request time, which
   * the row's partition and sort key need: it comes from the write's own inference or the stored one.
   */
  async #stepRows(w: IngestWrite, ver: number, writeId: string): Promise<object[]> {
    const emptied = w.verdictSteps.filter((s) => s.steps.length === 0).map((s) => ({ service: s.service, id: s.requestId }));
    const requestTs = new Map<string, number>();
    if (emptied.length > 0) {
      for (const n of w.inferences) requestTs.set(refKey(n.event.service, n.event.id), n.event.ts);
      const unknown = (): Ref[] => emptied.filter((r) => !requestTs.has(refKey(r.service, r.id)));
      for (const r of await this.#inferenceRows<InferenceRow & { ts: number }>(unknown(), 'service, id, ts, seq, write_id')) {
        requestTs.set(refKey(r.service, r.id), r.ts);
      }
      // Steps stored without their inference (its partition was dropped): their own rows know the time.
      for (const { service, ids } of byService(unknown())) {
        const rows = await this.#db.rows<{ request_id: string; request_ts: number; write_id: string }>(`SELECT request_id, request_ts, write_id
          FROM ${this.#db.table('verdict_step')} WHERE service = ${str(service)} AND request_id IN ${strList(ids)}`, 'replacing verdict steps');
        for (const r of await this.#log.filter(rows)) requestTs.set(refKey(service, r.request_id), r.request_ts);
      }
    }
    const rows: object[] = [];
    w.verdictSteps.forEach((s, pos) => {
      const ts = s.steps[0]?.requestTs ?? requestTs.get(refKey(s.service, s.requestId));
      // No steps and no stored request: nothing was ever stored to replace.
      if (ts !== undefined) rows.push(stepRow(s.service, s.requestId, ts, s.steps, ver, pos, writeId));
    });
    return rows;
  }

  // ---- reads ---------------------------------------------------------------------------------------

  async readVerdictStepsAfter(service: string, after: number, requestFrom: number, requestTo: number): Promise<VerdictStep[]> {
    if (requestFrom >= requestTo) return [];
    const rows = await this.#db.rows<StepRow>(`SELECT request_id, ver, pos, write_id, steps FROM ${this.#db.table('verdict_step')}
      WHERE service = ${str(service)} AND request_ts >= ${int(requestFrom)} AND request_ts < ${int(requestTo)}
        AND day >= ${int(dayOf(requestFrom))} AND day <= ${int(dayOf(requestTo))}`, 'reading verdict steps');
    const newest = new Map<string, StepRow>();
    for (const r of await this.#log.filter(rows)) {
      const had = newest.get(r.request_id);
      if (had === undefined || r.ver > had.ver) newest.set(r.request_id, r);
    }
    const hits: Array<{ step: VerdictStep; ver: number; pos: number; i: number }> = [];
    for (const r of newest.values()) {
      (JSON.parse(r.steps) as VerdictStep[]).forEach((step, i) => {
        if (step.stepTs > after) hits.push({ step, ver: r.ver, pos: r.pos, i });
      });
    }
    // Step time, then the order the SQLite adapter's rowids give: write, place in the write, place in the list.
    hits.sort((a, b) => a.step.stepTs - b.step.stepTs || a.ver - b.ver || a.pos - b.pos || a.i - b.i);
    return hits.map((h) => h.step);
  }

  async countOrphans(service: string, before: number): Promise<number> {
    const orphans = await this.#db.rows<OutcomeRow>(`SELECT service, key, seq, write_id FROM ${this.#db.table('outcome')}
      WHERE service = ${str(service)} AND joined = 0 AND ts < ${int(Math.min(before, Number.MAX_SAFE_INTEGER))}`, 'counting orphan outcomes');
    const keys = [...firstBySeq(await this.#log.filter(orphans), (r) => r.key).keys()];
    let joined = 0;
    for (const part of chunks(keys, CHUNK)) {
      const rows = await this.#db.rows<{ key: string; write_id: string }>(`SELECT key, write_id FROM ${this.#db.table('outcome_join')}
        WHERE service = ${str(service)} AND key IN ${strList(part)}`, 'counting orphan outcomes');
      joined += new Set((await this.#log.filter(rows)).map((r) => r.key)).size;
    }
    return keys.length - joined;
  }

  // ---- the inference feed --------------------------------------------------------------------------

  /**
   * Up to `limit` committed rows of a paged query, in its order, that `keep` accepts (called in order).
   * `page(cursor, n)` reads the next `n` rows after the cursor row (all rows, committed or not).
   */
  async #committedPage<R extends Written>(limit: number, page: (cursor: R | undefined, n: number) => Promise<R[]>, keep: (r: R) => boolean = () => true): Promise<R[]> {
    const out: R[] = [];
    let cursor: R | undefined;
    const n = Math.max(limit, PAGE_MIN);
    while (out.length < limit) {
      const rows = await page(cursor, n);
      for (const r of await this.#log.filter(rows)) if (out.length < limit && keep(r)) out.push(r);
      if (rows.length < n) break;
      cursor = rows.at(-1);
    }
    return out;
  }

  async readInferencesAfter(q: InferenceTailQuery): Promise<InferenceTail[]> {
    type Row = InferenceRow & { ts: number };
    const where = [`seq <= ${int(Math.min(q.uptoSeq ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER))}`];
    if (q.service !== undefined) where.push(`service = ${str(q.service)}`);
    if (q.fromTs !== undefined) where.push(`ts >= ${int(q.fromTs)}`, `day >= ${int(dayOf(q.fromTs))}`);
    const rows = await this.#committedPage<Row>(q.limit, (cursor, n) => this.#db.rows<Row>(`SELECT service, id, seq, write_id, eligible, body
      FROM ${this.#db.table('inference')} WHERE seq > ${int(cursor?.seq ?? Math.max(0, q.afterSeq))} AND ${where.join(' AND ')}
      ORDER BY seq LIMIT ${int(n)}`, 'reading the inference feed'));
    return rows.map((r) => ({ seq: r.seq, eligible: r.eligible === 1, event: JSON.parse(r.body) as InferenceEvent }));
  }

  async lastInferenceSeq(): Promise<number> {
    // The newest writes first; an uncommitted one (a crashed commit) is passed over.
    for (let offset = 0; ; offset += PAGE_MIN) {
      const rows = await this.#db.rows<{ write_id: string; seq: number }>(`SELECT write_id, max(seq) AS seq FROM ${this.#db.table('inference')}
        GROUP BY write_id ORDER BY seq DESC LIMIT ${int(PAGE_MIN)} OFFSET ${int(offset)}`, 'reading the inference feed');
      const committed = await this.#log.filter(rows);
      if (committed.length > 0) return committed[0]!.seq;
      if (rows.length < PAGE_MIN) return 0;
    }
  }

  async readInferences(q: Parameters<Store['readInferences']>[0]): Promise<InferencePage> {
    type Row = InferenceRow & { ts: number };
    const range = `service = ${str(q.service)} AND ts < ${int(q.to)} AND day >= ${int(dayOf(q.from))} AND day <= ${int(dayOf(q.to))}`;
    // A cursor before the window's start leaves every row of the window after it.
    const start = q.after === undefined || q.after.ts < q.from ? { ts: q.from, id: undefined } : q.after;
    const after = (c: { ts: number; id: string | undefined }): string => (c.id === undefined
      ? `ts >= ${int(c.ts)}` : `(ts > ${int(c.ts)} OR (ts = ${int(c.ts)} AND id > ${str(c.id)}))`);
    let previous: Row | undefined;
    // Copies of one event (two replicas) are neighbours in (ts, id) order: the first is kept.
    const first = (r: Row): boolean => {
      const dup = previous !== undefined && previous.ts === r.ts && previous.id === r.id;
      previous = r;
      return !dup;
    };
    const rows = await this.#committedPage<Row>(q.limit, (cursor, n) => this.#db.rows<Row>(`SELECT service, id, ts, seq, write_id,
      eligible, body FROM ${this.#db.table('inference')} WHERE ${range} AND ${after(cursor ?? start)}
      ORDER BY ts, id, seq LIMIT ${int(n)}`, 'reading inferences'), first);
    const verdicts = await this.currentVerdicts(rows.map((r) => ({ service: r.service, id: r.id })));
    return rows.map((r) => ({ event: JSON.parse(r.body) as InferenceEvent, eligible: r.eligible === 1, verdict: verdicts.get(refKey(r.service, r.id)) }));
  }

  // ---- retention -----------------------------------------------------------------------------------

  /**
   * Drops the raw-event partitions (inferences, outcomes, verdict steps) of days before `day` (days since
   * the epoch, UTC): whole parts are unlinked, no rewrite. Rollups are kept: their size is bounded by
   * cardinality, and reports over old windows still need them. Claims (claims.ts) go with the events they
   * claim: an event whose day was dropped is new again if re-sent. Returns the raw-event partitions dropped.
   */
  async dropBefore(day: number): Promise<number> {
    let dropped = 0;
    for (const table of ['inference', 'outcome', 'verdict_step', 'write_claim']) {
      const parts = await this.#db.rows<{ partition: string }>(`SELECT DISTINCT partition FROM system.parts
        WHERE database = ${str(this.#db.database)} AND table = ${str(table)} AND active`, 'listing partitions');
      for (const p of parts.map((x) => Number(x.partition)).filter((d) => Number.isSafeInteger(d) && d < day)) {
        await this.#db.exec(`ALTER TABLE ${this.#db.table(table)} DROP PARTITION ${int(p)}`, `dropping ${table} partition ${p}`);
        if (table !== 'write_claim') dropped++;
      }
    }
    return dropped;
  }
}
