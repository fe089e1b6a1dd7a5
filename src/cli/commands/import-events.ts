/**
 * `mlslo import events FILE…` (also `mlslo import FILE…`): backfill NDJSON or CSV files, plain or gzip,
 * into either store, through the same Ingestor as `POST /v1/events` (docs/backfill.md). This file opens
 * the store (the store flags of every command, store-flags.ts) and specs like `mlslo serve`, reads each
 * file from where the last run left it, prints each rejected line and the summary, and records the
 * resume point after every committed batch.
 * Exit codes: 0 every line accepted or a duplicate, 1 some line rejected (the others are stored),
 * 2 a fatal error (unreadable file, bad CSV header, store error).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../../core/duration.ts';
import { isMlsloError, MlsloError } from '../../core/errors.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { backfill, DEFAULT_BATCH_SIZE, type CommittedBatch, type LineRejection } from '../../ingest/backfill/backfill.ts';
import { csvRecords } from '../../ingest/backfill/csv-records.ts';
import { ImportState, sameFile, type FileProgress, type ImportFormat } from '../../ingest/backfill/import-state.ts';
import { fileBytes, fileIdentity, stdinBytes, type InputBytes } from '../../ingest/backfill/input.ts';
import { ndjsonRecords } from '../../ingest/backfill/ndjson-records.ts';
import { START, type ReadPosition, type SourceRecord } from '../../ingest/backfill/source-record.ts';
import { Ingestor } from '../../ingest/ingest.ts';
import { formatProblem, loadSpecFiles } from '../../spec/load-spec.ts';
import { openConfiguredStore, type StoreConfig } from '../../store/open-store.ts';
import type { Store } from '../../store/port.ts';
import { storeConfigOf, type ServeConfig } from '../config.ts';
import { importProgress, type ImportProgress } from '../import-progress.ts';
import { addStoreChoice, commandConfig, type StoreFlags } from '../store-flags.ts';

interface ImportFlags extends StoreFlags {
  readonly format?: ImportFormat;
  readonly specs?: string[];
  readonly maxEventAge?: number;
  readonly batchSize?: number;
  readonly errors?: string;
  readonly state?: string;
  readonly restart?: boolean;
  readonly quiet?: boolean;
}

/** Counts of one file, or of the whole run. */
interface Tally {
  records: number;
  accepted: number;
  duplicates: number;
  readonly rejected: Map<string, number>;
}

const newTally = (): Tally => ({ records: 0, accepted: 0, duplicates: 0, rejected: new Map() });
const rejectedCount = (t: Tally): number => [...t.rejected.values()].reduce((a, b) => a + b, 0);

function add(t: Tally, b: Pick<CommittedBatch, 'records' | 'accepted' | 'duplicates' | 'rejected'>): void {
  t.records += b.records;
  t.accepted += b.accepted;
  t.duplicates += b.duplicates;
  for (const r of b.rejected) t.rejected.set(r.code, (t.rejected.get(r.code) ?? 0) + 1);
}

function merge(into: Tally, t: Tally): void {
  into.records += t.records;
  into.accepted += t.accepted;
  into.duplicates += t.duplicates;
  for (const [code, n] of t.rejected) into.rejected.set(code, (into.rejected.get(code) ?? 0) + n);
}

/** What one run needs for every file. */
interface Run {
  readonly ingestor: Ingestor;
  readonly state: ImportState;
  readonly flags: ImportFlags;
  readonly progress: ImportProgress;
  readonly errors: WriteStream | undefined;
}

export function formatRejection(name: string, r: LineRejection): string {
  return `${name}:${r.line}: ${r.code}${r.path === '' ? '' : ` ${r.path}`}: ${r.message}`;
}

/** The format a name tells (`.gz` aside), if it tells one. */
function formatByName(name: string): ImportFormat | undefined {
  const base = name.toLowerCase().replace(/\.gz$/, '');
  if (base.endsWith('.csv')) return 'csv';
  if (/\.(ndjson|jsonl|json)$/.test(base)) return 'ndjson';
  return undefined;
}

/** Sniffs the format from the first non-blank byte (`{` is NDJSON), keeping every chunk for the reader. */
async function sniffed(bytes: InputBytes): Promise<{ format: ImportFormat; chunks: AsyncIterable<Buffer> }> {
  const it = bytes.chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let first: number | undefined;
  while (first === undefined) {
    const next = await it.next();
    if (next.done === true) break;
    seen.push(next.value);
    // Whitespace and a UTF-8 byte order mark may come before the first character.
    first = [...next.value].find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf);
  }
  const chunks = (async function* () {
    yield* seen;
    for (let n = await it.next(); n.done !== true; n = await it.next()) yield n.value;
  })();
  return { format: first === 0x7b ? 'ndjson' : 'csv', chunks };
}

