/**
 * One `kind: Service` document → the internal `ServiceSpec` (DESIGN §3.2), defaults applied. Every
 * section is read even after a problem, so the document's problems are all found in one pass; a spec is
 * produced only when there were none.
 */
import type { ServiceSpec, Task, Tier } from '../core/spec.ts';
import { readNotify, readRetrain } from './channels.ts';
import { DEFAULTS, MAX_COHORT_CAP } from './defaults.ts';
import { readCohorts, readDrift } from './drift.ts';
import { readEvals } from './evals.ts';
import { readLabeling } from './labeling.ts';
import { readLatency } from './latency.ts';
import { readObjectives, readWindow } from './objectives.ts';
import { readQuality } from './quality.ts';
import { readStatusPage } from './status-page.ts';
import { isMap } from 'yaml';
import { describe, shown, type At, type Reader } from './yaml-reader.ts';

export const API_VERSION = 'mlslo/v1';
export const KIND = 'Service';
const ROOT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
const METADATA_KEYS = ['name', 'owner', 'oncall', 'tier', 'public', 'description'] as const;
const SPEC_KEYS = ['task', 'window', 'timeZone', 'objectives', 'minEvents', 'latency', 'errors', 'quality',
  'cohorts', 'cohortCap', 'drift', 'notify', 'retrain', 'statusPage', 'evals', 'labeling'] as const;
const TASKS: readonly Task[] = ['classification', 'ranking', 'regression', 'generative'];
const TIERS: readonly Tier[] = [0, 1, 2];
// RFC 1123 label, as Kubernetes names: it ends up in URLs, metric labels and file names.
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface ReadService {
  readonly spec: ServiceSpec | undefined;
  /** Where the name is, for duplicate-name problems across documents and files. */
  readonly name: { readonly value: string; readonly at: At } | undefined;
}

function readMetadata(r: Reader, at: At | undefined) {
  const m = at === undefined ? undefined : r.map(at, METADATA_KEYS);
  if (m === undefined) return undefined;
  const nameAt = m.require('name');
  let name = nameAt === undefined ? undefined : r.string(nameAt);
  if (name !== undefined && !DNS_LABEL.test(name)) {
    r.report(nameAt!, `must be a DNS label: 1 to 63 lowercase letters, digits or \`-\`, starting and ending with a letter or digit, got \`${name}\``);
    name = undefined;
  }
  const req = (key: string): string | undefined => {
    const a = m.require(key);
    return a === undefined ? undefined : r.string(a);
  };
  const owner = req('owner');
  const oncall = req('oncall');
  const tierAt = m.require('tier');
  const tier = tierAt === undefined ? undefined : r.oneOf(tierAt, TIERS);
  const pubAt = m.get('public');
  const pub = pubAt === undefined ? false : r.boolean(pubAt);
  const descAt = m.get('description');
  const description = descAt === undefined ? undefined : r.string(descAt);
  return { name, nameAt, owner, oncall, tier, public: pub, description };
}

export function readService(r: Reader, root: At): ReadService {
  const before = r.sink.problems.length;
  if (!isMap(root.node)) {
    r.report(root, `a Service document must be a mapping, got ${describe(root.node)}`);
    return { spec: undefined, name: undefined };
  }
  const doc = r.map(root, ROOT_KEYS);
  if (doc === undefined) return { spec: undefined, name: undefined };
  const apiAt = doc.require('apiVersion');
  const kindAt = doc.require('kind');
  // A wrong apiVersion or kind means an unknown schema: checking the rest against ours would only add noise.
  if (apiAt !== undefined && r.scalar(apiAt) !== API_VERSION) {
    r.report(apiAt, `unsupported apiVersion ${shown(apiAt.node)}; this version of mlslo reads \`${API_VERSION}\``);
    return { spec: undefined, name: undefined };
  }
  if (kindAt !== undefined && r.scalar(kindAt) !== KIND) {
    r.report(kindAt, `unsupported kind ${shown(kindAt.node)}; \`${API_VERSION}\` defines only \`${KIND}\``);
    return { spec: undefined, name: undefined };
  }
  const meta = readMetadata(r, doc.require('metadata'));
  const specAt = doc.require('spec');
  const spec = specAt === undefined ? undefined : r.map(specAt, SPEC_KEYS);
  const name = meta?.name === undefined ? undefined : { value: meta.name, at: meta.nameAt! };
  if (spec === undefined) return { spec: undefined, name };

  const tier = meta?.tier;
  const taskAt = spec.require('task');
  const task = taskAt === undefined ? undefined : r.oneOf(taskAt, TASKS);
  const window = readWindow(r, spec);
  const objectives = readObjectives(r, spec, tier);
  const count = (key: string, dflt: number, max?: number): number | undefined => {
    const a = spec.get(key);
    return a === undefined ? dflt : r.integer(a, 1, max);
  };
  const minEvents = count('minEvents', DEFAULTS.minEvents);
  const cohortCap = count('cohortCap', DEFAULTS.cohortCap, MAX_COHORT_CAP);
  const latency = readLatency(r, spec.get('latency'), tier);
  const errors = readErrors(r, spec.get('errors'));
  const cohorts = readCohorts(r, spec.get('cohorts'));
  const quality = readQuality(r, spec.get('quality'), { tier, task, cohorts, spec });
  const drift = readDrift(r, spec.get('drift'));
  const notify = readNotify(r, spec.get('notify'));
  const retrain = readRetrain(r, spec.get('retrain'));
  const statusPage = readStatusPage(r, spec.get('statusPage'), cohorts);
  const evals = readEvals(r, spec.get('evals'), task);
  const labeling = readLabeling(r, spec.get('labeling'), { task, cohorts, quality });

  if (r.sink.problems.length > before || meta === undefined) return { spec: undefined, name };
  const { owner, oncall, description } = meta;
  const pub = meta.public;
  if (name === undefined || owner === undefined || oncall === undefined || tier === undefined || pub === undefined || task === undefined
    || window === undefined || objectives === undefined || minEvents === undefined || cohortCap === undefined || latency === undefined
    || errors === undefined || cohorts === undefined || quality === undefined || drift === undefined || notify === undefined || !retrain.ok
    || statusPage === undefined || evals === undefined || !labeling.ok) {
    return { spec: undefined, name };
  }
  return {
    name,
    spec: {
      name: name.value, owner, oncall, tier, public: pub, task, description, window, objectives, latency, errors, quality,
      cohorts, cohortCap, minEvents, drift, notify, retrain: retrain.value, statusPage, evals, labeling: labeling.value,
    },
  };
}

function readErrors(r: Reader, at: At | undefined): ServiceSpec['errors'] | undefined {
  if (at === undefined) return { exclude: [...DEFAULTS.errorsExclude] };
  const view = r.map(at, ['exclude']);
  const exAt = view?.get('exclude');
  if (view === undefined) return undefined;
  if (exAt === undefined) return { exclude: [...DEFAULTS.errorsExclude] };
  const list = r.stringList(exAt, 'error type');
  return list === undefined ? undefined : { exclude: list.map((e) => e.value) };
}
