/**
 * `mlslo import openslo`: OpenSLO v1 documents → `mlslo/v1` Service specs, one per OpenSLO service,
 * for the latency and error objectives (and a quality objective exported by mlslo itself). Pure: texts
 * in, YAML and notes out. Every generated spec is checked with the project's spec loader before it is
 * returned, so the output always passes `mlslo validate`.
 */
import { parseSpec } from '../spec/load-spec.ts';
import type { SloDimension } from './annotations.ts';
import type { Indicator } from './classify.ts';
import { noteAlerting } from './alerting-notes.ts';
import { ObjectIndex, readOpenSloFiles, type OsloObject, type OsloObjectOf, type SourceText } from './documents.ts';
import { mapSlo, type SloMapping } from './map-slo.ts';
import { sortNotes, type ImportNote } from './notes.ts';
import type { IndicatorBody } from './schema.ts';
import { draftService } from './service-draft.ts';
import { renderSpec, type SpecDraft } from './spec-draft.ts';

export type { SourceText };

export interface ImportedService {
  readonly name: string;
  readonly dimensions: readonly SloDimension[];
}

export interface ImportResult {
  /** The specs as multi-document YAML; empty when nothing mapped. */
  readonly yaml: string;
  readonly services: readonly ImportedService[];
  readonly notes: readonly ImportNote[];
}

const DATA_SOURCE_WHY = 'not imported: mlslo measures its SLIs from the events services send it, not from a metrics source';

function indicatorOf(slo: OsloObjectOf<'SLO'>, index: ObjectIndex, notes: ImportNote[]): Indicator | undefined {
  const { indicator, indicatorRef } = slo.body.spec;
  if (indicator !== undefined && indicatorRef !== undefined) {
    notes.push(slo.at.note(['spec', 'indicatorRef'], 'an SLO has indicator or indicatorRef, not both; SLO not imported'));
    return undefined;
  }
  if (indicator !== undefined) return { body: indicator, at: slo.at, path: ['spec', 'indicator'] };
  if (indicatorRef === undefined) {
    notes.push(slo.at.note(['spec', 'indicator'], 'missing: an SLO needs indicator or indicatorRef; SLO not imported'));
    return undefined;
  }
  const sli = index.get('SLI', indicatorRef);
  if (sli === undefined) {
    notes.push(slo.at.note(['spec', 'indicatorRef'], `refers to SLI \`${indicatorRef}\`, which none of the files read defines; SLO not imported`));
    return undefined;
  }
  const body: IndicatorBody = { metadata: sli.body.metadata, spec: sli.body.spec };
  return { body, at: sli.at, path: [] };
}

interface Group {
  service: OsloObjectOf<'Service'> | undefined;
  /** SLOs naming the service, mapped or not. */
  slos: number;
  readonly mappings: SloMapping[];
}

/** Services in order of first mention, whether by a Service document or an SLO's `spec.service`. */
function groupByService(objects: readonly OsloObject[], index: ObjectIndex, notes: ImportNote[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  const group = (name: string): Group => {
    const g = groups.get(name) ?? { service: undefined, slos: 0, mappings: [] };
    groups.set(name, g);
    return g;
  };
  for (const o of objects) {
    if (o.kind === 'Service') group(o.name).service = o;
    if (o.kind !== 'SLO') continue;
    const service = o.body.spec.service;
    if (service === undefined) {
      notes.push(o.at.note(['spec', 'service'], 'missing: an mlslo spec describes one service, and this SLO names none; SLO not imported'));
      continue;
    }
    const g = group(service);
    g.slos++;
    const ind = indicatorOf(o, index, notes);
    const m = ind === undefined ? undefined : mapSlo(o, ind, notes);
    if (m !== undefined) g.mappings.push(m);
  }
  return groups;
}

/** Notes for the documents no spec is made from: data sources, unreferenced SLIs, alerting. */
function noteUnmapped(objects: readonly OsloObject[], index: ObjectIndex, notes: ImportNote[]): void {
  const referenced = new Set(objects.flatMap((o) => (o.kind === 'SLO' && o.body.spec.indicatorRef !== undefined ? [o.body.spec.indicatorRef] : [])));
  for (const o of objects) {
    if (o.kind === 'DataSource') notes.push(o.at.note([], DATA_SOURCE_WHY));
    if (o.kind === 'SLI' && !referenced.has(o.name)) notes.push(o.at.note([], 'no SLO refers to it (indicatorRef); nothing to import'));
  }
  noteAlerting(objects, index, notes);
}

/** The draft's YAML when the spec loader accepts it; otherwise its problems, noted. */
function checked(d: SpecDraft, g: Group, notes: ImportNote[]): string | undefined {
  const text = renderSpec(d);
  const r = parseSpec(text, d.name);
  if (r.ok) return text;
  const at = g.service?.at ?? g.mappings[0]!.slo.at;
  for (const p of r.problems) notes.push(at.note([], `the generated spec for \`${d.name}\` is invalid at ${p.pointer || 'its root'}: ${p.message}; no spec written`));
  return undefined;
}

export function importOpenSlo(sources: readonly SourceText[]): ImportResult {
  const { objects, notes } = readOpenSloFiles(sources);
  const index = new ObjectIndex(objects);
  const texts: string[] = [];
  const services: ImportedService[] = [];
  for (const [name, g] of groupByService(objects, index, notes)) {
    const draft = draftService(name, g.service, g.slos, g.mappings, notes);
    const text = draft === undefined ? undefined : checked(draft, g, notes);
    if (draft === undefined || text === undefined) continue;
    texts.push(text);
    services.push({ name, dimensions: (['errors', 'latency', 'quality'] as const).filter((k) => draft.objectives[k] !== undefined) });
  }
  noteUnmapped(objects, index, notes);
  return { yaml: texts.join('---\n'), services, notes: sortNotes(notes, sources.map((s) => s.file)) };
}
