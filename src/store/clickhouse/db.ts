/**
 * The adapter's connection: one @clickhouse/client (HTTP) bound to one database, with every call's
 * failure mapped to the error catalogue (errors.ts). Reads come back as JSONEachRow objects; writes
 * go as JSONEachRow bodies, so inserted values are data and never SQL.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { mapClickHouseError } from './errors.ts';
import { ident } from './sql.ts';

export interface ClickHouseConnection {
  /** e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
  /** Per request; a slower answer fails as MLSLO_ERR_STORE_UNAVAILABLE. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * Session-free settings every request carries. `wait_end_of_query` buffers a result on the server until
 * the query is done, so an error half-way through arrives as an HTTP error rather than a 200 with a
 * truncated body. 64-bit integers come back as JSON numbers: every one the adapter stores (epoch ms,
 * versions, counts) is a safe integer.
 */
const SETTINGS = { wait_end_of_query: 1, output_format_json_quote_64bit_integers: 0 } as const;

export class Db {
  readonly database: string;
  readonly #client: ClickHouseClient;

  constructor(conn: ClickHouseConnection, database = conn.database) {
    this.database = database;
    // No session database: every statement names its tables (table()), and the database itself may
    // not exist yet when migrate() creates it.
    this.#client = createClient({
      url: conn.url,
      username: conn.username ?? 'default',
      password: conn.password ?? '',
      request_timeout: conn.requestTimeoutMs ?? 30_000,
      clickhouse_settings: SETTINGS,
      // Errors reach the caller mapped; the library's own console logging would only duplicate them.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** `name` quoted and qualified by this database. */
  table(name: string): string {
    return `${ident(this.database)}.${ident(name)}`;
  }

  async rows<T>(sql: string, what: string): Promise<T[]> {
    try {
      const rs = await this.#client.query({ query: sql, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (e) {
      throw mapClickHouseError(e, what);
    }
  }

  async insert(table: string, rows: readonly object[], what: string): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.#client.insert({ table: this.table(table), values: rows as object[], format: 'JSONEachRow' });
    } catch (e) {
      throw mapClickHouseError(e, what);
    }
  }

  async exec(sql: string, what: string): Promise<void> {
    try {
      await this.#client.command({ query: sql });
    } catch (e) {
      throw mapClickHouseError(e, what);
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

/**
 * Row versions and sequence numbers: microsecond-scale clock values (epoch ms × 1000), strictly
 * increasing within a process. Safe integers until the year 2255. Across processes they order by wall
 * clock, so a restart continues above the last run's values as long as the clock did not step back by
 * more than the restart took; replicas need synchronised clocks (NTP) for "latest version wins" to
 * mean "latest write wins".
 */
export class Versions {
  #last = 0;

  /** The first of `n` consecutive fresh values. */
  take(n = 1): number {
    const first = Math.max(this.#last + 1, Date.now() * 1000);
    this.#last = first + n - 1;
    return first;
  }
}
