/**
 * The labeling queues this key may work on, one per service with a `labeling:` section: items still
 * wanting a label (open), those this labeler can take now (available), done and flagged. A labeler
 * starts here; an admin reaches it from the top bar.
 */
import type { Queue, QueuesResponse } from '../../api/types.ts';
import { useApi, useTicker } from '../../api/use-api.ts';
import { Async } from '../../components/async.tsx';
import { SortableTable, type Column } from '../../components/sortable-table.tsx';
import { count } from '../../lib/format.ts';
import { labelingPath, linkHandler, navigate } from '../../lib/router.ts';

const REFRESH_MS = 30_000;

const COLUMNS: readonly Column<Queue>[] = [
  {
    key: 'service', label: 'Service', sort: (q) => q.service,
    render: (q) => (
      <div>
        <a href={labelingPath(q.service)} onClick={linkHandler} style={{ fontWeight: 600 }}>{q.service}</a>
        <div class="faint" style={{ fontSize: '0.88rem' }}>{q.task}</div>
      </div>
    ),
  },
  { key: 'available', label: 'Available', title: 'items you can take now (not leased by someone else, not done by you)', num: true, sort: (q) => q.available, render: (q) => <b>{count(q.available)}</b> },
  { key: 'open', label: 'Open', title: 'items that still want a label from someone', num: true, sort: (q) => q.open, render: (q) => count(q.open) },
  { key: 'done', label: 'Done', title: 'items with all the labels they need', num: true, sort: (q) => q.done, render: (q) => count(q.done) },
  { key: 'flagged', label: 'Flagged', title: 'items a labeler flagged (out of the queue until someone looks)', num: true, sort: (q) => q.flagged, render: (q) => (q.flagged > 0 ? <span class="t-warn">{count(q.flagged)}</span> : '0') },
  {
    key: 'go', label: '', render: (q) => (
      q.available > 0
        ? <a class="btn primary small" href={labelingPath(q.service)} onClick={linkHandler}>Start labeling</a>
        : <span class="faint">nothing to take</span>
    ),
  },
];

export function Queues({ mayLabel }: { mayLabel: boolean }) {
  const tick = useTicker(REFRESH_MS, mayLabel);
  const queues = useApi<QueuesResponse>(mayLabel ? '/v1/labeling/queues' : null, tick);
  if (!mayLabel) {
    return (
      <div class="panel"><div class="empty">Labeling takes a <b>labeler</b> (or admin) key: <code>mlslo keys create --role labeler</code>. A read key sees agreement and calibration on each service page.</div></div>
    );
  }
  return (
    <div class="stack">
      <div class="page-head">
        <h1>Labeling</h1>
        <div class="right"><span class="faint">press <kbd>?</kbd> while labeling for the shortcuts</span></div>
      </div>
      <Async value={queues} what="the labeling queues">
        {(data) => (
          <div class="panel">
            <header>
              <h2>Queues</h2>
              <span class="sub">one per service that asks for human labels · refreshed every 30 s</span>
            </header>
            {data.queues.length === 0 ? (
              <div class="empty">No labeling queue: no service spec has a <code>labeling:</code> section, or this key is scoped to a service without one.</div>
            ) : (
              <SortableTable
                caption="Labeling queues"
                columns={COLUMNS}
                rows={data.queues}
                rowKey={(q) => q.service}
                initial={{ key: 'available', dir: 'desc' }}
                tiebreak={(a, b) => a.service.localeCompare(b.service)}
                onRowClick={(q) => navigate(labelingPath(q.service))}
                cards
              />
            )}
          </div>
        )}
      </Async>
    </div>
  );
}
