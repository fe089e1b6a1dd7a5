/** `spec.window`, `spec.timeZone` and `spec.objectives` (DESIGN §2.1, §2.2). */
import type { Objectives, SloWindow, Tier } from '../core/spec.ts';
import { DEFAULTS, TIER_DEFAULTS, derivedComposite } from './defaults.ts';
import { isTimeZone, parseWindowDays } from './duration.ts';
import { childPointer } from './problems.ts';
import { shown, type MapView, type Reader } from './yaml-reader.ts';

export const OBJECTIVE_KEYS = ['errors', 'latency', 'quality', 'composite'] as const;

/** Why tiers 0 and 1 have no quality default; shown whenever the objective is missing. */
export const QUALITY_REQUIRED_WHY = 'tier 0 and 1 require an explicit quality objective, since only the model\'s owners know how often it may be wrong';

export function readWindow(r: Reader, spec: MapView): SloWindow | undefined {
  const at = spec.get('window');
  const tzAt = spec.get('timeZone');
  let window: SloWindow | undefined = { kind: 'rolling', days: DEFAULTS.windowDays };
  if (at !== undefined) {
    const v = r.scalar(at);
    const days = typeof v === 'string' ? parseWindowDays(v) : undefined;
    if (v === 'month') window = { kind: 'calendar', unit: 'month', timeZone: DEFAULTS.timeZone };
    else if (days !== undefined) window = { kind: 'rolling', days };
    else {
      r.report(at, `must be a whole number of days such as \`30d\`, or \`month\`, got ${shown(at.node)}`);
      window = undefined;
    }
  }
  if (tzAt === undefined) return window;
  const tz = r.string(tzAt);
  if (tz !== undefined && !isTimeZone(tz)) {
    r.report(tzAt, `unknown time zone \`${tz}\`; use an IANA name such as \`Europe/Berlin\` or \`UTC\``);
    return undefined;
  }
  if (window?.kind === 'rolling') {
    r.report(tzAt, 'applies only to `window: month`; a rolling window has no time zone');
    return undefined;
  }
  return window === undefined || tz === undefined ? undefined : { ...window, timeZone: tz };
}

/** A ratio objective in (0, 1), exclusive: an objective of 1 leaves no error budget. */
function readRatio(r: Reader, view: MapView, key: string): number | undefined {
  const at = view.get(key);
  if (at === undefined) return undefined;
  const v = r.number(at);
  if (v === undefined) return undefined;
  if (v > 0 && v < 1) return v;
  r.report(at, `must be between 0 and 1, exclusive, got ${v}${v === 1 ? ' (an objective of 1 leaves no error budget)' : ''}`);
  return undefined;
}

/**
 * Explicit values win; the rest come from the tier. Returns undefined after reporting when a value is
 * invalid or a required one is missing; `tier` undefined (itself invalid) skips tier checks.
 */
export function readObjectives(r: Reader, spec: MapView, tier: Tier | undefined): Objectives | undefined {
  const at = spec.get('objectives');
  const view = at === undefined ? undefined : r.map(at, OBJECTIVE_KEYS);
  if (at !== undefined && view === undefined) return undefined;
  const explicit = {
    errors: view === undefined ? undefined : readRatio(r, view, 'errors'),
    latency: view === undefined ? undefined : readRatio(r, view, 'latency'),
    quality: view === undefined ? undefined : readRatio(r, view, 'quality'),
    composite: view === undefined ? undefined : readRatio(r, view, 'composite'),
  };
  const invalid = view !== undefined && OBJECTIVE_KEYS.some((k) => view.has(k) && explicit[k] === undefined);
  if (tier === undefined) return undefined;
  const d = TIER_DEFAULTS[tier];
  const quality = explicit.quality ?? d.quality;
  if (quality === undefined && !view?.has('quality')) {
    const pointer = childPointer(childPointer(spec.at.pointer, 'objectives'), 'quality');
    if (view === undefined) r.sink.at(spec.at.node, pointer, `missing required field \`objectives.quality\`: ${QUALITY_REQUIRED_WHY}`);
    else view.require('quality', `: ${QUALITY_REQUIRED_WHY}`);
  }
  if (invalid || quality === undefined) return undefined;
  const errors = explicit.errors ?? d.errors;
  const latency = explicit.latency ?? d.latency;
  return { errors, latency, quality, composite: explicit.composite ?? derivedComposite(errors, latency, quality) };
}