async function readerFor(bytes: InputBytes, known: ImportFormat | undefined, from: ReadPosition & { header?: readonly string[] | undefined }, onHeader: (h: readonly string[]) => void)
  : Promise<{ format: ImportFormat; records: AsyncIterable<SourceRecord> }> {
  const { format, chunks } = known === undefined ? await sniffed(bytes) : { format: known, chunks: bytes.chunks };
  const records = format === 'csv' ? csvRecords(chunks, { ...from, header: from.header }, onHeader) : ndjsonRecords(chunks, from);
  return { format, records };
}

/** Reads one input through the Ingestor; `saved` records the resume point after each batch (files only). */
async function importInput(run: Run, name: string, bytes: InputBytes, size: number | undefined, from: ReadPosition, format: ImportFormat | undefined,
  header: readonly string[] | undefined, saved: ((format: ImportFormat, header: readonly string[] | undefined, at: ReadPosition, done: boolean, t: Tally) => Promise<void>) | undefined): Promise<Tally> {
  let csvHeader = header;
  const reader = await readerFor(bytes, format, { ...from, header }, (h) => (csvHeader = h));
  const tally = newTally();
  let at = from;
  run.progress.start(name, size, bytes.bytesRead());
  try {
    await backfill(reader.records, {
      ingestor: run.ingestor,
      batchSize: run.flags.batchSize ?? DEFAULT_BATCH_SIZE,
      onBatch: async (b) => {
        add(tally, b);
        for (const r of b.rejected) {
          run.progress.log(formatRejection(name, r));
          run.errors?.write(`${JSON.stringify({ file: name, line: r.line, code: r.code, path: r.path, message: r.message })}\n`);
        }
        at = b.position;
        // After the commit: a crash before this write re-sends the batch, which then counts as duplicates.
        await saved?.(reader.format, csvHeader, at, false, tally);
        run.progress.update(bytes.bytesRead(), { records: tally.records, accepted: tally.accepted, rejected: rejectedCount(tally) });
      },
    });
  } finally {
    run.progress.stop();
  }
  await saved?.(reader.format, csvHeader, at, true, tally);
  return tally;
}

async function importFile(run: Run, file: string, out: (line: string) => void): Promise<Tally> {
  const path = resolve(file);
  const id = await fileIdentity(path);
  const identity = { size: id.size, mtimeMs: id.mtimeMs, head: id.head };
  const before = run.flags.restart === true ? undefined : await run.state.get(path);
  const resumable = before !== undefined && sameFile(before, identity) ? before : undefined;
  if (before !== undefined && resumable === undefined) out(`${file}: changed since it was last imported; reading it from the start (stored events count as duplicates)`);
  if (resumable?.done === true) {
    out(`${file}: already imported (${resumable.line} lines: ${resumable.accepted} accepted, ${resumable.duplicates} duplicates, ${resumable.rejected} rejected); nothing to do — --restart imports it again`);
    return newTally();
  }
  const from: ReadPosition = resumable ?? START;
  if (resumable !== undefined) out(`${file}: resuming after line ${resumable.line}`);
  const save = (format: ImportFormat, header: readonly string[] | undefined, at: ReadPosition, done: boolean, t: Tally): Promise<void> => {
    const p: FileProgress = {
      ...identity, format, ...(header === undefined ? {} : { header }), offset: at.offset, line: at.line, done,
      accepted: (resumable?.accepted ?? 0) + t.accepted, duplicates: (resumable?.duplicates ?? 0) + t.duplicates, rejected: (resumable?.rejected ?? 0) + rejectedCount(t),
    };
    return run.state.save(path, p);
  };
  const format = resumable?.format ?? run.flags.format ?? formatByName(file);
  return importInput(run, file, fileBytes(path, id.gzip, from.offset), id.size, from, format, resumable?.header, save);
}

async function loadSpecs(paths: readonly string[]): Promise<ReadonlyMap<string, ServiceSpec>> {
  if (paths.length === 0) throw new MlsloError('MLSLO_ERR_SPEC_READ', 'no service specs: pass --specs (or `specs` in --config); every event would be rejected as unknown_service');
  const { specs, problems } = await loadSpecFiles([...paths]);
  if (problems.length > 0) throw new MlsloError('MLSLO_ERR_SPEC_INVALID', `\n${problems.map(formatProblem).join('\n')}`);
  return new Map(specs.map((s) => [s.name, s] as const));
}

/** The serve configuration with these flags over it: the store flags as every command reads them, and `--specs`. */
function serveConfig(flags: ImportFlags): Promise<ServeConfig> {
  return commandConfig(flags, flags.specs === undefined ? {} : { specs: flags.specs });
}

/**
 * Where resume offsets live by default: in the data directory, one file per store, so a file imported
 * into SQLite is not taken as already imported once `store` switches to ClickHouse (docs/backfill.md).
 */
function defaultStatePath(store: StoreConfig): string {
  return join(store.data, store.store === 'clickhouse' ? `import-state.clickhouse-${store.clickhouse.database}.json` : 'import-state.json');
}

