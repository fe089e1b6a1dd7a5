/**
 * One OpenSLO SLO → the part of an mlslo spec it supplies: an errors, latency or quality objective
 * (latency with its input classes), the excluded error types, and the window. Every field that does
 * not carry over is noted.
 */
import type { SloWindow } from '../core/spec.ts';
import { DEFAULTS } from '../spec/defaults.ts';
import { ANNOTATION, parseLatencyClasses, parseStringList, type AnnotatedClass } from './annotations.ts';
import { classify, type Decision, type Indicator } from './classify.ts';
import type { OsloObjectOf } from './documents.ts';
import { quote, type ImportNote } from './notes.ts';
import type { ObjectiveBody } from './schema.ts';
import { readTimeWindow } from './time-window.ts';

export interface ClassDraft {
  readonly name: string;
  readonly when: string | undefined;
  readonly thresholdMs: number;
}

export type SloPart =
  | { readonly dimension: 'errors'; readonly objective: number; readonly exclude: readonly string[] | undefined }
  | { readonly dimension: 'latency'; readonly objective: number; readonly classes: readonly ClassDraft[] }
  | { readonly dimension: 'quality'; readonly objective: number };

export type SloMapping = SloPart & {
  readonly slo: OsloObjectOf<'SLO'>;
  /** Undefined when the SLO has no time window, or one that does not map (noted). */
  readonly window: SloWindow | undefined;
};

type Slo = OsloObjectOf<'SLO'>;
const NOT_IMPORTED = 'SLO not imported';

/** The objective's target as a ratio; undefined (noted) when it has none mlslo can use. */
function targetOf(slo: Slo, i: number, notes: ImportNote[]): number | undefined {
  const o = slo.body.spec.objectives[i]!;
  const path = ['spec', 'objectives', i];
  if (o.target !== undefined && o.targetPercent !== undefined) {
    notes.push(slo.at.note([...path, 'targetPercent'], 'an objective has target or targetPercent, not both; objective not imported'));
    return undefined;
  }
  // toPrecision: 99.95 / 100 is 0.9994999999999999 in binary; the objective meant is 0.9995.
  const t = o.target ?? (o.targetPercent === undefined ? undefined : Number((o.targetPercent / 100).toPrecision(12)));
  if (t === undefined) notes.push(slo.at.note(path, 'needs target or targetPercent; objective not imported'));
  else if (t <= 0) notes.push(slo.at.note([...path, o.target === undefined ? 'targetPercent' : 'target'], 'an objective of 0 allows every request to fail; mlslo needs one above 0; objective not imported'));
  else return t;
  return undefined;
}

function label(o: ObjectiveBody, i: number): string {
  return o.displayName === undefined ? `objectives[${i}]` : `\`${o.displayName}\``;
}

/** mlslo holds one objective per SLI: the first usable one maps, each other one is noted. */
function firstObjective(slo: Slo, dimension: string, notes: ImportNote[]): number | undefined {
  let chosen: { i: number; target: number } | undefined;
  slo.body.spec.objectives.forEach((o, i) => {
    if (chosen !== undefined) {
      notes.push(slo.at.note(['spec', 'objectives', i], `mlslo has one ${dimension} objective per service; ${label(o, i)} not imported (${label(slo.body.spec.objectives[chosen.i]!, chosen.i)}, ${chosen.target}, is)`));
      return;
    }
    const target = targetOf(slo, i, notes);
    if (target !== undefined) chosen = { i, target };
    if (o.op !== undefined || o.value !== undefined) notes.push(slo.at.note(['spec', 'objectives', i, o.op !== undefined ? 'op' : 'value'], `ignored: the ${dimension} SLI has no threshold to compare with`));
  });
  return chosen?.target;
}

function readExclude(slo: Slo, notes: ImportNote[]): readonly string[] | undefined {
  const text = slo.body.metadata.annotations?.[ANNOTATION.errorsExclude];
  if (text === undefined) return undefined;
  const r = parseStringList(text);
  if (r.ok) return r.value;
  notes.push(slo.at.note(['metadata', 'annotations', ANNOTATION.errorsExclude], `${r.why}; ignored, so mlslo's default (${DEFAULTS.errorsExclude.join(', ')}) applies`));
  return undefined;
}

/** Classes as `mlslo export openslo` writes them: one objective per class, conditions in an annotation. */
function annotatedClasses(slo: Slo, notes: ImportNote[]): readonly AnnotatedClass[] | undefined {
  const path = ['metadata', 'annotations', ANNOTATION.latencyClasses];
  const text = slo.body.metadata.annotations?.[ANNOTATION.latencyClasses];
  if (text === undefined) return undefined;
  const r = parseLatencyClasses(text);
  const objectives = slo.body.spec.objectives;
  if (!r.ok) notes.push(slo.at.note(path, `${r.why}; read as a plain latency SLO`));
  else if (r.value.length !== objectives.length || r.value.some((c, i) => objectives[i]!.displayName !== c.name || objectives[i]!.op !== 'lte' || !((objectives[i]!.value ?? 0) > 0))) {
    notes.push(slo.at.note(path, 'does not match spec.objectives (one per class, in order, each with displayName = class name, `op: lte` and a positive value); read as a plain latency SLO'));
  } else return r.value;
  return undefined;
}

