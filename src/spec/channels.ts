/** `spec.notify` (alert routes) and `spec.retrain` (the training webhook), DESIGN §2.9. */
import type { NotifyTarget, ServiceSpec } from '../core/spec.ts';
import { DEFAULTS } from './defaults.ts';
import { parseDuration } from './duration.ts';
import type { At, Reader } from './yaml-reader.ts';

const NOTIFY_KEYS = ['owner', 'oncall'] as const;
const TARGET_KEYS = ['slack', 'webhook', 'pagerduty', 'alertmanager'] as const;
const RETRAIN_KEYS = ['webhook', 'cooldown', 'when'] as const;
const RETRAIN_WHEN_KEYS = ['budgetExhaustion', 'objectiveViolations', 'driftFor'] as const;

function readTarget(r: Reader, at: At): NotifyTarget | undefined {
  const view = r.map(at, TARGET_KEYS);
  if (view === undefined) return undefined;
  if (!TARGET_KEYS.some((k) => view.has(k)) && view.unknownKeys === 0) {
    r.report(at, 'must name at least one channel: `slack`, `webhook`, `pagerduty` or `alertmanager`');
    return undefined;
  }
  if (!TARGET_KEYS.some((k) => view.has(k))) return undefined;
  const target: { -readonly [K in keyof NotifyTarget]: NotifyTarget[K] } = {};
  let ok = true;
  for (const k of ['slack', 'webhook', 'alertmanager'] as const) {
    const a = view.get(k);
    if (a === undefined) continue;
    const url = r.url(a);
    if (url === undefined) ok = false;
    else target[k] = url;
  }
  const pdAt = view.get('pagerduty');
  if (pdAt !== undefined) {
    const pd = r.map(pdAt, ['routingKey']);
    const keyAt = pd?.require('routingKey', ': the PagerDuty Events v2 integration key');
    const routingKey = keyAt === undefined ? undefined : r.string(keyAt);
    if (routingKey === undefined) ok = false;
    else target.pagerduty = { routingKey };
  }
  return ok ? target : undefined;
}

export function readNotify(r: Reader, at: At | undefined): ServiceSpec['notify'] | undefined {
  if (at === undefined) return {};
  const view = r.map(at, NOTIFY_KEYS);
  if (view === undefined) return undefined;
  const ownerAt = view.get('owner');
  const oncallAt = view.get('oncall');
  const owner = ownerAt === undefined ? undefined : readTarget(r, ownerAt);
  const oncall = oncallAt === undefined ? undefined : readTarget(r, oncallAt);
  if ((ownerAt !== undefined && owner === undefined) || (oncallAt !== undefined && oncall === undefined)) return undefined;
  return { ...(owner === undefined ? {} : { owner }), ...(oncall === undefined ? {} : { oncall }) };
}

/** Undefined both when absent and when invalid; `ok` tells the two apart. */
export function readRetrain(r: Reader, at: At | undefined): { ok: boolean; value: ServiceSpec['retrain'] } {
  if (at === undefined) return { ok: true, value: undefined };
  const view = r.map(at, RETRAIN_KEYS);
  const hookAt = view?.require('webhook');
  const webhook = hookAt === undefined ? undefined : r.url(hookAt);
  const cdAt = view?.get('cooldown');
  const cooldownMs = cdAt === undefined ? parseDuration(DEFAULTS.retrainCooldown)! : r.duration(cdAt);
  const whenAt = view?.get('when');
  const when = whenAt === undefined ? undefined : r.map(whenAt, RETRAIN_WHEN_KEYS);
  const get = (k: (typeof RETRAIN_WHEN_KEYS)[number]): At | undefined => when?.get(k);
  const budgetAt = get('budgetExhaustion');
  const violationsAt = get('objectiveViolations');
  const driftAt = get('driftFor');
  const budgetExhaustion = budgetAt === undefined ? DEFAULTS.retrainBudgetExhaustion : r.boolean(budgetAt);
  const objectiveViolations = violationsAt === undefined ? DEFAULTS.retrainObjectiveViolations : r.integer(violationsAt, 0);
  const driftForMs = driftAt === undefined ? parseDuration(DEFAULTS.retrainDriftFor)! : r.duration(driftAt);
  if (webhook === undefined || cooldownMs === undefined || (whenAt !== undefined && when === undefined)
    || budgetExhaustion === undefined || objectiveViolations === undefined || driftForMs === undefined) return { ok: false, value: undefined };
  return { ok: true, value: { webhook, cooldownMs, budgetExhaustion, objectiveViolations, driftForMs } };
}
