/**
 * Evidence as readable JSON: keys, strings, numbers and booleans coloured, nested objects indented, all
 * rendered as text nodes (a cohort value such as `<script>` shows as those characters). Long arrays are
 * cut with a count of what was left out.
 */
const MAX_ITEMS = 50;

function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined) return <span class="z">null</span>;
  if (typeof v === 'string') return <span class="s">"{v}"</span>;
  if (typeof v === 'number') return <span class="n">{Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))}</span>;
  if (typeof v === 'boolean') return <span class="b">{String(v)}</span>;
  if (Array.isArray(v)) return <List items={v as unknown[]} />;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return <span class="z">{'{}'}</span>;
    return (
      <ul class="json">
        {entries.map(([k, x]) => <li key={k}><span class="k">{k}: </span><Value v={x} /></li>)}
      </ul>
    );
  }
  return <span>{typeof v === 'bigint' ? v.toString() : typeof v}</span>;
}

/** Arrays of scalars on one line; arrays of objects as an indexed list. */
function List({ items }: { items: readonly unknown[] }) {
  if (items.length === 0) return <span class="z">[]</span>;
  const more = items.length > MAX_ITEMS ? items.length - MAX_ITEMS : 0;
  const shown = items.slice(0, MAX_ITEMS);
  if (shown.every((x) => x === null || typeof x !== 'object')) {
    return <span>[{shown.map((x, i) => <span key={i}>{i > 0 ? ', ' : ''}<Value v={x} /></span>)}{more > 0 ? `, … ${more} more` : ''}]</span>;
  }
  return (
    <ul class="json">
      {shown.map((x, i) => <li key={i}><span class="k">{i}: </span><Value v={x} /></li>)}
      {more > 0 ? <li class="z">… {more} more</li> : null}
    </ul>
  );
}

export function JsonView({ value }: { value: unknown }) {
  return <div class="json-box"><div class="json root"><Value v={value} /></div></div>;
}
