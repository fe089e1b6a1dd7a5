/**
 * `mlslo serve` configuration: one schema, one defaults object, validated once and frozen
 * (CONVENTIONS §10). Precedence: flags > config file (`--config mlslo.yaml`) > defaults; the ClickHouse
 * password also comes from `$MLSLO_CLICKHOUSE_PASSWORD` (over the file), so it need not sit in a file or
 * on a command line. Unknown keys are errors, in the file and in code. Every command that opens the store
 * (serve, keys, migrate, import) resolves it here: `store` is the one key that switches deployment modes
 * (docs/deployment.md).
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../core/duration.ts';
import { MlsloError } from '../core/errors.ts';
import { SERVER_ROLES, type ServerRole } from '../server/roles.ts';
import type { StoreConfig } from '../store/open-store.ts';

/** The `clickhouse:` block: where the scale-out store lives (docs/clickhouse.md). */
export interface ClickHouseSettings {
  readonly url: string;
  readonly database: string;
  readonly username?: string;
  /** Never logged nor printed; `$MLSLO_CLICKHOUSE_PASSWORD` overrides the file. */
  readonly password?: string;
}

export const PASSWORD_ENV = 'MLSLO_CLICKHOUSE_PASSWORD';

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** `sqlite` (embedded, one file in `data`) or `clickhouse` (scale-out, the `clickhouse` block). */
  readonly store: 'sqlite' | 'clickhouse';
  readonly data: string;
  /** Required with `store: clickhouse`; ignored with sqlite, so switching back is one key. */
  readonly clickhouse?: ClickHouseSettings;
  /** What this process runs (src/server/roles.ts); `all` is the single-node server. */
  readonly role: ServerRole;
  /** The address notices link to (alert pages); default this server's own URL. Evaluator replicas set it to the API's. */
  readonly publicUrl?: string;
  readonly specs: readonly string[];
  readonly demo: boolean;
  /**
   * With `demo`: server minutes per real minute (time compression, src/demo/clock.ts); 1 is real time.
   * The server's clock and the demo traffic share it, so burn windows and label delays pass this much faster.
   */
  readonly demoSpeed: number;
  readonly maxEventAge: string;
  readonly maxBodyBytes: number;
  readonly maxItems: number;
  readonly maxQueue: number;
  /** How often alerts are evaluated (DESIGN §2.9 default 30s). */
  readonly evalInterval: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Send notifications to hosts on private, loopback, link-local or unique-local addresses (DESIGN §5). */
  readonly allowPrivateTargets: boolean;
  /** How often the notification dispatcher looks for due deliveries. */
  readonly notifyInterval: string;
  /** Timeout of one notification request. */
  readonly notifyTimeout: string;
  /** How often a firing alert is re-sent to Alertmanager. */
  readonly alertmanagerResend: string;
  /** PagerDuty Events API v2 endpoint (tests point it at a local receiver). */
  readonly pagerdutyUrl: string;
  /** How often the drift histograms catch up with ingested requests. */
  readonly driftInterval: string;
  /** How far back a new baseline re-bins stored requests (days). */
  readonly driftRebuildDays: number;
  /** How long `/metrics` reuses its computed gauges (server time); `0s` computes them on every scrape. */
  readonly metricsTtl: string;
  /** How often the engine roles run the store's housekeeping (ClickHouse compaction; nothing on SQLite). Wall-clock time. */
  readonly compactInterval: string;
}

export const DEFAULT_CONFIG: ServeConfig = Object.freeze({
  port: 7070,
  host: '127.0.0.1',
  store: 'sqlite',
  data: './data',
  role: 'all',
  specs: [],
  demo: false,
  demoSpeed: 10,
  maxEventAge: '7d',
  maxBodyBytes: 10 * 1024 * 1024,
  maxItems: 10_000,
  maxQueue: 64,
  evalInterval: '30s',
  logLevel: 'warn',
  allowPrivateTargets: false,
  notifyInterval: '1s',
  notifyTimeout: '10s',
  alertmanagerResend: '1m',
  pagerdutyUrl: 'https://events.pagerduty.com/v2/enqueue',
  driftInterval: '2s',
  driftRebuildDays: 31,
  metricsTtl: '15s',
  compactInterval: '1m',
});

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    store: { enum: ['sqlite', 'clickhouse'] },
    data: { type: 'string', minLength: 1 },
    clickhouse: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        database: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string' },
      },
    },
    role: { enum: SERVER_ROLES },
    publicUrl: { type: 'string', pattern: '^https?://' },
    specs: { type: 'array', items: { type: 'string', minLength: 1 } },
    demo: { type: 'boolean' },
    demoSpeed: { type: 'number', minimum: 1, maximum: 1000 },
    maxEventAge: { type: 'string' },
    maxBodyBytes: { type: 'integer', minimum: 1024 },
    maxItems: { type: 'integer', minimum: 1 },
    maxQueue: { type: 'integer', minimum: 1 },
    evalInterval: { type: 'string' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] },
    allowPrivateTargets: { type: 'boolean' },
    notifyInterval: { type: 'string' },
    notifyTimeout: { type: 'string' },
    alertmanagerResend: { type: 'string' },
    pagerdutyUrl: { type: 'string', pattern: '^https?://' },
    driftInterval: { type: 'string' },
    driftRebuildDays: { type: 'integer', minimum: 1, maximum: 400 },
    metricsTtl: { type: 'string' },
    compactInterval: { type: 'string' },
  },
} as const;

