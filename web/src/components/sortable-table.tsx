/**
 * A table whose column headers sort it (click or Enter/Space on the header button; `aria-sort` tells
 * screen readers). Nulls sort last in both directions: an unknown value is never "the best".
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<R> {
  readonly key: string;
  readonly label: ComponentChildren;
  /** Header tooltip. */
  readonly title?: string;
  readonly num?: boolean;
  readonly sort?: (row: R) => number | string | null;
  readonly render: (row: R) => ComponentChildren;
  /** Left out of the card layout on narrow screens (`cards`). */
  readonly hideNarrow?: boolean;
}

export interface Sort {
  readonly key: string;
  readonly dir: 'asc' | 'desc';
}

function compare(a: number | string | null, b: number | string | null, dir: 1 | -1): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
  return String(a).localeCompare(String(b)) * dir;
}

export function SortableTable<R>(props: {
  readonly columns: readonly Column<R>[];
  readonly rows: readonly R[];
  readonly rowKey: (row: R) => string;
  readonly initial: Sort;
  /** A tiebreak applied after the chosen column (e.g. name). */
  readonly tiebreak?: (a: R, b: R) => number;
  readonly caption?: string;
  readonly rowClass?: (row: R) => string | undefined;
  /** Mouse convenience only: the row must also hold a real link for keyboards and screen readers. */
  readonly onRowClick?: (row: R) => void;
  /** On a phone, each row becomes a card of labelled cells instead of a table that scrolls sideways. */
  readonly cards?: boolean;
}) {
  const [sort, setSort] = useState<Sort>(props.initial);
  const { columns, rows, tiebreak } = props;

  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort.key);
    const sortFn = col?.sort;
    if (sortFn === undefined) return rows;
    const dir = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => compare(sortFn(a), sortFn(b), dir) || (tiebreak?.(a, b) ?? 0));
  }, [columns, rows, sort, tiebreak]);

  const onSort = (key: string): void => {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  };

  return (
    <div class="table-wrap">
      <table class={props.cards === true ? 'data cards' : 'data'}>
        {props.caption === undefined ? null : <caption class="sr-only">{props.caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort.key === c.key;
              const ariaSort = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} class={c.num === true ? 'num' : undefined} aria-sort={ariaSort} title={c.title} scope="col">
                  {c.sort === undefined ? c.label : (
                    <button type="button" class="sort" onClick={() => onSort(c.key)}>
                      {c.label}
                      <span class="arrow" aria-hidden="true">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr
              key={props.rowKey(r)}
              class={[props.rowClass?.(r), props.onRowClick === undefined ? undefined : 'clickable'].filter(Boolean).join(' ') || undefined}
              onClick={props.onRowClick === undefined ? undefined : (e: MouseEvent) => {
                if ((e.target as HTMLElement).closest('a, button') === null) props.onRowClick?.(r);
              }}
            >
              {columns.map((c) => (
                <td
                  key={c.key} class={[c.num === true ? 'num' : '', c.hideNarrow === true ? 'hide-narrow' : ''].join(' ').trim() || undefined}
                  data-label={typeof c.label === 'string' ? c.label : undefined}
                >{c.render(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
