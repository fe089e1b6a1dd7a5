/**
 * `spec.latency.classes`: ordered input classes, first match wins; the last one has no `when` and
 * catches every request the others do not (DESIGN §2.1).
 */
import type { Comparison, LatencyClass, Tier } from '../core/spec.ts';
import type { ExprOptions } from './condition.ts';
import { DEFAULTS, TIER_DEFAULTS } from './defaults.ts';
import type { At, Reader } from './yaml-reader.ts';

const LATENCY_KEYS = ['classes'] as const;
const CLASS_KEYS = ['name', 'when', 'thresholdMs'] as const;

/** Input classes read request attributes: `input.<name>` (numbers or strings) or `cohort.<name>` (strings). */
export const WHEN_SYNTAX: Omit<ExprOptions, 'or'> = {
  bareBooleans: false,
  example: 'input.tokens',
  checkPath: (path) => {
    const [root, attr, ...rest] = path;
    if ((root === 'input' || root === 'cohort') && attr !== undefined && rest.length === 0) return undefined;
    return `\`${path.join('.')}\` is not a request attribute; write \`input.<name>\` or \`cohort.<name>\``;
  },
  checkComparison: (c: Comparison) => {
    if (typeof c.value === 'boolean') return `request attributes are numbers or strings; \`${c.path.join('.')}\` cannot be compared with ${String(c.value)}`;
    if (c.path[0] === 'cohort' && typeof c.value === 'number') return `cohort values are strings; quote the value: \`${c.path.join('.')} ${c.op} "${c.value}"\``;
    return undefined;
  },
};

/**
 * The classes, or undefined after reporting. With no `latency` section the service gets one catch-all
 * class named `default` with the tier's threshold (see TIER_DEFAULTS.latencyThresholdMs for why).
 */
export function readLatency(r: Reader, at: At | undefined, tier: Tier | undefined): { classes: LatencyClass[] } | undefined {
  if (at === undefined) {
    return tier === undefined ? undefined : { classes: [{ name: DEFAULTS.latencyClassName, when: undefined, thresholdMs: TIER_DEFAULTS[tier].latencyThresholdMs }] };
  }
  const view = r.map(at, LATENCY_KEYS);
  const listAt = view?.require('classes');
  const items = listAt === undefined ? undefined : r.list(listAt);
  if (items === undefined || listAt === undefined) return undefined;
  if (items.length === 0) {
    r.report(listAt, 'must hold at least one class; the last one, without `when`, catches every request');
    return undefined;
  }
  const classes: LatencyClass[] = [];
  const seen = new Set<string>();
  let ok = true;
  items.forEach((item, i) => {
    const cls = r.map(item, CLASS_KEYS);
    if (cls === undefined) { ok = false; return; }
    const nameAt = cls.require('name');
    const name = nameAt === undefined ? undefined : r.string(nameAt);
    if (name !== undefined && seen.has(name)) {
      r.report(nameAt!, `duplicate latency class name \`${name}\``);
      ok = false;
    }
    if (name !== undefined) seen.add(name);
    const thAt = cls.require('thresholdMs');
    const thresholdMs = thAt === undefined ? undefined : r.positive(thAt);
    const whenAt = cls.get('when');
    const last = i === items.length - 1;
    let when: LatencyClass['when'];
    if (whenAt !== undefined) {
      when = r.condition(whenAt, WHEN_SYNTAX);
      if (when === undefined) ok = false;
      if (last) {
        r.report(whenAt, 'the last latency class must be a catch-all without `when`, so that every request has a class');
        ok = false;
      }
    } else if (!last) {
      r.report(item, `only the last latency class may omit \`when\`; the ${items.length - 1 - i === 1 ? 'class' : 'classes'} after this catch-all can never match`);
      ok = false;
    }
    if (name === undefined || thresholdMs === undefined) ok = false;
    else classes.push({ name, when, thresholdMs });
  });
  return ok ? { classes } : undefined;
}
