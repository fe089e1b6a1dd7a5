/** `POST /v1/events` — the partial-success answer of an ingest batch (DESIGN §3.1, docs/errors.md "Item codes"). */
import { Type, type Static } from '@sinclair/typebox';
import { Count, Obj } from './common.ts';

/** Why an item was rejected; the rest of the batch is stored regardless. */
export const ItemCodeSchema = Type.Union([
  Type.Literal('invalid_json'), Type.Literal('invalid_item'), Type.Literal('missing_field'), Type.Literal('invalid_type'),
  Type.Literal('invalid_value'), Type.Literal('unknown_field'), Type.Literal('invalid_timestamp'), Type.Literal('too_old'),
  Type.Literal('too_new'), Type.Literal('unknown_service'), Type.Literal('forbidden_service'), Type.Literal('conflict'),
]);

export const IngestResponseSchema = Obj({
  /** Items stored by this request. */
  accepted: Count,
  /** Items already stored with the same id and content (idempotent retries). */
  duplicates: Count,
  rejected: Type.Array(Obj({
    /** 0-based position in the batch (for NDJSON, among non-blank lines). */
    index: Count,
    code: ItemCodeSchema,
    message: Type.String(),
    /** JSON pointer into the item (`''` for the item itself). */
    path: Type.String(),
  })),
});

export type IngestResponse = Static<typeof IngestResponseSchema>;
export type ItemCode = Static<typeof ItemCodeSchema>;
