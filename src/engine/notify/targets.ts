/** The targets of one route (`spec.notify.owner|oncall`), one per channel, and their redacted form. */
import type { NotifyTarget } from '../../core/spec.ts';
import type { ChannelKind } from '../../store/port.ts';

export type ChannelTarget =
  | { readonly channel: 'webhook'; readonly url: string }
  | { readonly channel: 'slack'; readonly url: string }
  | { readonly channel: 'pagerduty'; readonly routingKey: string }
  | { readonly channel: 'alertmanager'; readonly url: string }
  | { readonly channel: 'retrain'; readonly url: string };

export function targetsOf(t: NotifyTarget | undefined): ChannelTarget[] {
  if (t === undefined) return [];
  const out: ChannelTarget[] = [];
  if (t.webhook !== undefined) out.push({ channel: 'webhook', url: t.webhook });
  if (t.slack !== undefined) out.push({ channel: 'slack', url: t.slack });
  if (t.pagerduty !== undefined) out.push({ channel: 'pagerduty', routingKey: t.pagerduty.routingKey });
  if (t.alertmanager !== undefined) out.push({ channel: 'alertmanager', url: t.alertmanager });
  return out;
}

/** The outbox's `target` column: the URL, or the PagerDuty routing key. */
export function targetString(t: ChannelTarget): string {
  return t.channel === 'pagerduty' ? t.routingKey : t.url;
}

export function targetFromRow(channel: ChannelKind, target: string): ChannelTarget {
  switch (channel) {
    case 'pagerduty': return { channel, routingKey: target };
    case 'webhook':
    case 'slack':
    case 'alertmanager':
    case 'retrain': return { channel, url: target };
  }
}

/**
 * What logs and the API may show of a target: a URL's origin (paths of Slack and webhook URLs are
 * secrets), and the last 4 characters of a routing key.
 */
export function redactTarget(channel: ChannelKind, target: string): string {
  if (channel === 'pagerduty') return `…${target.slice(-4)}`;
  try {
    const u = new URL(target);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/…`;
  } catch {
    return '(invalid url)';
  }
}
