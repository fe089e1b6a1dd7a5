/**
 * `spec.evals` (DESIGN §2.7): named endpoints (replay targets, also usable by golden sets) and the
 * golden sets' run configuration. The examples themselves are uploaded separately (docs/evals.md).
 *
 * DESIGN §2.1 requires a daily golden-set eval for tier 0. The validator has no warnings, and failing
 * every existing tier-0 spec that predates evals would be a breaking change, so that row is not enforced
 * here (the dashboard can point the gap out instead).
 */
import { CronPattern } from 'croner';
import { isMap } from 'yaml';
import type { EndpointSpec, EvalsSpec, GoldenSetSpec, Task } from '../core/spec.ts';
import { readEndpoint, type TemplateUse } from './endpoint.ts';
import { didYouMean, listOf } from './suggest.ts';
import { describe, shown, type At, type Reader } from './yaml-reader.ts';

const EVALS_KEYS = ['endpoints', 'goldenSets'] as const;
const GOLDEN_SET_KEYS = ['name', 'endpoint', 'schedule', 'judge', 'maxDrop', 'alpha'] as const;

export const EVALS_DEFAULTS = { schedule: '@daily', maxDrop: 0.02, alpha: 0.05 } as const;

// Names appear in URLs (`/golden-sets/{set}`) and alert ids.
const EVAL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CRON_NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'] as const;

function checkName(r: Reader, at: At, name: string, what: string): boolean {
  if (EVAL_NAME.test(name)) return true;
  r.report(at, `${what} \`${name}\` must start with a lowercase letter or digit and hold at most 63 lowercase letters, digits, \`_\` or \`-\``);
  return false;
}

/**
 * A cron expression evaluated in UTC: five fields (minute hour day-of-month month day-of-week) or one of
 * the nicknames, parsed by croner. Seconds fields and `?` (croner fills it with the time of loading,
 * so the schedule would depend on when the server started) are refused.
 */
function readSchedule(r: Reader, at: At): string | undefined {
  const s = r.string(at)?.trim();
  if (s === undefined) return undefined;
  if (s.startsWith('@')) {
    if ((CRON_NICKNAMES as readonly string[]).includes(s)) return s;
    r.report(at, `unknown schedule ${shown(at.node)}; nicknames are ${listOf(CRON_NICKNAMES)}${didYouMean(s, CRON_NICKNAMES)}`);
    return undefined;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) {
    r.report(at, `must be a cron expression with five fields (minute hour day-of-month month day-of-week, UTC) such as \`0 3 * * *\`, or ${listOf(CRON_NICKNAMES)}; got ${fields.length} field${fields.length === 1 ? '' : 's'}`);
    return undefined;
  }
  if (s.includes('?')) {
    r.report(at, '`?` is not supported in schedules; write `*`');
    return undefined;
  }
  try {
    new CronPattern(s, 'UTC');
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern: /, '');
    r.report(at, `invalid cron expression \`${s}\`: ${why.charAt(0).toLowerCase()}${why.slice(1).replace(/\.$/, '')}`);
    return undefined;
  }
  return s;
}

/** A number strictly between 0 and 1. */
function readOpenUnit(r: Reader, at: At | undefined, dflt: number): number | undefined {
  if (at === undefined) return dflt;
  const v = r.number(at);
  if (v === undefined || (v > 0 && v < 1)) return v;
  r.report(at, `must be between 0 and 1, exclusive, got ${v}`);
  return undefined;
}

/** Declared endpoints by name; undefined as a value marks an endpoint that was invalid (reported). */
type Named = ReadonlyMap<string, EndpointSpec | undefined>;

/** `endpoint: name` (from `evals.endpoints`) or an inline mapping. */
function readEndpointRef(r: Reader, at: At, named: Named | undefined, use: TemplateUse): EndpointSpec | undefined {
  const v = r.scalar(at);
  if (typeof v === 'string') {
    // An invalid `evals.endpoints` was reported already; a name into it cannot be checked.
    if (named === undefined) return undefined;
    if (named.has(v)) return named.get(v);
    const names = [...named.keys()];
    r.report(at, `\`${v}\` is not an endpoint declared in \`evals.endpoints\`${names.length === 0 ? '' : ` (declared: ${listOf(names, 'and')})`}${didYouMean(v, names)}`);
    return undefined;
  }
  if (!isMap(at.node)) {
    r.report(at, `must be the name of an endpoint in \`evals.endpoints\` or a mapping with \`url\` and \`prediction\`, got ${describe(at.node)}`);
    return undefined;
  }
  return readEndpoint(r, at, use);
}

