/** State, severity and flag badges; colour plus text, never colour alone. */
import type { ServiceState as State } from '../api/types.ts';

const STATE: Readonly<Record<State, { label: string; cls: string; rank: number }>> = {
  outage: { label: 'Outage', cls: 'bad', rank: 0 },
  quality_degraded: { label: 'Quality degraded', cls: 'warn', rank: 1 },
  degraded: { label: 'Degraded', cls: 'warn', rank: 2 },
  no_data: { label: 'No data', cls: 'grey', rank: 3 },
  operational: { label: 'Operational', cls: 'good', rank: 4 },
};

/** 0 = worst; for sorting services worst first. */
export function stateRank(s: State): number {
  return STATE[s].rank;
}

export function StateBadge({ state }: { state: State }) {
  const s = STATE[state];
  return <span class={`badge ${s.cls}`}>{s.label}</span>;
}

export function SeverityBadge({ severity }: { severity: 'page' | 'ticket' }) {
  return <span class={`badge plain ${severity === 'page' ? 'bad' : 'warn'}`}>{severity}</span>;
}

export type AlertStateKind = 'inactive' | 'pending' | 'firing' | 'resolved';

export function AlertStateBadge({ state }: { state: AlertStateKind }) {
  const cls = state === 'firing' ? 'bad' : state === 'pending' ? 'warn' : state === 'resolved' ? 'good' : 'grey';
  return <span class={`badge ${cls}`}>{state}</span>;
}

export function FlagTags({ flags }: { flags: readonly string[] }) {
  if (flags.length === 0) return null;
  return (
    <span class="tags">
      {flags.map((f) => (
        <span key={f} class={`tag ${f === 'below-objective' ? 'bad' : 'warn'}`} title={FLAG_HELP[f] ?? f}>{f}</span>
      ))}
    </span>
  );
}

const FLAG_HELP: Readonly<Record<string, string>> = {
  'below-objective': 'the 95% interval lies entirely under the objective',
  'worse-than-rest': 'significantly worse than the rest of the traffic (two-proportion z-test, Benjamini–Hochberg q = 0.05)',
};
