/** One `assert:` item of a scenario file → an Assertion: alert states at a time, and report values. */
import { isSeq, type LineCounter } from 'yaml';
import type { HintKind } from '../../core/alerting/hint.ts';
import { DIMENSIONS } from '../../core/slo-report.ts';
import type { At, Reader } from '../../spec/yaml-reader.ts';
import type { AlertCheck, Assertion, BudgetCheck, Expectation } from './model.ts';
import { placeOf, readExpectation, readMinutes } from './parse-values.ts';

const ASSERT_KEYS = ['at', 'service', 'window', 'alerts', 'budget'] as const;
const ALERT_KEYS = ['firing', 'pending', 'resolved', 'not_firing', 'route', 'hint'] as const;
const STATE_KEYS = ['firing', 'pending', 'resolved', 'not_firing'] as const;
export const HINT_KINDS: readonly HintKind[] = ['rollback', 'gate_cohort', 'retrain', 'investigate_errors', 'check_capacity', 'check_verdict_pipeline'];
const PATTERN = /^[^\s]+$/;

export interface AssertContext {
  readonly r: Reader;
  readonly lines: LineCounter;
  readonly start: number;
  readonly services: readonly string[];
}

function pattern(c: AssertContext, at: At): string | undefined {
  const s = c.r.string(at);
  if (s !== undefined && !PATTERN.test(s)) {
    c.r.report(at, `an alert id or pattern has no spaces (\`*\` matches within one part of an id, \`**\` across parts), got \`${s}\``);
    return undefined;
  }
  return s;
}

function readAlerts(c: AssertContext, at: At): AlertCheck[] {
  const { r } = c;
  const m = r.map(at, ALERT_KEYS);
  if (m === undefined) return [];
  const out: AlertCheck[] = [];
  for (const kind of STATE_KEYS) {
    const listAt = m.get(kind);
    for (const item of listAt === undefined ? [] : r.list(listAt) ?? []) {
      const p = pattern(c, item);
      if (p !== undefined) out.push({ kind, pattern: p, place: placeOf(c.lines, item) });
    }
  }
  const routeAt = m.get('route');
  for (const [key, v] of routeAt === undefined ? [] : r.mapOfAny(routeAt) ?? []) {
    const route = r.oneOf(v, ['owner', 'oncall'] as const);
    if (route !== undefined && PATTERN.test(key)) out.push({ kind: 'route', pattern: key, route, place: placeOf(c.lines, v) });
  }
  const hintAt = m.get('hint');
  for (const [key, v] of hintAt === undefined ? [] : r.mapOfAny(hintAt) ?? []) {
    const hint = r.oneOf(v, HINT_KINDS);
    if (hint !== undefined && PATTERN.test(key)) out.push({ kind: 'hint', pattern: key, hint, place: placeOf(c.lines, v) });
  }
  return out;
}

function readBudget(c: AssertContext, at: At): BudgetCheck[] {
  const { r } = c;
  const m = r.map(at, DIMENSIONS);
  if (m === undefined) return [];
  const out: BudgetCheck[] = [];
  for (const dimension of DIMENSIONS) {
    const dAt = m.get(dimension);
    for (const [field, v] of dAt === undefined ? [] : r.mapOfAny(dAt) ?? []) {
      const items = isSeq(v.node) ? r.list(v) ?? [] : [v];
      const expect = items.map((i) => readExpectation(r, i)).filter((e): e is Expectation => e !== undefined);
      if (expect.length === items.length && expect.length > 0) out.push({ dimension, field, expect, place: placeOf(c.lines, v) });
    }
  }
  return out;
}

export function readAssertion(c: AssertContext, at: At, index: number): Assertion | undefined {
  const { r } = c;
  const m = r.map(at, ASSERT_KEYS);
  if (m === undefined) return undefined;
  const atAt = m.require('at');
  const offset = atAt === undefined ? undefined : readMinutes(r, atAt, 'an offset from `start`', false);
  const svcAt = m.get('service');
  const service = svcAt === undefined ? undefined : r.string(svcAt);
  if (service !== undefined && !c.services.includes(service)) r.report(svcAt!, `no spec declares service \`${service}\``);
  const winAt = m.get('window');
  const windowMs = winAt === undefined ? undefined : readMinutes(r, winAt, 'a report window', false);
  const alertsAt = m.get('alerts');
  const alerts = alertsAt === undefined ? [] : readAlerts(c, alertsAt);
  const budgetAt = m.get('budget');
  const budget = budgetAt === undefined ? [] : readBudget(c, budgetAt);
  if (budget.length > 0 && service === undefined && c.services.length !== 1) {
    r.report(budgetAt!, `\`budget\` needs \`service\` when the scenario has several specs (${c.services.join(', ')})`);
    return undefined;
  }
  if (alerts.length === 0 && budget.length === 0 && alertsAt === undefined && budgetAt === undefined) r.report(at, 'an assertion needs `alerts` or `budget`');
  if (offset === undefined || (winAt !== undefined && windowMs === undefined)) return undefined;
  return {
    index, label: String(r.scalar(atAt!)), at: c.start + offset,
    service: service ?? (c.services.length === 1 ? c.services[0] : undefined), windowMs, alerts, budget, place: placeOf(c.lines, at),
  };
}
