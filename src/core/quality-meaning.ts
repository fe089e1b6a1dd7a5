/**
 * The plain-language sentence a public status page shows for what "quality" means for one service
 * (DESIGN §2.10), generated from the spec's task, verdict rule, verdict sources and objective — unless
 * the spec words it itself (`statusPage.qualityMeaning`). Customers read it, so it names no internals:
 * no cohorts, features, model versions or thresholds of other dimensions.
 */
import type { OutcomeSource } from './event.ts';
import type { Comparison, ServiceSpec, SloWindow, VerdictRule } from './spec.ts';

/** 0.9995 → `99.95%`: up to three decimals of a percent, trailing zeros dropped (objectives are exact). */
export function formatObjective(ratio: number): string {
  return `${Number((ratio * 100).toFixed(3))}%`;
}

const OPS: Readonly<Record<Comparison['op'], string>> = {
  '>=': 'at least', '>': 'above', '<=': 'at most', '<': 'below', '==': 'equal to', '!=': 'not equal to',
};

function criterion(c: Comparison): string {
  return `${c.path.join('.')} ${OPS[c.op]} ${String(c.value)}`;
}

function andList(items: readonly string[], conj: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]!}`;
}

function verdictPhrase(v: VerdictRule): string {
  switch (v.task) {
    case 'classification':
      return 'the share of answers whose predicted label matched the true label';
    case 'ranking':
      return v.k === 1
        ? 'the share of requests whose top result was relevant'
        : `the share of requests where at least one of the top ${v.k} results was relevant`;
    case 'regression':
      return v.tolerance.kind === 'absolute'
        ? `the share of predictions within ${v.tolerance.value} of the true value`
        : `the share of predictions within ${v.tolerance.pct}% of the true value`;
    case 'generative':
      return v.criteria.all.length === 0
        ? 'the share of answers judged acceptable'
        : `the share of answers rated ${andList(v.criteria.all.map(criterion), 'and')}`;
  }
}

const SOURCE_PHRASES: Readonly<Record<OutcomeSource, string>> = {
  human: 'by human reviewers',
  ground_truth: 'against the actual outcome',
  judge: 'by an automated judge',
  feedback: 'from user feedback',
};

function windowPhrase(w: SloWindow): string {
  return w.kind === 'rolling' ? `over a rolling ${w.days} day${w.days === 1 ? '' : 's'}` : 'per calendar month';
}

export function qualityMeaning(spec: ServiceSpec): string {
  if (spec.statusPage.qualityMeaning !== undefined) return spec.statusPage.qualityMeaning;
  const sources = spec.quality.sources.map((s) => SOURCE_PHRASES[s]);
  const checked = sources.length === 0 ? 'checked on a sample of requests' : `checked on a sample of requests ${andList(sources, 'or')}`;
  return `Quality: ${verdictPhrase(spec.quality.verdict)}, ${checked}; objective ${formatObjective(spec.objectives.quality)} ${windowPhrase(spec.window)}.`;
}
