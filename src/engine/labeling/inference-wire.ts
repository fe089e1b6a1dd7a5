/**
 * A stored inference back in its wire format (DESIGN §3.1): what a label item keeps as `request`, so a
 * labeler sees the request as the service reported it — input, features, cohort, model, prediction.
 */
import type { InferenceEvent, Prediction } from '../../core/event.ts';

export function predictionWire(p: Prediction): Record<string, unknown> {
  switch (p.kind) {
    case 'label':
      return { label: p.label, ...(p.score === undefined ? {} : { score: p.score }), ...(p.probabilities === undefined ? {} : { probabilities: p.probabilities }) };
    case 'items':
      return { items: p.items };
    case 'value':
      return { value: p.value };
    case 'text':
      return p.text === undefined ? {} : { text: p.text };
  }
}

export function inferenceWire(e: InferenceEvent): Record<string, unknown> {
  return {
    id: e.id,
    service: e.service,
    model: e.model,
    ts: new Date(e.ts).toISOString(),
    input: e.input,
    cohort: e.cohort,
    features: e.features,
    ...(e.status === 'ok' && e.prediction !== undefined ? { prediction: predictionWire(e.prediction) } : {}),
  };
}

/** The prediction back from a label item's `request` JSON (the inverse of predictionWire), or undefined. */
export function predictionOf(request: unknown): Prediction | undefined {
  const p = (request as { prediction?: Record<string, unknown> } | null)?.prediction;
  if (typeof p !== 'object' || p === null) return undefined;
  if ('label' in p) {
    const label = p.label as string | number;
    return {
      kind: 'label', label,
      ...(typeof p.score === 'number' ? { score: p.score } : {}),
      ...(typeof p.probabilities === 'object' && p.probabilities !== null ? { probabilities: p.probabilities as Record<string, number> } : {}),
    };
  }
  if (Array.isArray(p.items)) return { kind: 'items', items: p.items as Array<string | number> };
  if (typeof p.value === 'number') return { kind: 'value', value: p.value };
  return typeof p.text === 'string' ? { kind: 'text', text: p.text } : { kind: 'text' };
}
