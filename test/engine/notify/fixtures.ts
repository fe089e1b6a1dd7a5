/** Hand-built alerts for the notification tests (the shape GET /v1/alerts serves). */
import type { Alert } from '../../../src/core/alerting/alert.ts';

export const T0 = Date.parse('2026-11-28T12:00:00Z');

export function firingAlert(over: Partial<{ id: string; service: string; severity: 'page' | 'ticket'; summary: string }> = {}): Alert {
  const service = over.service ?? 'scorer';
  return {
    kind: 'burn',
    id: over.id ?? `${service}/burn/errors/page`,
    key: { kind: 'burn', service, dimension: 'errors', severity: over.severity ?? 'page' },
    service,
    at: T0,
    holds: true,
    severity: over.severity ?? 'page',
    route: 'oncall',
    summary: over.summary ?? 'errors budget burning 500× over 5m and 83× over 1h',
    hint: { kind: 'investigate_errors', errorTypes: [{ type: 'gpu_oom', count: 100, share: 1 }] },
    evidence: { rows: [], bad: null } as never,
    state: { kind: 'firing', since: T0, firingSince: T0 },
  };
}

export function resolvedAlert(a: Alert, at: number): Alert {
  if (a.state.kind !== 'firing') throw new Error('resolve a firing alert');
  return { ...a, holds: false, at, state: { kind: 'resolved', since: a.state.since, firingSince: a.state.firingSince, resolvedAt: at } };
}
