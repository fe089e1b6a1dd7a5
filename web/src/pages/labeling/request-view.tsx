/**
 * The request a labeler judges, as the service sent it (the stored wire-format inference event): its
 * input fields, the model's prediction, cohort and features. Every value is rendered as text; fields this
 * view does not know stay reachable under "raw request".
 */
import type { ComponentChildren } from 'preact';
import { JsonView } from '../../components/json-view.tsx';
import { ms, pct, utc } from '../../lib/format.ts';

type Scalar = string | number | boolean | null;

/** What the view reads from `item.request`; anything else is left to the raw view. */
export interface RequestFields {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly ts: string | undefined;
  readonly latencyMs: number | undefined;
  readonly input: ReadonlyArray<[string, Scalar]>;
  readonly cohort: ReadonlyArray<[string, Scalar]>;
  readonly features: ReadonlyArray<[string, Scalar]>;
  readonly prediction: Prediction;
}

export type Prediction =
  | { readonly kind: 'label'; readonly label: string | number; readonly score: number | undefined; readonly probabilities: ReadonlyArray<[string, number]> }
  | { readonly kind: 'items'; readonly items: ReadonlyArray<string | number> }
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'other'; readonly raw: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isLabel = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

function entries(v: unknown): Array<[string, Scalar]> {
  if (!isObject(v)) return [];
  return Object.entries(v).map(([k, x]): [string, Scalar] => [k, isScalar(x) ? x : JSON.stringify(x)]);
}

function prediction(p: unknown): Prediction {
  if (!isObject(p)) return { kind: 'other', raw: p };
  if (isLabel(p.label)) {
    const probs = isObject(p.probabilities)
      ? Object.entries(p.probabilities).filter((e): e is [string, number] => typeof e[1] === 'number').sort((a, b) => b[1] - a[1])
      : [];
    return { kind: 'label', label: p.label, score: typeof p.score === 'number' ? p.score : undefined, probabilities: probs };
  }
  if (Array.isArray(p.items)) return { kind: 'items', items: p.items.filter(isLabel) };
  if (typeof p.value === 'number') return { kind: 'value', value: p.value };
  if (typeof p.text === 'string') return { kind: 'text', text: p.text };
  return { kind: 'other', raw: p };
}

/** The request JSON may arrive as an object or as its stored string. */
export function readRequest(request: unknown): RequestFields {
  let r = request;
  if (typeof r === 'string') {
    try {
      r = JSON.parse(r) as unknown;
    } catch {
      r = { input: { text: r } };
    }
  }
  const o = isObject(r) ? r : {};
  return {
    id: typeof o.id === 'string' ? o.id : undefined,
    model: typeof o.model === 'string' && o.model !== '' ? o.model : undefined,
    ts: typeof o.ts === 'string' ? o.ts : undefined,
    latencyMs: typeof o.latencyMs === 'number' ? o.latencyMs : undefined,
    input: entries(o.input),
    cohort: entries(o.cohort),
    features: entries(o.features),
    prediction: prediction(o.prediction),
  };
}

/** A long string (a ticket, a prompt) as a readable block; short values inline. */
function FieldValue({ v }: { v: Scalar }) {
  if (v === null) return <span class="faint">null</span>;
  if (typeof v === 'string' && (v.length > 60 || v.includes('\n'))) return <div class="text-block">{v}</div>;
  return <span class={typeof v === 'string' ? undefined : 'mono'}>{String(v)}</span>;
}

function Fields({ rows }: { rows: ReadonlyArray<[string, Scalar]> }) {
  return (
    <dl class="kv fields">
      {rows.map(([k, v]) => <FieldRow key={k} name={k}><FieldValue v={v} /></FieldRow>)}
    </dl>
  );
}

function FieldRow({ name, children }: { name: string; children: ComponentChildren }) {
  return <><dt class="mono">{name}</dt><dd>{children}</dd></>;
}

function PredictionView({ p }: { p: Prediction }) {
  switch (p.kind) {
    case 'label':
      return (
        <div class="stack tight">
          <div><span class="pred-label">{String(p.label)}</span>{p.score === undefined ? null : <span class="faint"> · score {p.score.toFixed(2)}</span>}</div>
          {p.probabilities.length === 0 ? null : (
            <ul class="probs" aria-label="predicted probabilities">
              {p.probabilities.slice(0, 6).map(([c, x]) => (
                <li key={c}><span class="mono">{c}</span><span class="bar" aria-hidden="true"><span style={{ width: `${Math.round(x * 100)}%` }} /></span><span class="num">{pct(x, 1)}</span></li>
              ))}
            </ul>
          )}
        </div>
      );
    case 'items':
      return <div class="faint">a ranking of {p.items.length} item{p.items.length === 1 ? '' : 's'}, in the form below in the model's order</div>;
    case 'value':
      return <span class="pred-label mono">{String(p.value)}</span>;
    case 'text':
      return <div class="text-block generated">{p.text}</div>;
    case 'other':
      return p.raw === undefined ? <span class="faint">none recorded</span> : <JsonView value={p.raw} />;
  }
}

export function RequestView({ fields, raw }: { fields: RequestFields; raw: unknown }) {
  return (
    <div class="request stack tight">
      <div class="request-meta">
        {fields.id === undefined ? null : <span class="mono" title="request id">{fields.id}</span>}
        {fields.model === undefined ? null : <span class="tag" title="model version">model {fields.model}</span>}
        {fields.ts === undefined ? null : <span class="faint">{utc(fields.ts, true)}</span>}
        {fields.latencyMs === undefined ? null : <span class="faint">{ms(fields.latencyMs)}</span>}
        {fields.cohort.map(([k, v]) => <span key={k} class="tag info" title="cohort">{k}={String(v)}</span>)}
      </div>
      <section aria-label="Input">
        <h3 class="mini">Input</h3>
        {fields.input.length === 0 ? <div class="faint">The request carried no <code>input</code> fields.</div> : <Fields rows={fields.input} />}
      </section>
      <section aria-label="Prediction">
        <h3 class="mini">Prediction</h3>
        <PredictionView p={fields.prediction} />
      </section>
      {fields.features.length === 0 ? null : (
        <details class="raw">
          <summary>Features ({fields.features.length})</summary>
          <Fields rows={fields.features} />
        </details>
      )}
      <details class="raw">
        <summary>Raw request</summary>
        <JsonView value={raw} />
      </details>
    </div>
  );
}
