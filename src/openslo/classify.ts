/**
 * Which mlslo SLI an OpenSLO SLO stands for, decided in this order:
 * 1. mlslo's own annotation (`mlslo/dimension`), written by `mlslo export openslo` — a round trip;
 * 2. the indicator's shape: a thresholdMetric, or objectives with `op` and `value`, compare a value
 *    with a threshold — latency; a good/bad-over-total ratio counts failures — errors;
 * 3. the names, descriptions and queries (name-hint.ts), reported as a guess.
 * Anything else is not imported, with a note saying why.
 */
import { ANNOTATION, DIMENSIONS, type SloDimension } from './annotations.ts';
import type { OsloObjectOf } from './documents.ts';
import { nameHint, type NameHint } from './name-hint.ts';
import { quote, type FieldPath, type ImportNote, type Locator } from './notes.ts';
import type { IndicatorBody } from './schema.ts';

/** An SLO's indicator, inline (`spec.indicator`) or a separate SLI document (`indicatorRef`). */
export interface Indicator {
  readonly body: IndicatorBody;
  readonly at: Locator;
  /** Where the indicator sits in its document: `['spec', 'indicator']` inline, `[]` for an SLI. */
  readonly path: FieldPath;
}

export type Decision = { readonly dimension: SloDimension; readonly by: 'annotation' | 'indicator' | 'names' };

const LATENCY_OPS = ['lt', 'lte'];

/** Ends a note that drops the SLO; names it when the note sits on a separate SLI document. */
function notImported(slo: OsloObjectOf<'SLO'>, ind: Indicator): string {
  return ind.at === slo.at ? 'SLO not imported' : `${slo.at.document} not imported`;
}

function fromAnnotation(slo: OsloObjectOf<'SLO'>, ind: Indicator, notes: ImportNote[]): SloDimension | undefined {
  const sources = [{ ann: slo.body.metadata.annotations, at: slo.at, path: [] as FieldPath }, { ann: ind.body.metadata.annotations, at: ind.at, path: [...ind.path, 'metadata'] }];
  for (const { ann, at, path } of sources) {
    const v = ann?.[ANNOTATION.dimension];
    if (v === undefined) continue;
    const d = DIMENSIONS.find((x) => x === v);
    if (d !== undefined) return d;
    notes.push(at.note([...path, 'metadata', 'annotations', ANNOTATION.dimension], `${quote(v)} is not one of ${DIMENSIONS.join(', ')}; ignored`));
  }
  return undefined;
}

/** The text fields of the metric sources' `spec` (queries, metric paths): they name what is measured, too. */
function queryTexts(ind: Indicator): string[] {
  const { thresholdMetric, ratioMetric } = ind.body.spec;
  const queries = [thresholdMetric, ratioMetric?.good, ratioMetric?.bad, ratioMetric?.total, ratioMetric?.raw];
  return queries.flatMap((q) => {
    const spec: unknown = q?.metricSource.spec;
    return typeof spec === 'object' && spec !== null ? Object.values(spec).filter((v): v is string => typeof v === 'string') : [];
  });
}

function hintText(h: NameHint): string {
  switch (h.says) {
    case 'nothing': return 'the names and queries give no hint';
    case 'both': return `the names and queries say both \`${h.latency}\` and \`${h.errors}\``;
    case 'other': return `the names and queries say \`${h.word}\`, which mlslo has no SLI for`;
    default: return `the names and queries say \`${h.word}\``;
  }
}

/** A decision from words alone — a guess, and said so. */
function fromNames(slo: OsloObjectOf<'SLO'>, ind: Indicator, hint: NameHint, shape: string, notes: ImportNote[]): Decision | undefined {
  const where = [...ind.path, 'spec', 'ratioMetric'];
  if (hint.says === 'errors') {
    notes.push(ind.at.note(where, `guessed: read as the errors SLI because the names or queries say \`${hint.word}\`; neither an mlslo annotation nor the indicator (${shape}) tells — check it`));
    return { dimension: 'errors', by: 'names' };
  }
  if (hint.says === 'latency') {
    notes.push(slo.at.note(['spec', 'objectives'], `the names and queries say latency (\`${hint.word}\`), but ${shape} with no objective \`op\` and \`value\` gives no threshold, and mlslo needs one in milliseconds; SLO not imported`));
    return undefined;
  }
  notes.push(ind.at.note(where, `cannot tell whether ${shape} measures latency or errors: there is no mlslo annotation, and ${hintText(hint)}; ${notImported(slo, ind)}`));
  return undefined;
}

export function classify(slo: OsloObjectOf<'SLO'>, ind: Indicator, notes: ImportNote[]): Decision | undefined {
  const annotated = fromAnnotation(slo, ind, notes);
  if (annotated !== undefined) return { dimension: annotated, by: 'annotation' };

  const { spec, metadata } = ind.body;
  const hint = nameHint([slo.name, slo.body.metadata.displayName, slo.body.spec.description, metadata.name, metadata.displayName, spec.description, ...queryTexts(ind)]);
  const objectives = slo.body.spec.objectives;
  const above = objectives.findIndex((o) => o.op === 'gt' || o.op === 'gte');
  const thresholded = objectives.some((o) => o.op !== undefined && LATENCY_OPS.includes(o.op) && o.value !== undefined);

  if (spec.thresholdMetric !== undefined) {
    if (above >= 0) {
      notes.push(slo.at.note(['spec', 'objectives', above, 'op'], `\`op: ${objectives[above]!.op}\` on a thresholdMetric is good when the value is above the threshold; that is not latency, and mlslo maps thresholds only to latency; SLO not imported`));
      return undefined;
    }
    if (hint.says === 'other') {
      notes.push(ind.at.note([...ind.path, 'spec', 'thresholdMetric'], `a thresholdMetric on something that is not latency (the names and queries say \`${hint.word}\`); mlslo maps thresholds only to latency; ${notImported(slo, ind)}`));
      return undefined;
    }
    return { dimension: 'latency', by: 'indicator' };
  }
  const ratio = spec.ratioMetric;
  if (ratio === undefined) {
    notes.push(ind.at.note([...ind.path, 'spec'], `has neither thresholdMetric nor ratioMetric; ${notImported(slo, ind)}`));
    return undefined;
  }
  if (ratio.good !== undefined && ratio.bad !== undefined) {
    notes.push(ind.at.note([...ind.path, 'spec', 'ratioMetric', 'bad'], `a ratioMetric has good or bad, not both; ${notImported(slo, ind)}`));
    return undefined;
  }
  if (thresholded) return { dimension: 'latency', by: 'indicator' };
  const counted = (ratio.good ?? ratio.bad) !== undefined && ratio.total !== undefined;
  if (!counted) return fromNames(slo, ind, hint, ratio.raw !== undefined ? 'a precomputed (raw) ratio' : 'a ratio without good/bad and total', notes);
  if (hint.says === 'latency') return fromNames(slo, ind, hint, `a ${ratio.good === undefined ? 'bad' : 'good'}/total ratio`, notes);
  return { dimension: 'errors', by: 'indicator' };
}
