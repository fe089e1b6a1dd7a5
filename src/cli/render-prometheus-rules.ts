/** The rule file `mlslo export prometheus-rules` writes: Prometheus' YAML rule format, expressions as literal blocks. */
import { Document } from 'yaml';
import type { RulesDocument } from '../core/prometheus-rules.ts';

/** `header` lines become comments above `groups:`; nothing in the output depends on the clock. */
export function renderPrometheusRules(rules: RulesDocument, header: readonly string[]): string {
  const doc = new Document(rules);
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  // lineWidth 0: never fold a PromQL line; a folded `expr` would still parse but read worse.
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}
