/**
 * `retrain.requested` to a service's training webhook (DESIGN §2.9, docs/notifications.md): why, the
 * suggested training-data window and the cohorts that need data most. Pure.
 */
import type { RetrainNotice } from './notice.ts';
import { iso, JSON_HEADERS, type HttpRequest } from './request.ts';

export function encodeRetrain(n: RetrainNotice, url: string): HttpRequest {
  const r = n.request;
  return {
    url,
    headers: { ...JSON_HEADERS, 'idempotency-key': encodeURIComponent(n.dedupKey) },
    body: {
      version: 'mlslo.retrain/v1',
      event: r.type,
      dedupKey: n.dedupKey,
      service: n.service,
      at: iso(r.at),
      reasons: r.reasons.map((x) => (x.kind === 'drift' ? { ...x, since: iso(x.since) } : x)),
      suggestedDataWindow: { from: iso(r.suggestedDataWindow.from), to: iso(r.suggestedDataWindow.to) },
      cohorts: r.cohorts,
    },
  };
}
