/** `spec.cohorts` and `spec.drift` (DESIGN §2.5, §2.6). */
import type { ServiceSpec } from '../core/spec.ts';
import { listOf } from './suggest.ts';
import type { At, Reader } from './yaml-reader.ts';

const DRIFT_KEYS = ['features', 'critical'] as const;
const FEATURE_TYPES = ['numeric', 'categorical'] as const;
// Attribute names appear in URLs, metric labels and SQL; keep them to a safe identifier alphabet.
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

function checkName(r: Reader, at: At, name: string, what: string): boolean {
  if (ATTRIBUTE.test(name)) return true;
  r.report(at, `${what} \`${name}\` must start with a letter or \`_\` and hold at most 63 letters, digits, \`_\`, \`.\` or \`-\``);
  return false;
}

export function readCohorts(r: Reader, at: At | undefined): string[] | undefined {
  if (at === undefined) return [];
  const list = r.stringList(at, 'cohort attribute');
  if (list === undefined) return undefined;
  const good = list.filter((c) => checkName(r, c.at, c.value, 'cohort attribute'));
  return good.length === list.length && list.length === r.list(at)?.length ? list.map((c) => c.value) : undefined;
}

export function readDrift(r: Reader, at: At | undefined): ServiceSpec['drift'] | undefined {
  if (at === undefined) return { features: {}, critical: [] };
  const view = r.map(at, DRIFT_KEYS);
  if (view === undefined) return undefined;
  const features: Record<string, 'numeric' | 'categorical'> = {};
  let ok = true;
  const fAt = view.get('features');
  const fView = fAt === undefined ? undefined : r.mapOfAny(fAt);
  if (fAt !== undefined && fView === undefined) ok = false;
  for (const [name, v] of fView ?? []) {
    const type = r.oneOf(v, FEATURE_TYPES);
    if (!checkName(r, v, name, 'feature') || type === undefined) ok = false;
    else features[name] = type;
  }
  const cAt = view.get('critical');
  const critical = cAt === undefined ? [] : r.stringList(cAt, 'feature');
  if (critical === undefined) return undefined;
  for (const c of critical) {
    if (fView?.has(c.value) === true) continue;
    const declared = Object.keys(features);
    r.report(c.at, `\`${c.value}\` is not a drift feature; critical features must be listed in \`features\`${declared.length === 0 ? '' : ` (${listOf(declared, 'and')})`}`);
    ok = false;
  }
  return ok ? { features, critical: critical.map((c) => c.value) } : undefined;
}
