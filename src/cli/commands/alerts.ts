import type { Alert } from '../../core/alerting/alert.ts';
import type { Hint } from '../../core/alerting/hint.ts';
import { getJson, type ClientOptions } from '../client.ts';
import { table } from '../render-report.ts';

function hint(h: Hint | undefined): string {
  if (h === undefined) return '';
  switch (h.kind) {
    case 'rollback': return `roll back ${h.from} → ${h.to}`;
    case 'gate_cohort': return `gate ${h.attr}=${h.value}`;
    case 'retrain': return 'retrain';
    case 'investigate_errors': return `investigate errors: ${h.errorTypes.slice(0, 3).map((e) => `${e.type} ${Math.round(e.share * 100)}%`).join(', ')}`;
    case 'check_capacity': return 'check capacity';
    case 'check_verdict_pipeline': return 'check the label pipeline';
  }
}

export function renderAlerts(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'no alerts pending or firing\n';
  const t = table(['severity', 'alert', 'state', 'since', 'route', 'summary', 'hint']);
  for (const a of alerts) {
    const since = a.state.kind === 'firing' ? a.state.firingSince : a.state.kind === 'pending' ? a.state.since : a.at;
    t.push([a.severity, a.id, a.state.kind, new Date(since).toISOString(), a.route, a.summary, hint(a.hint)]);
  }
  return `${t.toString()}\n`;
}

export async function alertsCommand(opts: ClientOptions & { service?: string; json?: boolean }): Promise<void> {
  const path = opts.service === undefined ? '/v1/alerts' : `/v1/services/${encodeURIComponent(opts.service)}/alerts`;
  const { alerts } = (await getJson(path, opts)) as { alerts: Alert[] };
  process.stdout.write(opts.json === true ? `${JSON.stringify(alerts, null, 2)}\n` : renderAlerts(alerts));
}
