/**
 * OpenSLO alerting (AlertPolicy, AlertCondition, AlertNotificationTarget) is never imported: mlslo's
 * burn-rate alerting is one multiwindow policy for every service, kept as data in policies/ (DESIGN
 * §2.2), and routes alerts to the spec's owner and oncall (§2.9). Each policy is named once — in the note
 * on the SLO that uses it, which covers the conditions and targets it refers to; alerting documents no
 * SLO reaches get a note of their own.
 */
import type { ObjectIndex, OsloObject, OsloObjectOf } from './documents.ts';
import type { ImportNote } from './notes.ts';

export const ALERTING_WHY = 'mlslo\'s burn-rate alerting is one multiwindow policy for every service, kept as data in policies/, routed to the spec\'s owner and oncall';

const ALERTING_KINDS = new Set(['AlertPolicy', 'AlertCondition', 'AlertNotificationTarget']);

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A list item that is a name, `{<refKey>: name}`, or an inline object with `metadata.name`. */
function itemName(item: unknown, refKey: string): { name: string; inline: boolean } | undefined {
  if (typeof item === 'string') return { name: item, inline: false };
  const o = record(item);
  if (typeof o[refKey] === 'string') return { name: o[refKey], inline: false };
  const name = record(o.metadata).name;
  return typeof name === 'string' ? { name, inline: true } : undefined;
}

/** Marks the conditions and targets a policy's spec refers to as covered by its note. */
function reachPolicy(spec: unknown, reached: Set<string>): void {
  const s = record(spec);
  const refs = [['conditions', 'conditionRef', 'AlertCondition'], ['notificationTargets', 'targetRef', 'AlertNotificationTarget']] as const;
  for (const [list, refKey, kind] of refs) {
    for (const item of Array.isArray(s[list]) ? (s[list] as unknown[]) : []) {
      const r = itemName(item, refKey);
      if (r !== undefined && !r.inline) reached.add(`${kind}/${r.name}`);
    }
  }
}

function noteSloPolicies(slo: OsloObjectOf<'SLO'>, index: ObjectIndex, reached: Set<string>, notes: ImportNote[]): void {
  const list: unknown = slo.body.spec.alertPolicies;
  const path = ['spec', 'alertPolicies'];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    notes.push(slo.at.note(path, 'must be a list of alert policies (names, {alertPolicyRef: …} or inline AlertPolicy objects); ignored'));
    return;
  }
  if (list.length === 0) return;
  const names = list.map((item: unknown) => {
    const r = itemName(item, 'alertPolicyRef');
    if (r === undefined) return 'an unnamed policy';
    if (r.inline) {
      reachPolicy(record(item).spec, reached);
      return `\`${r.name}\` (inline)`;
    }
    const policy = index.get('AlertPolicy', r.name);
    if (policy === undefined) return `\`${r.name}\` (not defined in the files read)`;
    reached.add(`AlertPolicy/${r.name}`);
    reachPolicy(policy.body.spec, reached);
    return `\`${r.name}\``;
  });
  notes.push(slo.at.note(path, `${names.join(', ')} not imported, nor the conditions and targets they use: ${ALERTING_WHY}`));
}

export function noteAlerting(objects: readonly OsloObject[], index: ObjectIndex, notes: ImportNote[]): void {
  const reached = new Set<string>();
  for (const o of objects) if (o.kind === 'SLO') noteSloPolicies(o, index, reached, notes);
  for (const o of objects) {
    if (ALERTING_KINDS.has(o.kind) && !reached.has(`${o.kind}/${o.name}`)) notes.push(o.at.note([], `not imported: ${ALERTING_WHY}`));
  }
}
