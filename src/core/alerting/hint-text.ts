/** One line of plain text for a remediation hint (notifications: Slack, PagerDuty, Alertmanager). Pure. */
import type { Hint } from './hint.ts';

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

export function hintText(h: Hint | undefined): string | undefined {
  if (h === undefined) return undefined;
  switch (h.kind) {
    case 'rollback':
      return `roll back model ${h.from} → ${h.to}: quality ${pct(h.evidence.from.qHat)} vs ${pct(h.evidence.to.qHat)} over ${h.evidence.window}`;
    case 'gate_cohort':
      return `gate cohort ${h.attr}=${h.value} (quality ${pct(h.qHat)}, worse than the rest)`;
    case 'retrain':
      return 'retrain the model: quality fell across the board and no earlier version did better';
    case 'investigate_errors':
      return `investigate errors: ${h.errorTypes.slice(0, 3).map((e) => `${e.type} ${Math.round(e.share * 100)}%`).join(', ')}`;
    case 'check_capacity':
      return `check capacity: ${h.slow} of ${h.ok} ok requests were over their latency threshold`;
    case 'check_verdict_pipeline':
      return `check the label / judge pipeline: no verdict arrived (${h.verdictsBefore} before)`;
  }
}