const validate = new Ajv({ allErrors: true, coerceTypes: false }).compile(schema);

/**
 * The `clickhouse` block of file and flags merged key by key (`--clickhouse-url` keeps the file's
 * database), with the password from the environment when it is set there. A block that is not a mapping
 * is passed through for the schema to report.
 */
function mergeClickHouse(file: unknown, flags: unknown, env: NodeJS.ProcessEnv): unknown {
  const isMapping = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (file !== undefined && !isMapping(file)) return file;
  const password = env[PASSWORD_ENV];
  if (file === undefined && flags === undefined && password === undefined) return undefined;
  return { ...file, ...(isMapping(flags) ? flags : {}), ...(password === undefined ? {} : { password }) };
}

/** What the layers cannot say one key at a time: the ClickHouse block the store needs, the demo's one process. */
function checkCombinations(c: ServeConfig, source: string): void {
  if (c.store === 'clickhouse' && (c.clickhouse?.url === undefined || c.clickhouse.database === undefined)) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID',
      `${source}: store: clickhouse needs clickhouse.url and clickhouse.database (or --clickhouse-url and --clickhouse-database)`);
  }
  if (c.demo && c.role !== 'all') {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: the demo runs in one process: it needs role all, not ${c.role}`);
  }
}

export function resolveConfig(file: Partial<ServeConfig>, flags: Partial<ServeConfig>, source: string, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const clickhouse = mergeClickHouse(file.clickhouse, flags.clickhouse, env);
  // Typed as what it must be; the schema checks that it is, before anything reads it.
  const merged: ServeConfig = { ...DEFAULT_CONFIG, ...file, ...flags, ...(clickhouse === undefined ? {} : { clickhouse: clickhouse as ClickHouseSettings }) };
  if (!validate(merged)) {
    const msgs = (validate.errors ?? []).map((e) =>
      e.keyword === 'additionalProperties'
        ? `unknown key \`${[e.instancePath.slice(1).replace(/\//g, '.'), (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.')}\``
        : `${e.instancePath.slice(1).replace(/\//g, '.') || '(root)'} ${e.message ?? 'is invalid'}`);
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: ${msgs.join('; ')}`);
  }
  checkCombinations(merged, source);
  if (parseDuration(merged.maxEventAge) === undefined) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: maxEventAge must be a duration such as 7d`);
  }
  if ((parseDuration(merged.evalInterval) ?? 0) < 1000) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: evalInterval must be a duration of at least 1s, such as 30s`);
  }
  for (const [k, min] of [['notifyInterval', 100], ['notifyTimeout', 100], ['alertmanagerResend', 1000], ['driftInterval', 100], ['compactInterval', 1000]] as const) {
    if ((parseDuration(merged[k]) ?? 0) < min) {
      throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: ${k} must be a duration of at least ${min < 1000 ? `${min}ms` : '1s'}, such as ${DEFAULT_CONFIG[k]}`);
    }
  }
  if (parseTtl(merged.metricsTtl) === undefined) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: metricsTtl must be a duration such as 15s, or 0s to compute on every scrape`);
  }
  return Object.freeze({
    ...merged, specs: Object.freeze([...merged.specs]), ...(merged.clickhouse === undefined ? {} : { clickhouse: Object.freeze({ ...merged.clickhouse }) }),
  });
}

/** The store a resolved config names (checkCombinations made sure the ClickHouse block is complete). */
export function storeConfigOf(c: ServeConfig): StoreConfig {
  return c.store === 'clickhouse' && c.clickhouse !== undefined
    ? { store: 'clickhouse', data: c.data, clickhouse: c.clickhouse }
    : { store: 'sqlite', data: c.data };
}

/** A cache lifetime in ms: a duration, or zero written with a unit (`0s`), which parseDuration refuses. */
export function parseTtl(text: string): number | undefined {
  return /^0+(?:ms|s|m|h|d|w)$/.test(text) ? 0 : parseDuration(text);
}

export async function readConfigFile(path: string): Promise<Partial<ServeConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `cannot read ${path}`, { cause: e });
  }
  const doc: unknown = parseYaml(text);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${path}: must be a mapping of keys`);
  return doc;
}
