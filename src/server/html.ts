/**
 * HTML escaping for server-rendered pages. `html` is a tagged template whose literal parts are trusted
 * markup and whose every interpolated value is escaped, unless it is itself the result of `html` — so
 * untrusted text (service names, descriptions, cohort values) cannot become markup by accident: there
 * is no way to splice a raw string in.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes the five characters that matter in element content and in quoted attribute values (OWASP XSS
 * prevention, rule 1–2). Not for URLs, `style`, `<script>` or unquoted attributes, which these pages
 * never fill from data.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Markup built by `html`: safe to embed as is. Not exported, so nothing else can mint one. */
class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
export type SafeHtml = Markup;

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v instanceof Markup) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  // `cond && html\`…\`` renders nothing when false; `true` is a mistake worth seeing, so it prints.
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Markup(out);
}
