/** `spec.quality`: verdict rule, sources and precedence, sampling and label timing (DESIGN §2.3–2.5). */
import { OUTCOME_SOURCES, type OutcomeSource } from '../core/event.ts';
import type { Comparison, Condition, QualitySpec, Task, Tier, VerdictRule } from '../core/spec.ts';
import type { ExprOptions } from './condition.ts';
import { DEFAULTS, TIER_DEFAULTS } from './defaults.ts';
import { parseDuration } from './duration.ts';
import { childPointer } from './problems.ts';
import { readQualityObjectives } from './quality-objectives.ts';
import { didYouMean, listOf } from './suggest.ts';
import type { At, MapView, Reader } from './yaml-reader.ts';

const QUALITY_KEYS = ['sources', 'precedence', 'minSamples', 'stratifyBy', 'objectives', 'labelGrace', 'orphanTtl',
  'k', 'tolerance', 'tolerancePct', 'criteria', 'feedback'] as const;
const TASK_KEYS: Readonly<Record<string, Task>> = { k: 'ranking', tolerance: 'regression', tolerancePct: 'regression', criteria: 'generative' };

/** Criteria name outcome scores, which are numbers: `factuality >= 0.8 && policy == 1`. */
export const CRITERIA_SYNTAX: Omit<ExprOptions, 'or'> = {
  bareBooleans: false,
  example: 'factuality',
  checkPath: (p) => (p.length === 1 ? undefined : `a criterion names one outcome score, such as \`factuality\`, not \`${p.join('.')}\``),
  checkComparison: (c) => (typeof c.value === 'number' ? undefined : `scores are numbers; compare \`${c.path.join('.')}\` with a number`),
};

const FEEDBACK_FIELDS: Readonly<Record<string, 'boolean' | 'number'>> = { clicked: 'boolean', dwellMs: 'number', followUp: 'boolean' };

/**
 * The feedback proxy rule over `outcome.feedback`, e.g. `clicked && !followUp` or `dwellMs >= 10000`.
 * Limit: a conjunction only, because core `Condition` is one. DESIGN §2.3's `clicked || dwellMs >= 10000`
 * needs `||`; the parser supports it (`or: true` yields a disjunction of conjunctions), so lifting the
 * limit means a DNF `feedbackRule` in src/core/spec.ts and its evaluator, then `or: true` here.
 */
export const FEEDBACK_SYNTAX: Omit<ExprOptions, 'or'> = {
  bareBooleans: true,
  example: 'clicked',
  checkPath: (p) => {
    const name = p.join('.');
    if (p.length === 1 && FEEDBACK_FIELDS[name] !== undefined) return undefined;
    return `unknown feedback field \`${name}\`${didYouMean(name, Object.keys(FEEDBACK_FIELDS))} (fields: ${listOf(Object.keys(FEEDBACK_FIELDS), 'and')})`;
  },
  checkComparison: (c: Comparison) => {
    const name = c.path[0]!;
    const type = FEEDBACK_FIELDS[name];
    return typeof c.value === type ? undefined : `\`${name}\` is ${type === 'number' ? 'a number' : 'true or false'}`;
  },
};

export interface QualityContext {
  readonly tier: Tier | undefined;
  readonly task: Task | undefined;
  /** Declared cohort attributes; undefined when `cohorts` itself is invalid. */
  readonly cohorts: readonly string[] | undefined;
  /** The `spec` mapping, where problems about a missing `quality` section are reported. */
  readonly spec: MapView;
}

function readSources(r: Reader, at: At | undefined, what: string): { value: OutcomeSource; at: At }[] | undefined {
  if (at === undefined) return undefined;
  const items = r.stringList(at, what);
  if (items === undefined) return undefined;
  const out: { value: OutcomeSource; at: At }[] = [];
  for (const it of items) {
    const s = r.oneOf(it.at, OUTCOME_SOURCES);
    if (s === undefined) return undefined;
    out.push({ value: s, at: it.at });
  }
  return items.length === out.length ? out : undefined;
}

function readVerdict(r: Reader, q: MapView | undefined, ctx: QualityContext): VerdictRule | undefined {
  const where = q ?? ctx.spec;
  const missing = (key: string, why: string): undefined => {
    const pointer = q === undefined ? childPointer(ctx.spec.at.pointer, 'quality') : childPointer(where.at.pointer, key);
    r.sink.at(where.at.node, pointer, `missing required field \`${q === undefined ? 'quality' : key}\`: ${why}`);
    return undefined;
  };
  for (const [key, task] of Object.entries(TASK_KEYS)) {
    const keyNode = q?.keyNode(key);
    if (keyNode !== undefined && ctx.task !== undefined && ctx.task !== task) r.sink.at(keyNode, childPointer(q!.at.pointer, key), `\`${key}\` applies only to ${task} services`);
  }
  switch (ctx.task) {
    case undefined: return undefined;
    case 'classification': return { task: 'classification' };
    case 'ranking': {
      const at = q?.get('k');
      const k = at === undefined ? DEFAULTS.k : r.integer(at, 1);
      return k === undefined ? undefined : { task: 'ranking', k };
    }
    case 'regression': {
      const abs = q?.get('tolerance');
      const pct = q?.get('tolerancePct');
      if (abs !== undefined && pct !== undefined) {
        r.sink.at(q!.keyNode('tolerancePct')!, pct.pointer, 'set either `tolerance` (absolute) or `tolerancePct` (relative), not both');
        return undefined;
      }
      if (abs !== undefined) {
        const value = r.positive(abs);
        return value === undefined ? undefined : { task: 'regression', tolerance: { kind: 'absolute', value } };
      }
      if (pct !== undefined) {
        // Percent of the true value: 5 means |prediction − truth| ≤ 5% × |truth|.
        const value = r.positive(pct);
        return value === undefined ? undefined : { task: 'regression', tolerance: { kind: 'relative', pct: value } };
      }
      return missing('tolerance', 'a regression verdict needs `tolerance` (absolute) or `tolerancePct` (relative)');
    }
    case 'generative': {
      const at = q?.get('criteria');
      if (at === undefined) return missing('criteria', 'a generative verdict needs criteria on outcome scores, such as `factuality >= 0.8 && policy == 1`');
      const criteria = r.condition(at, CRITERIA_SYNTAX);
      return criteria === undefined ? undefined : { task: 'generative', criteria };
    }
  }
}

