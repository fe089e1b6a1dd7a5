/** What a channel encoder produces: one HTTP POST with a JSON body. */
export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface EncodeContext {
  /** Send time (epoch ms): Alertmanager's `endsAt` for a firing alert is counted from it. */
  readonly now: number;
  /** PagerDuty Events API v2 endpoint; https://events.pagerduty.com/v2/enqueue unless a test overrides it. */
  readonly pagerdutyUrl: string;
  /** mlslo's own base URL, for links back (generatorURL, client_url). */
  readonly baseUrl: string;
  /** Alertmanager resend interval; a firing alert's `endsAt` is now + 4 × this (as Prometheus does). */
  readonly resendMs: number;
}

export const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json', 'user-agent': 'mlslo-notifier/1' });

export function alertsLink(baseUrl: string, service: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/services/${encodeURIComponent(service)}/alerts`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
