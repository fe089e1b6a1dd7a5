/**
 * Request templates of model endpoints (core/spec.ts EndpointSpec, docs/evals.md). A string that is
 * exactly `{{path}}` becomes the JSON value at that path of the template data (so an object or a number
 * keeps its type); any other string has each `{{path}}` replaced by the value as text; arrays and objects
 * are walked. A path is dot-separated (`input.text`, `input.items.0`); a missing value renders as JSON
 * null, or as the empty string inside text.
 */

/** What a template may refer to: `id`, `input`, `expected`, `segment`; replay adds `features`, `cohort`; a judge `output`. */
export type TemplateData = Readonly<Record<string, unknown>>;

const WHOLE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;
const PART = /\{\{\s*([^{}\s]+)\s*\}\}/g;

function lookup(data: TemplateData, path: string): unknown {
  let v: unknown = data;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? (/^\d+$/.test(part) ? v[Number(part)] : undefined) : Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
  }
  return v;
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function renderTemplate(template: unknown, data: TemplateData): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole !== null) return lookup(data, whole[1]!) ?? null;
    return template.replace(PART, (_m, path: string) => asText(lookup(data, path)));
  }
  if (Array.isArray(template)) return template.map((t) => renderTemplate(t, data));
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = renderTemplate(v, data);
    return out;
  }
  return template;
}
