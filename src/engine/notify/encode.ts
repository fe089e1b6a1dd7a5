/** Chooses the channel encoder for an outbox row. Pure. */
import type { OutboxNotice } from './notice.ts';
import { encodeAlertmanager } from './alertmanager.ts';
import { encodePagerDuty } from './pagerduty.ts';
import type { EncodeContext, HttpRequest } from './request.ts';
import { encodeSlack } from './slack.ts';
import type { ChannelTarget } from './targets.ts';
import { encodeRetrain } from './retrain.ts';
import { encodeWebhook } from './webhook.ts';

export function encodeNotice(n: OutboxNotice, t: ChannelTarget, ctx: EncodeContext): HttpRequest {
  if (n.kind === 'retrain') {
    if (t.channel !== 'retrain') throw new Error(`a retrain request cannot go to a ${t.channel} target`);
    return encodeRetrain(n, t.url);
  }
  switch (t.channel) {
    case 'webhook': return encodeWebhook(n, t.url, ctx);
    case 'slack': return encodeSlack(n, t.url, ctx);
    case 'pagerduty': return encodePagerDuty(n, t.routingKey, ctx);
    case 'alertmanager': return encodeAlertmanager(n, t.url, ctx);
    case 'retrain': throw new Error('an alert notice cannot go to a retrain webhook');
  }
}
