/**
 * Checks that a typed event says what the item said (DESIGN §3.1): nothing dropped, renamed or
 * coerced on the way in — `__proto__` members included.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MlEvent } from '../../src/core/event.ts';

type Obj = Record<string, unknown>;

function entries(o: unknown, conv: (v: unknown) => unknown = (v) => v): Array<[string, unknown]> {
  if (o === undefined) return [];
  return Object.keys(o as Obj).sort().map((k) => [k, conv((o as Obj)[k])]);
}

function sameMap(raw: unknown, typed: unknown, conv?: (v: unknown) => unknown): boolean {
  return isDeepStrictEqual(entries(raw, conv), entries(typed));
}

/** Differences between the item `raw` (as JSON.parse gives it) and the event it became. */
export function contentProblems(raw: Obj, e: MlEvent, tsMs: number | undefined): string[] {
  const out: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => {
    if (!Object.is(a, b) && !(a === 0 && b === 0)) out.push(`${what}: sent ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
  };
  eq('kind', raw.kind, e.kind);
  eq('service', raw.service, e.service);
  if (tsMs !== undefined) eq('ts', tsMs, e.ts);
  if (e.kind === 'inference') {
    eq('id', raw.id, e.id);
    eq('model', raw.model ?? '', e.model);
    eq('status', raw.status, e.status);
    eq('latencyMs', raw.latencyMs, e.latencyMs);
    if (e.status === 'error') eq('errorType', raw.errorType, e.errorType);
    if (!sameMap(raw.input, e.input)) out.push('input differs');
    if (!sameMap(raw.cohort, e.cohort, String)) out.push('cohort differs');
    if (!sameMap(raw.features, e.features)) out.push('features differs');
    const p = raw.prediction as Obj | undefined;
    const q = e.status === 'ok' ? e.prediction : undefined;
    if ((p === undefined) !== (q === undefined)) out.push('prediction presence differs');
    if (p !== undefined && q !== undefined) {
      if (q.kind === 'label') {
        eq('prediction.label', p.label, q.label);
        eq('prediction.score', p.score, q.score);
        if (!sameMap(p.probabilities, q.probabilities)) out.push('prediction.probabilities differs');
      } else if (q.kind === 'items') {
        if (!isDeepStrictEqual(p.items, q.items)) out.push('prediction.items differs');
      } else if (q.kind === 'value') eq('prediction.value', p.value, q.value);
      else eq('prediction.text', p.text, q.text);
    }
  } else {
    eq('requestId', raw.requestId, e.requestId);
    if (raw.id !== undefined) eq('key', raw.id, e.key);
    eq('source', raw.source, e.source);
    eq('samplingProb', raw.samplingProb ?? 1, e.samplingProb);
    eq('annotator', raw.annotator, e.annotator);
    const p = e.payload;
    if (p.kind === 'label') eq('label', raw.label, p.label);
    else if (p.kind === 'relevant') {
      if (!isDeepStrictEqual(raw.relevant, p.relevant)) out.push('relevant differs');
    } else if (p.kind === 'value') eq('value', raw.value, p.value);
    else if (p.kind === 'scores') {
      if (!sameMap(raw.scores, p.scores)) out.push('scores differs');
    } else if (!sameMap(raw.feedback, p.feedback)) out.push('feedback differs');
  }
  return out;
}