export function readQuality(r: Reader, at: At | undefined, ctx: QualityContext): QualitySpec | undefined {
  const q = at === undefined ? undefined : r.map(at, QUALITY_KEYS);
  if (at !== undefined && q === undefined) return undefined;
  let ok = true;
  const opt = <T>(key: string, read: (a: At) => T | undefined, dflt: T): T => {
    const a = q?.get(key);
    if (a === undefined) return dflt;
    const v = read(a);
    if (v === undefined) ok = false;
    return v ?? dflt;
  };
  const verdict = readVerdict(r, q, ctx);
  const sourcesRead = readSources(r, q?.get('sources'), 'source');
  if (q?.has('sources') === true && sourcesRead === undefined) ok = false;
  const sources = sourcesRead?.map((s) => s.value) ?? DEFAULTS.sources;
  const precedence = opt('precedence', (a) => {
    const list = readSources(r, a, 'source');
    if (list === undefined) return undefined;
    const missingOnes = OUTCOME_SOURCES.filter((s) => !list.some((l) => l.value === s));
    if (missingOnes.length === 0) return list.map((l) => l.value);
    r.report(a, `must order all four sources, ${listOf(OUTCOME_SOURCES, 'and')}; missing ${listOf(missingOnes, 'and')}`);
    return undefined;
  }, DEFAULTS.precedence);
  const minSamples = opt('minSamples', (a) => r.integer(a, 1), DEFAULTS.minSamples);
  const labelGraceMs = opt('labelGrace', (a) => r.duration(a), parseDuration(DEFAULTS.labelGrace)!);
  const orphanTtlMs = opt('orphanTtl', (a) => r.duration(a), parseDuration(DEFAULTS.orphanTtl)!);
  const stratifyBy = opt('stratifyBy', (a) => {
    const list = r.stringList(a, 'attribute');
    if (list === undefined || ctx.cohorts === undefined) return undefined;
    const undeclared = list.filter((s) => !ctx.cohorts!.includes(s.value));
    for (const s of undeclared) {
      r.report(s.at, `\`${s.value}\` is not a declared cohort attribute; add it to \`spec.cohorts\`${ctx.cohorts.length === 0 ? '' : ` (declared: ${listOf(ctx.cohorts, 'and')})`}`);
    }
    return undeclared.length === 0 && list.length === (r.list(a)?.length ?? 0) ? list.map((s) => s.value) : undefined;
  }, [] as string[]);
  const feedbackRule: Condition | undefined = opt('feedback', (a) => r.condition(a, FEEDBACK_SYNTAX), undefined);
  const fb = sourcesRead?.find((s) => s.value === 'feedback');
  if (fb !== undefined && q?.get('feedback') === undefined) {
    r.report(fb.at, 'the `feedback` source needs a `quality.feedback` rule that turns feedback into verdicts, such as `clicked && !followUp`');
    ok = false;
  }
  const objAt = q?.get('objectives');
  const objRead = objAt === undefined ? { objectives: [], anyPerCohort: false } : readQualityObjectives(r, objAt, ctx.task);
  if (ctx.tier !== undefined && TIER_DEFAULTS[ctx.tier].perCohortRequired && (ctx.cohorts?.length ?? 0) > 0 && !objRead.anyPerCohort) {
    const node = objAt?.node ?? q?.at.node ?? ctx.spec.at.node;
    const pointer = objAt?.pointer ?? (q === undefined ? childPointer(ctx.spec.at.pointer, 'quality') : childPointer(q.at.pointer, 'objectives'));
    r.sink.at(node, pointer, `tier 0 services must set a quality objective with \`perCohort: true\` when cohorts are declared (${listOf(ctx.cohorts!, 'and')}), so that an aggregate cannot hide a failing cohort`);
    ok = false;
  }
  if (!ok || verdict === undefined || objRead.objectives === undefined) return undefined;
  return { sources, precedence, minSamples, stratifyBy, objectives: objRead.objectives, verdict, feedbackRule, labelGraceMs, orphanTtlMs };
}