function latencyFromClasses(slo: Slo, classes: readonly AnnotatedClass[], notes: ImportNote[]): SloPart | undefined {
  const objectives = slo.body.spec.objectives;
  const targets = objectives.map((_, i) => targetOf(slo, i, notes));
  const target = targets[0];
  if (target === undefined || targets.some((t) => t === undefined)) return undefined;
  targets.forEach((t, i) => {
    if (t !== target) notes.push(slo.at.note(['spec', 'objectives', i, 'target'], `mlslo has one latency objective for all classes; ${t} differs from the first class's ${target}, which is used`));
  });
  return { dimension: 'latency', objective: target, classes: classes.map((c, i) => ({ name: c.name, when: c.when, thresholdMs: objectives[i]!.value! })) };
}

/** A latency SLO from another tool: one threshold (`op: lt|lte`, `value`) becomes one catch-all class. */
function latencyFromThreshold(slo: Slo, decision: Decision, notes: ImportNote[]): SloPart | undefined {
  const objectives = slo.body.spec.objectives;
  const i = objectives.findIndex((o) => (o.op === 'lt' || o.op === 'lte') && o.value !== undefined);
  if (i < 0) {
    notes.push(slo.at.note(['spec', 'objectives'], `a latency objective needs \`op: lte\` (or \`lt\`) and \`value\`, the threshold; none has both; ${NOT_IMPORTED}`));
    return undefined;
  }
  const o = objectives[i]!;
  const path = ['spec', 'objectives', i];
  objectives.forEach((other, j) => {
    if (j !== i) notes.push(slo.at.note(['spec', 'objectives', j], `mlslo has one latency objective per service; ${label(other, j)} not imported (${label(o, i)} is)`));
  });
  const target = targetOf(slo, i, notes);
  if (target === undefined) return undefined;
  if (!(o.value! > 0)) {
    notes.push(slo.at.note([...path, 'value'], `a latency threshold must be above 0, got ${o.value}; ${NOT_IMPORTED}`));
    return undefined;
  }
  if (o.op === 'lt') notes.push(slo.at.note([...path, 'op'], `\`lt\` read as \`lte\`: mlslo counts a request good when its latency is at most the threshold`));
  if (decision.by !== 'annotation') notes.push(slo.at.note([...path, 'value'], `guessed: ${o.value} read as milliseconds; OpenSLO leaves the unit to the metric source — check it`));
  return { dimension: 'latency', objective: target, classes: [{ name: DEFAULTS.latencyClassName, when: undefined, thresholdMs: o.value! }] };
}

function part(slo: Slo, decision: Decision, notes: ImportNote[]): SloPart | undefined {
  switch (decision.dimension) {
    case 'errors': {
      const objective = firstObjective(slo, 'errors', notes);
      return objective === undefined ? undefined : { dimension: 'errors', objective, exclude: readExclude(slo, notes) };
    }
    case 'quality': {
      const objective = firstObjective(slo, 'quality', notes);
      return objective === undefined ? undefined : { dimension: 'quality', objective };
    }
    case 'latency': {
      const classes = decision.by === 'annotation' ? annotatedClasses(slo, notes) : undefined;
      return classes === undefined ? latencyFromThreshold(slo, decision, notes) : latencyFromClasses(slo, classes, notes);
    }
  }
}

function readWindow(slo: Slo, notes: ImportNote[]): SloWindow | undefined {
  const tw = slo.body.spec.timeWindow?.[0];
  if (tw === undefined) return undefined;
  const r = readTimeWindow(tw);
  const path = ['spec', 'timeWindow', 0];
  if (!r.ok) {
    notes.push(slo.at.note(path, `${r.why}; the objective is kept, over the spec's window`));
    return undefined;
  }
  for (const n of r.notes) notes.push(slo.at.note(path, n));
  return r.window;
}

export function mapSlo(slo: Slo, ind: Indicator, notes: ImportNote[]): SloMapping | undefined {
  const method = slo.body.spec.budgetingMethod;
  if (method !== undefined && method !== 'Occurrences') {
    notes.push(slo.at.note(['spec', 'budgetingMethod'], `${method}: mlslo counts occurrences (good events ÷ all events in the window); an objective over good time slices does not convert into one over good events; ${NOT_IMPORTED}`));
    return undefined;
  }
  const decision = classify(slo, ind, notes);
  if (decision === undefined) return undefined;
  if (method === undefined) notes.push(slo.at.note(['spec', 'budgetingMethod'], 'missing; read as Occurrences, the method mlslo uses'));
  slo.body.spec.objectives.forEach((o, i) => {
    for (const key of ['timeSliceTarget', 'timeSliceWindow'] as const) {
      if (o[key] !== undefined) notes.push(slo.at.note(['spec', 'objectives', i, key], `ignored: ${quote(o[key])} applies only to Timeslices budgeting`));
    }
  });
  const p = part(slo, decision, notes);
  return p === undefined ? undefined : { ...p, slo, window: readWindow(slo, notes) };
}
