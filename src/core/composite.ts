/**
 * Composite SLI estimate (DESIGN §2.4): a request is good when it is ok, fast and of good quality.
 * Only a sample is judged, so good = okFast·q̂; when q̂ is insufficient the composite is okFast alone,
 * an upper bound, and flagged so that nothing alerts on it as if it were an estimate.
 */
import type { QualityEstimate } from './quality-estimate.ts';

export interface CompositeInput {
  /** Eligible requests |S|. */
  readonly eligible: number;
  /** Ok requests within their class's latency threshold. */
  readonly okFast: number;
  readonly quality: QualityEstimate;
}

export interface CompositeEstimate {
  /** Estimated good requests (fractional). */
  readonly good: number;
  readonly bad: number;
  /** good/eligible; undefined when nothing was eligible. */
  readonly sli: number | undefined;
  /** True when quality was insufficient: good counts every ok-fast request, so sli is an upper bound. */
  readonly upperBound: boolean;
}

export function compositeEstimate(input: CompositeInput): CompositeEstimate {
  const { eligible, okFast, quality } = input;
  const upperBound = quality.status !== 'ok';
  const good = quality.status === 'ok' ? okFast * quality.qHat : okFast;
  return { good, bad: eligible - good, sli: eligible > 0 ? good / eligible : undefined, upperBound };
}
