/**
 * PromQL text for the generated rules: selectors pinned to one service, and layout helpers that keep
 * multi-line expressions readable in the YAML (an operator at the start of its line, operands indented).
 */
import { LABEL_SERVICE, LABEL_SLI } from '../metric-names.ts';
import type { Dimension } from '../slo-report.ts';

/** A PromQL string literal: Go's escapes, which JSON's double-quoted strings are a subset of. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * `metric{service="…"}`, with `sli="…"` for one SLI or `sli=~"a|b"` for several. Every selector names its
 * service, so one service's rules never read another's series.
 */
export function selector(metric: string, service: string, sli?: Dimension | readonly Dimension[]): string {
  const matchers = [`${LABEL_SERVICE}=${quote(service)}`];
  if (typeof sli === 'string') matchers.push(`${LABEL_SLI}=${quote(sli)}`);
  else if (sli !== undefined) matchers.push(`${LABEL_SLI}=~${quote(sli.join('|'))}`);
  return `${metric}{${matchers.join(', ')}}`;
}

export const BY_SERVICE = `by (${LABEL_SERVICE})`;
export const BY_SERVICE_SLI = `by (${LABEL_SERVICE}, ${LABEL_SLI})`;
export const ON_SERVICE = `on (${LABEL_SERVICE})`;
export const ON_SERVICE_SLI = `on (${LABEL_SERVICE}, ${LABEL_SLI})`;

/** `(`, the expression indented, `)` on lines of their own. */
export function block(expr: string): string {
  return `(\n${expr.replace(/^/gm, '  ')}\n)`;
}

/**
 * Operands joined by a binary operator (`or`, `and`, `unless`), one per line: `a\nor b` when all are
 * one-liners, else each multi-line operand in its own block and the operator on a line between.
 */
export function chain(op: string, operands: readonly string[]): string {
  if (!operands.some((e) => e.includes('\n'))) return operands.join(`\n${op} `);
  return operands.map((e) => (e.includes('\n') ? block(e) : e)).join(`\n${op}\n`);
}
