/**
 * What import knows about one mlslo service, and its rendering as an `mlslo/v1` Service document.
 * Fields OpenSLO cannot supply get placeholders with a `REVIEW` comment; values mlslo's defaults fill
 * are named in a comment, so the reader of the generated file sees every value that was not imported.
 */
import { Document, isMap, isScalar, isSeq } from 'yaml';
import type { SloWindow, Task, Tier } from '../core/spec.ts';
import { DEFAULTS, TIER_DEFAULTS } from '../spec/defaults.ts';
import { API_VERSION, KIND } from '../spec/document.ts';
import type { ClassDraft } from './map-slo.ts';

/** A value from the input, or a placeholder with the reason to review it. */
export interface Supplied<T> {
  readonly value: T;
  /** Undefined when the input supplied the value. */
  readonly review: string | undefined;
}

export interface SpecDraft {
  readonly name: string;
  readonly description: string | undefined;
  readonly owner: Supplied<string>;
  readonly oncall: Supplied<string>;
  readonly tier: Supplied<Tier>;
  readonly task: Supplied<Task>;
  /** Undefined: mlslo's default window. */
  readonly window: SloWindow | undefined;
  readonly objectives: { readonly errors?: number; readonly latency?: number; readonly quality?: number; readonly composite?: number };
  /** Undefined: no latency threshold was imported. */
  readonly classes: readonly ClassDraft[] | undefined;
  readonly exclude: readonly string[] | undefined;
  /** The OpenSLO documents it came from (`SLO/name`), for the header comment. */
  readonly from: readonly string[];
}

/** What mlslo's defaults fill because the input did not say, as comment lines. */
function defaultsUsed(d: SpecDraft): string[] {
  const t = TIER_DEFAULTS[d.tier.value];
  const out: string[] = [];
  if (d.window === undefined) out.push(`window ${DEFAULTS.windowDays}d`);
  if (d.objectives.errors === undefined) out.push(`errors objective ${t.errors}`);
  if (d.objectives.latency === undefined) out.push(`latency objective ${t.latency}`);
  if (d.classes === undefined) out.push(`one catch-all latency class of ${t.latencyThresholdMs} ms`);
  if (d.objectives.quality === undefined && t.quality !== undefined) out.push(`quality objective ${t.quality}`);
  return out;
}

function body(d: SpecDraft): Record<string, unknown> {
  const spec: Record<string, unknown> = { task: d.task.value };
  if (d.window !== undefined) {
    spec.window = d.window.kind === 'rolling' ? `${d.window.days}d` : 'month';
    if (d.window.kind === 'calendar') spec.timeZone = d.window.timeZone;
  }
  spec.objectives = { ...d.objectives };
  if (d.classes !== undefined) {
    spec.latency = { classes: d.classes.map((c) => (c.when === undefined ? { name: c.name, thresholdMs: c.thresholdMs } : { name: c.name, when: c.when, thresholdMs: c.thresholdMs })) };
  }
  if (d.exclude !== undefined) spec.errors = { exclude: [...d.exclude] };
  const metadata: Record<string, unknown> = { name: d.name, owner: d.owner.value, oncall: d.oncall.value, tier: d.tier.value };
  if (d.description !== undefined) metadata.description = d.description;
  return { apiVersion: API_VERSION, kind: KIND, metadata, spec };
}

/** The draft as one YAML document (no `---`), comments included. */
export function renderSpec(d: SpecDraft): string {
  const doc = new Document(body(d));
  const placeholders = [['metadata', 'owner', d.owner], ['metadata', 'oncall', d.oncall], ['metadata', 'tier', d.tier], ['spec', 'task', d.task]] as const;
  const anyReview = placeholders.some(([, , s]) => s.review !== undefined);
  doc.commentBefore = [
    ` Imported from OpenSLO v1 by \`mlslo import openslo\`: ${d.from.join(', ')}.`,
    ...(anyReview ? [' Values marked REVIEW are placeholders for what OpenSLO has no field for: set them before use.'] : []),
  ].join('\n');
  for (const [section, key, s] of placeholders) {
    const value = doc.getIn([section, key], true);
    if (s.review !== undefined && isScalar(value)) value.comment = ` REVIEW: ${s.review}`;
  }
  // One class a line, as the examples write them.
  const classes = doc.getIn(['spec', 'latency', 'classes'], true);
  if (isSeq(classes)) for (const c of classes.items) if (isMap(c)) c.flow = true;
  const defaults = defaultsUsed(d);
  const spec = doc.get('spec', true);
  const objectivesKey = isMap(spec) ? spec.items.find((p) => isScalar(p.key) && p.key.value === 'objectives')?.key : undefined;
  if (defaults.length > 0 && isScalar(objectivesKey)) {
    objectivesKey.commentBefore = ` Not in the OpenSLO input, so mlslo's defaults for tier ${d.tier.value} apply: ${defaults.join('; ')}.`;
  }
  return doc.toString({ lineWidth: 0 });
}

