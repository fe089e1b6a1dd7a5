/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): `text` (the notification fallback)
 * and Block Kit `blocks` — a header (plain_text, ≤ 150 chars), a mrkdwn section (≤ 3000 chars) and a
 * context line. Text in mrkdwn escapes `&`, `<`, `>` as Slack requires, so cohort names cannot inject
 * links or mentions. Pure.
 */
import { hintText } from '../../core/alerting/hint-text.ts';
import type { Notice } from './notice.ts';
import { episodeStart } from './notice.ts';
import { alertsLink, iso, JSON_HEADERS, type EncodeContext, type HttpRequest } from './request.ts';

export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function encodeSlack(n: Notice, url: string, ctx: EncodeContext): HttpRequest {
  const a = n.alert;
  const status = n.kind === 'resolved' ? 'RESOLVED' : 'FIRING';
  const title = `[${status}] ${a.severity} · ${a.service}: ${a.summary}`;
  const hint = hintText(a.hint);
  const lines = [`*${slackEscape(a.summary)}*`];
  if (n.kind !== 'resolved' && hint !== undefined) lines.push(`Hint: ${slackEscape(hint)}`);
  if (n.kind === 'resolved' && a.state.kind === 'resolved') lines.push(`Resolved at ${iso(a.state.resolvedAt)}`);
  const context = [
    `\`${slackEscape(a.id)}\``,
    `route *${a.route}*`,
    `firing since ${iso(episodeStart(a.state, n.at))}`,
    `<${alertsLink(ctx.baseUrl, a.service)}|alerts>`,
  ].join(' · ');
  return {
    url,
    headers: { ...JSON_HEADERS },
    body: {
      text: cut(slackEscape(title), 3000),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: cut(`${status}: ${a.severity} · ${a.service}`, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), 3000) } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: cut(context, 3000) }] },
      ],
    },
  };
}
