/**
 * `mlslo serve` configuration: one schema, one defaults object, validated once and frozen
 * (CONVENTIONS §10). Precedence: flags > config file (`--config mlslo.yaml`) > defaults. Unknown keys
 * are errors, in the file and in code.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../core/duration.ts';
import { MlsloError } from '../core/errors.ts';

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly data: string;
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
}

export const DEFAULT_CONFIG: ServeConfig = Object.freeze({
  port: 7070,
  host: '127.0.0.1',
  data: './data',
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
});

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    data: { type: 'string', minLength: 1 },
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
  },
} as const;

const validate = new Ajv({ allErrors: true, coerceTypes: false }).compile(schema);

export function resolveConfig(file: Partial<ServeConfig>, flags: Partial<ServeConfig>, source: string): ServeConfig {
  const merged = { ...DEFAULT_CONFIG, ...file, ...flags };
  if (!validate(merged)) {
    const msgs = (validate.errors ?? []).map((e) =>
      e.keyword === 'additionalProperties'
        ? `unknown key \`${(e.params as { additionalProperty: string }).additionalProperty}\``
        : `${e.instancePath.slice(1) || '(root)'} ${e.message ?? 'is invalid'}`);
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: ${msgs.join('; ')}`);
  }
  if (parseDuration(merged.maxEventAge) === undefined) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: maxEventAge must be a duration such as 7d`);
  }
  if ((parseDuration(merged.evalInterval) ?? 0) < 1000) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: evalInterval must be a duration of at least 1s, such as 30s`);
  }
  for (const [k, min] of [['notifyInterval', 100], ['notifyTimeout', 100], ['alertmanagerResend', 1000], ['driftInterval', 100]] as const) {
    if ((parseDuration(merged[k]) ?? 0) < min) {
      throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: ${k} must be a duration of at least ${min < 1000 ? `${min}ms` : '1s'}, such as ${DEFAULT_CONFIG[k]}`);
    }
  }
  if (parseTtl(merged.metricsTtl) === undefined) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `${source}: metricsTtl must be a duration such as 15s, or 0s to compute on every scrape`);
  }
  return Object.freeze({ ...merged, specs: Object.freeze([...merged.specs]) });
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
