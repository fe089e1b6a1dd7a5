/**
 * Request templates of endpoint specs (core/spec.ts `EndpointSpec.request`): JSON in which a string that
 * is exactly `{{path}}` becomes the value at that path of the template data, and any other string has
 * its `{{path}}` placeholders replaced by the values as text. A path is dot-separated: `input`,
 * `input.text`, `features.amount`, `input.messages.0` (a number segment indexes an array). No spaces
 * inside the braces, no logic: a template only places values.
 */

export type Placeholder = { readonly path: readonly string[]; readonly start: number; readonly end: number };

export type PlaceholderScan =
  | { readonly ok: true; readonly placeholders: readonly Placeholder[] }
  | { readonly ok: false; readonly message: string; readonly offset: number };

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/;

/** The placeholders of one template string, or the first malformed one. */
export function scanPlaceholders(text: string): PlaceholderScan {
  const out: Placeholder[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) return { ok: true, placeholders: out };
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return { ok: false, message: 'unclosed placeholder: `{{` without `}}`', offset: open };
    const inner = text.slice(open + 2, close);
    if (!PATH.test(inner)) {
      return { ok: false, offset: open, message: `\`{{${inner}}}\` is not a placeholder; write a path without spaces, such as \`{{input}}\` or \`{{input.text}}\`` };
    }
    out.push({ path: inner.split('.'), start: open, end: close + 2 });
    i = close + 2;
  }
}

function lookup(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const p of path) {
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(p)) cur = cur[Number(p)] as unknown;
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, p)) cur = (cur as Record<string, unknown>)[p];
    else return undefined;
  }
  return cur;
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The template with `data` placed in it. A whole-string placeholder whose path is missing becomes null
 * (JSON has no undefined); inside text, a missing value is the empty string. A malformed placeholder
 * (the spec reader rejects those) is left as written.
 */
export function renderTemplate(template: unknown, data: Readonly<Record<string, unknown>>): unknown {
  if (typeof template === 'string') {
    const scan = scanPlaceholders(template);
    if (!scan.ok || scan.placeholders.length === 0) return template;
    const only = scan.placeholders[0]!;
    if (scan.placeholders.length === 1 && only.start === 0 && only.end === template.length) return lookup(data, only.path) ?? null;
    let out = '';
    let at = 0;
    for (const p of scan.placeholders) {
      out += template.slice(at, p.start) + asText(lookup(data, p.path));
      at = p.end;
    }
    return out + template.slice(at);
  }
  if (Array.isArray(template)) return template.map((t) => renderTemplate(t, data));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, data)]));
  }
  return template;
}
