/**
 * Checks one assertion against the alert states and the report at its time. Each failed check becomes
 * a Failure that says where it was written, what was expected and what the engine produced
 * (promtool's `exp:` / `got:`).
 */
import type { AlertState } from '../../core/alerting/alert-state.ts';
import type { ServiceReport } from '../../core/slo-report.ts';
import type { AlertCheck, Assertion, BudgetCheck, Expectation, Place } from './model.ts';

/** What the checks need of one alert: its id, lifecycle state, route and hint as last evaluated. */
export interface AlertView {
  readonly id: string;
  readonly state: AlertState['kind'];
  readonly route: string;
  readonly hint: string | undefined;
}

export interface Failure {
  readonly place: Place;
  /** `alerts.firing: <pattern>`, `budget.errors.remaining` … */
  readonly what: string;
  readonly exp: string;
  readonly got: string;
}

/** `*` matches within one part of an id (between `/`), `**` across parts; anything else literally. */
export function patternRegExp(pattern: string): RegExp {
  const body = pattern.split('**').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*');
  return new RegExp(`^${body}$`);
}

function listed(alerts: readonly AlertView[], f: (a: AlertView) => string): string {
  return alerts.length === 0 ? 'none' : alerts.map(f).join(', ');
}

function checkAlert(c: AlertCheck, alerts: readonly AlertView[]): Failure | undefined {
  const re = patternRegExp(c.pattern);
  const matching = alerts.filter((a) => re.test(a.id));
  const firing = matching.filter((a) => a.state === 'firing');
  const what = `alerts.${c.kind}: ${c.pattern}`;
  const states = (): string => (matching.length === 0 ? 'inactive (never held)' : listed(matching, (a) => `${a.id} ${a.state}`));
  switch (c.kind) {
    case 'firing':
    case 'pending':
    case 'resolved':
      if (matching.some((a) => a.state === c.kind)) return undefined;
      return { place: c.place, what, exp: c.kind, got: `${states()}; firing: ${listed(alerts.filter((a) => a.state === 'firing'), (a) => a.id)}` };
    case 'not_firing':
      return firing.length === 0 ? undefined : { place: c.place, what, exp: 'not firing', got: `firing: ${listed(firing, (a) => a.id)}` };
    case 'route':
    case 'hint': {
      const want = c.kind === 'route' ? c.route : c.hint;
      const have = (a: AlertView): string => (c.kind === 'route' ? a.route : a.hint ?? 'no hint');
      const wrong = firing.filter((a) => have(a) !== want);
      if (firing.length > 0 && wrong.length === 0) return undefined;
      const what2 = `alerts.${c.kind}: ${c.pattern}`;
      if (firing.length === 0) return { place: c.place, what: what2, exp: `${c.kind} ${want} (of a firing alert)`, got: `no firing alert matches; ${states()}` };
      return { place: c.place, what: what2, exp: `${c.kind} ${want}`, got: listed(wrong, (a) => `${a.id} ${c.kind} ${have(a)}`) };
    }
  }
}

export function checkAlerts(a: Assertion, alerts: readonly AlertView[]): Failure[] {
  return a.alerts.map((c) => checkAlert(c, alerts)).filter((f): f is Failure => f !== undefined);
}

export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  return v === null ? 'null' : JSON.stringify(v);
}

function holds(e: Expectation, v: unknown): boolean {
  switch (e.kind) {
    case 'null': return v === null;
    case 'string': return (typeof v === 'string' || typeof v === 'boolean') && String(v) === e.value;
    case 'number': {
      if (typeof v !== 'number') return false;
      const close = Math.abs(v - e.value) <= 1e-9 * Math.max(1, Math.abs(e.value));
      switch (e.op) {
        case '==': return close;
        case '!=': return !close;
        case '<': return v < e.value;
        case '<=': return v <= e.value || close;
        case '>': return v > e.value;
        case '>=': return v >= e.value || close;
      }
    }
  }
}

function expText(e: Expectation): string {
  return e.kind === 'number' ? e.text : e.kind === 'null' ? 'null' : e.value;
}

function checkBudgetOne(c: BudgetCheck, report: ServiceReport): Failure | undefined {
  const what = `budget.${c.dimension}.${c.field}`;
  let v: unknown = report[c.dimension as 'errors'];
  for (const part of c.field.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) {
      const fields = v !== null && typeof v === 'object' ? Object.keys(v).join(', ') : '';
      return { place: c.place, what, exp: c.expect.map(expText).join(' and '), got: `no such field${fields === '' ? '' : ` (fields: ${fields})`}` };
    }
    v = (v as Record<string, unknown>)[part];
  }
  if (v !== null && typeof v === 'object') return { place: c.place, what, exp: c.expect.map(expText).join(' and '), got: `a group of fields (${Object.keys(v).join(', ')})` };
  return c.expect.every((e) => holds(e, v)) ? undefined : { place: c.place, what, exp: c.expect.map(expText).join(' and '), got: formatValue(v) };
}

export function checkBudget(a: Assertion, report: ServiceReport): Failure[] {
  return a.budget.map((c) => checkBudgetOne(c, report)).filter((f): f is Failure => f !== undefined);
}