function summary(t: Tally): string {
  const r = rejectedCount(t);
  const codes = [...t.rejected].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c} ${n}`).join(', ');
  return `${t.accepted} accepted, ${t.duplicates} duplicates, ${r} rejected${r === 0 ? '' : ` (${codes})`}`;
}

/** Imports `files` into `store`; the exit code. Separate from the CLI wiring so it takes any Store. */
export async function importEvents(files: readonly string[], store: Store, specs: ReadonlyMap<string, ServiceSpec>, statePath: string, flags: ImportFlags): Promise<number> {
  const maxAge = flags.maxEventAge ?? Number.POSITIVE_INFINITY;
  const ingestor = new Ingestor({ store, specs: () => specs, now: Date.now, maxEventAgeMs: maxAge, maxOutcomeAgeMs: maxAge, maxQueue: 1 });
  const errors = flags.errors === undefined ? undefined : createWriteStream(flags.errors);
  const run: Run = { ingestor, state: new ImportState(statePath), flags, progress: importProgress(process.stderr, flags.quiet === true), errors };
  const total = newTally();
  const started = performance.now();
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  try {
    for (const file of files) {
      const t = file === '-'
        ? await importInput(run, 'stdin', await stdinBytes(process.stdin), undefined, START, flags.format, undefined, undefined)
        : await importFile(run, file, out);
      if (t.records > 0) out(`${file === '-' ? 'stdin' : file}: ${t.records} lines read: ${summary(t)}`);
      merge(total, t);
    }
  } finally {
    if (errors !== undefined) await new Promise<void>((res, rej) => errors.end((e?: Error | null) => (e ? rej(e) : res())));
  }
  const seconds = (performance.now() - started) / 1000;
  out(`imported ${total.records} lines in ${seconds.toFixed(1)} s (${Math.round(total.records / Math.max(seconds, 1e-3))} lines/s): ${summary(total)}`);
  return rejectedCount(total) > 0 ? 1 : 0;
}

async function importEventsCommand(files: string[], flags: ImportFlags): Promise<void> {
  if (files.filter((f) => f === '-').length > 1) throw new InvalidArgumentError('stdin (-) can be read once');
  let store: Store | undefined;
  try {
    // Every file is looked at before anything is written: a typo in the last name should not leave half a run.
    for (const f of files) if (f !== '-') await fileIdentity(resolve(f));
    const cfg = await serveConfig(flags);
    const specs = await loadSpecs(cfg.specs);
    const where = storeConfigOf(cfg);
    store = await openConfiguredStore(where);
    process.exitCode = await importEvents(files, store, specs, flags.state ?? defaultStatePath(where), flags);
  } catch (e) {
    process.stderr.write(`mlslo: ${isMlsloError(e) ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  } finally {
    await store?.close();
  }
}

function age(value: string): number {
  if (value === 'unlimited') return Number.POSITIVE_INFINITY;
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration such as 90d, or `unlimited`');
  return ms;
}

function batchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50_000) throw new InvalidArgumentError('must be a whole number from 1 to 50000');
  return n;
}

const collect = (value: string, prev: string[] | undefined): string[] => [...(prev ?? []), value];

export function addImportEventsCommand(importer: Command): void {
  const events = importer.command('events', { isDefault: true })
    .description('backfill events from NDJSON or CSV files, plain or gzip (- reads stdin), through the same validation as POST /v1/events; '
      + 'resumes where the last run stopped; exit 1 if any line was rejected, 2 on a fatal error (docs/backfill.md)')
    .argument('<file...>', 'NDJSON (.ndjson/.jsonl) or CSV (.csv) files, optionally gzip; - for stdin')
    .option('--format <format>', 'ndjson or csv, when the name does not tell (default: by the name, else by the first byte: `{` is NDJSON)', (v: string) => {
      if (v !== 'ndjson' && v !== 'csv') throw new InvalidArgumentError('must be ndjson or csv');
      return v;
    })
    .option('--data <dir>', 'data directory holding mlslo.sqlite and the resume offsets (default ./data)')
    .option('--specs <path...>', 'service spec files or directories of *.yaml (repeatable)', collect)
    .option('--config <file>', 'the serve YAML config file, for the store and `specs`; flags override it')
    .option('--max-event-age <duration>', 'oldest event accepted, inferences and outcomes alike (default unlimited: backfill is for old data)', age)
    .option('--batch-size <n>', `events per committed batch (default ${DEFAULT_BATCH_SIZE})`, batchSize)
    .option('--errors <file>', 'also write every rejected line as NDJSON {file, line, code, path, message}')
    .option('--state <file>', 'where resume offsets are kept (default <data>/import-state.json; with ClickHouse <data>/import-state.clickhouse-<database>.json)')
    .option('--restart', 'read every file from the start, even one already imported')
    .option('--quiet', 'no progress output');
  addStoreChoice(events).action(importEventsCommand);
}