function readGoldenSet(r: Reader, at: At, named: Named | undefined, task: Task | undefined, seen: Set<string>): GoldenSetSpec | undefined {
  const view = r.map(at, GOLDEN_SET_KEYS);
  if (view === undefined) return undefined;
  let ok = true;
  const nameAt = view.require('name');
  let name = nameAt === undefined ? undefined : r.string(nameAt);
  if (name !== undefined && !checkName(r, nameAt!, name, 'golden set name')) name = undefined;
  else if (name !== undefined && seen.has(name)) {
    r.report(nameAt!, `duplicate golden set name \`${name}\``);
    ok = false;
  }
  if (name !== undefined) seen.add(name);
  const endpointAt = view.require('endpoint', ': an endpoint name from `evals.endpoints`, or a mapping with `url` and `prediction`');
  const endpoint = endpointAt === undefined ? undefined : readEndpointRef(r, endpointAt, named, 'golden');
  const scheduleAt = view.get('schedule');
  const schedule = scheduleAt === undefined ? EVALS_DEFAULTS.schedule : readSchedule(r, scheduleAt);
  const judgeAt = view.get('judge');
  let judge: EndpointSpec | undefined;
  if (task === 'generative') {
    const a = view.require('judge', ': a generative golden set is scored by a judge endpoint that returns the scores the verdict criteria name');
    judge = a === undefined ? undefined : readEndpointRef(r, a, named, 'judge');
    if (judge === undefined) ok = false;
  } else if (judgeAt !== undefined && task !== undefined) {
    r.sink.at(view.keyNode('judge')!, judgeAt.pointer, `\`judge\` applies only to generative services; a ${task} golden set is scored against \`expected\``);
    ok = false;
  }
  const maxDrop = readOpenUnit(r, view.get('maxDrop'), EVALS_DEFAULTS.maxDrop);
  const alpha = readOpenUnit(r, view.get('alpha'), EVALS_DEFAULTS.alpha);
  if (!ok || name === undefined || endpoint === undefined || schedule === undefined || maxDrop === undefined || alpha === undefined) return undefined;
  return { name, endpoint, schedule, judge, maxDrop, alpha };
}

/** `task`: undefined when `spec.task` is invalid (then the judge rule is not checked). */
export function readEvals(r: Reader, at: At | undefined, task: Task | undefined): EvalsSpec | undefined {
  if (at === undefined) return { goldenSets: [], endpoints: {} };
  const view = r.map(at, EVALS_KEYS);
  if (view === undefined) return undefined;
  let ok = true;
  const endpointsAt = view.get('endpoints');
  let named: Map<string, EndpointSpec | undefined> | undefined = new Map();
  if (endpointsAt !== undefined) {
    const entries = r.mapOfAny(endpointsAt);
    if (entries === undefined) named = undefined;
    for (const [name, v] of entries ?? []) {
      const nameOk = checkName(r, v, name, 'endpoint name');
      const ep = readEndpoint(r, v, 'named');
      if (!nameOk || ep === undefined) ok = false;
      named?.set(name, nameOk ? ep : undefined);
    }
  }
  const goldenSets: GoldenSetSpec[] = [];
  const setsAt = view.get('goldenSets');
  const items = setsAt === undefined ? [] : r.list(setsAt);
  if (items === undefined) ok = false;
  const seen = new Set<string>();
  for (const item of items ?? []) {
    const g = readGoldenSet(r, item, named, task, seen);
    if (g === undefined) ok = false;
    else goldenSets.push(g);
  }
  if (!ok || named === undefined) return undefined;
  return { goldenSets, endpoints: Object.fromEntries([...named].map(([k, v]) => [k, v!])) };
}
