/** Remaining error budget: a bar and the share; overspent budgets show their negative value in full. */
import { budgetPct } from '../lib/format.ts';

export function budgetClass(remaining: number | null | undefined): string {
  if (remaining === null || remaining === undefined || !Number.isFinite(remaining)) return 'grey';
  if (remaining < 0.1) return 'bad';
  if (remaining < 0.5) return 'warn';
  return 'good';
}

export function BudgetBar({ remaining, label }: { remaining: number | null | undefined; label?: string }) {
  const cls = budgetClass(remaining);
  const known = remaining !== null && remaining !== undefined && Number.isFinite(remaining);
  const width = known ? Math.max(0, Math.min(1, remaining)) * 100 : 0;
  const color = cls === 'grey' ? 'var(--faint)' : `var(--${cls})`;
  return (
    <span class="budget" title={label === undefined ? undefined : `${label}: ${budgetPct(remaining)} of the error budget left`}>
      <span class="bar" aria-hidden="true">
        <span style={{ width: `${known && remaining < 0 ? 100 : width}%`, background: known && remaining < 0 ? 'var(--bad)' : color }} />
      </span>
      <span class={`value ${cls === 'grey' ? 'faint' : `t-${cls}`}`}>{budgetPct(remaining)}</span>
    </span>
  );
}
