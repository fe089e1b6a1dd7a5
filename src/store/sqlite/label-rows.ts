/** Labeling queue rows (migration 9) to and from port.ts LabelItemRecord and LabelActionRecord. */
import type { LabelAction, LabelActionRecord, LabelItemRecord } from '../port.ts';

export const LABEL_ITEM_COLUMNS = `id, service, request_id, day, created_at, sampling_prob, stratum, needed, request, labels,
  flagged, leased_by, leased_until`;
export const LABEL_ACTION_COLUMNS = 'item_id, service, request_id, labeler, at, action, label, note';

export interface LabelItemDbRow {
  readonly id: number;
  readonly service: string;
  readonly request_id: string;
  readonly day: number;
  readonly created_at: number;
  readonly sampling_prob: number;
  readonly stratum: string;
  readonly needed: number;
  readonly request: string;
  readonly labels: number;
  readonly flagged: number;
  readonly leased_by: string | null;
  readonly leased_until: number | null;
}

export function labelItemFromDb(r: LabelItemDbRow): LabelItemRecord {
  return {
    id: String(r.id),
    service: r.service,
    requestId: r.request_id,
    day: r.day,
    createdAt: r.created_at,
    samplingProb: r.sampling_prob,
    stratum: r.stratum,
    needed: r.needed,
    request: r.request,
    labels: r.labels,
    flagged: r.flagged === 1,
    leasedBy: r.leased_by ?? undefined,
    leasedUntil: r.leased_until ?? undefined,
  };
}

export interface LabelActionDbRow {
  readonly item_id: number;
  readonly service: string;
  readonly request_id: string;
  readonly labeler: string;
  readonly at: number;
  readonly action: string;
  readonly label: string | null;
  readonly note: string | null;
}

export function labelActionFromDb(r: LabelActionDbRow): LabelActionRecord {
  return {
    itemId: String(r.item_id),
    service: r.service,
    requestId: r.request_id,
    labeler: r.labeler,
    at: r.at,
    action: r.action as LabelAction,
    label: r.label,
    note: r.note,
  };
}
