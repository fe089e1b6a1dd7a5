/**
 * The SLO mappings of one service → one SpecDraft. mlslo holds one objective per SLI and one window
 * per service; a second SLO for the same SLI, or a different window, is noted. Owner, oncall, tier and
 * task come from mlslo's annotations on the OpenSLO Service when it has them (a round trip), else they
 * are placeholders that keep the spec valid: tier 2 needs no quality objective, classification no
 * verdict parameters (src/spec/objectives.ts, src/spec/quality.ts).
 */
import type { Task, Tier } from '../core/spec.ts';
import { ANNOTATION, type SloDimension } from './annotations.ts';
import type { OsloObjectOf } from './documents.ts';
import type { SloMapping } from './map-slo.ts';
import { quote, type ImportNote } from './notes.ts';
import type { SpecDraft, Supplied } from './spec-draft.ts';
import { formatSloWindow, sameWindow } from './time-window.ts';

const TASKS: readonly Task[] = ['classification', 'ranking', 'regression', 'generative'];
const PLACEHOLDER = {
  owner: { value: 'TODO-owner', review: 'OpenSLO has no owner; set the model team\'s route' },
  oncall: { value: 'TODO-oncall', review: 'OpenSLO has no oncall; set the SRE route' },
  tier: { value: 2 as Tier, review: 'OpenSLO has no tier; 2 needs no quality objective (tiers 0 and 1 do)' },
  task: { value: 'classification' as Task, review: 'OpenSLO has no task; the quality verdict rule depends on it' },
} as const;

type Service = OsloObjectOf<'Service'>;

function annotationPath(key: string): string[] {
  return ['metadata', 'annotations', key];
}

function annotated(svc: Service | undefined, key: string): Supplied<string> | undefined {
  const v = svc?.body.metadata.annotations?.[key];
  return v === undefined || v === '' ? undefined : { value: v, review: undefined };
}

function readTier(svc: Service | undefined, hasQuality: boolean, notes: ImportNote[]): Supplied<Tier> {
  const v = svc?.body.metadata.annotations?.[ANNOTATION.tier];
  if (v === undefined) return PLACEHOLDER.tier;
  const tier = ([0, 1, 2] as const).find((t) => String(t) === v);
  const path = annotationPath(ANNOTATION.tier);
  if (tier === undefined) {
    notes.push(svc!.at.note(path, `${quote(v)} is not a tier (0, 1 or 2); the placeholder tier 2 is used`));
    return PLACEHOLDER.tier;
  }
  if (tier < 2 && !hasQuality) {
    notes.push(svc!.at.note(path, `tier ${tier} requires a quality objective, and no quality SLO was imported; the placeholder tier 2 is used`));
    return { value: 2, review: `the OpenSLO Service says tier ${tier}, which requires a quality objective; none was imported` };
  }
  return { value: tier, review: undefined };
}

function readTask(svc: Service | undefined, notes: ImportNote[]): Supplied<Task> {
  const v = svc?.body.metadata.annotations?.[ANNOTATION.task];
  if (v === undefined) return PLACEHOLDER.task;
  const task = TASKS.find((t) => t === v);
  if (task === undefined) {
    notes.push(svc!.at.note(annotationPath(ANNOTATION.task), `${quote(v)} is not a task (${TASKS.join(', ')}); the placeholder is used`));
    return PLACEHOLDER.task;
  }
  // The verdict rule other tasks need (k, tolerance, criteria) does not travel through OpenSLO.
  return task === PLACEHOLDER.task.value ? { value: task, review: undefined }
    : { value: PLACEHOLDER.task.value, review: `the OpenSLO Service says \`${task}\`, whose quality verdict rule does not travel through OpenSLO; set the task and its quality section` };
}

function readComposite(svc: Service | undefined, notes: ImportNote[]): number | undefined {
  const v = svc?.body.metadata.annotations?.[ANNOTATION.compositeObjective];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() !== '' && n > 0 && n < 1) return n;
  notes.push(svc!.at.note(annotationPath(ANNOTATION.compositeObjective), `${quote(v)} is not an objective between 0 and 1; ignored, so the composite is derived`));
  return undefined;
}

/** One mapping per SLI (the first), the others noted. */
function choose(name: string, mappings: readonly SloMapping[], notes: ImportNote[]): Map<SloDimension, SloMapping> {
  const chosen = new Map<SloDimension, SloMapping>();
  for (const m of mappings) {
    const first = chosen.get(m.dimension);
    if (first === undefined) chosen.set(m.dimension, m);
    else notes.push(m.slo.at.note([], `a second ${m.dimension} SLO for service \`${name}\` (the first is ${first.slo.at.document}); mlslo has one ${m.dimension} objective per service; SLO not imported`));
  }
  return chosen;
}

/** The first window given; other SLOs' differing windows are noted, their objectives kept. */
function serviceWindow(chosen: readonly SloMapping[], notes: ImportNote[]): SloMapping['window'] {
  const first = chosen.find((m) => m.window !== undefined);
  for (const m of chosen) {
    if (m.window === undefined || first?.window === undefined || sameWindow(m.window, first.window)) continue;
    const w = formatSloWindow(first.window);
    notes.push(m.slo.at.note(['spec', 'timeWindow', 0], `\`${formatSloWindow(m.window)}\` differs from \`${w}\`, taken from ${first.slo.at.document}; mlslo has one window per service, so this objective applies over \`${w}\``));
  }
  return first?.window;
}

/** Undefined (noted) when no SLO of the service mapped. */
export function draftService(name: string, svc: Service | undefined, slos: number, mappings: readonly SloMapping[], notes: ImportNote[]): SpecDraft | undefined {
  const chosen = choose(name, mappings, notes);
  if (chosen.size === 0) {
    const why = slos === 0 ? 'no SLO names this service in spec.service' : `none of its ${slos} SLO${slos === 1 ? '' : 's'} maps (see the messages about ${slos === 1 ? 'it' : 'them'})`;
    if (svc !== undefined) notes.push(svc.at.note([], `${why}; no spec written`));
    return undefined;
  }
  // In input order: a Map iterates in insertion order, and each dimension's first mapping was inserted first.
  const kept = [...chosen.values()];
  const errors = chosen.get('errors');
  const latency = chosen.get('latency');
  const quality = chosen.get('quality');
  const objectives = {
    ...(errors === undefined ? {} : { errors: errors.objective }),
    ...(latency === undefined ? {} : { latency: latency.objective }),
    ...(quality === undefined ? {} : { quality: quality.objective }),
  };
  const composite = readComposite(svc, notes);
  return {
    name,
    description: svc?.body.spec.description,
    owner: annotated(svc, ANNOTATION.owner) ?? PLACEHOLDER.owner,
    oncall: annotated(svc, ANNOTATION.oncall) ?? PLACEHOLDER.oncall,
    tier: readTier(svc, quality !== undefined, notes),
    task: readTask(svc, notes),
    window: serviceWindow(kept, notes),
    objectives: composite === undefined ? objectives : { ...objectives, composite },
    classes: latency?.dimension === 'latency' ? latency.classes : undefined,
    exclude: errors?.dimension === 'errors' ? errors.exclude : undefined,
    from: [...(svc === undefined ? [] : [svc.at.document]), ...kept.map((m) => m.slo.at.document)],
  };
}
