/**
 * The error envelope of every API error (src/server/http-errors.ts): `{"error": {"code", "message", "details"?}}`,
 * with the HTTP status of the code's category (docs/errors.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Obj } from './common.ts';

export const ErrorResponseSchema = Obj({
  error: Obj({
    /** A code of the catalogue, `MLSLO_ERR_…` (docs/errors.md). */
    code: Type.String({ pattern: '^MLSLO_ERR_[A-Z0-9_]+$' }),
    message: Type.String(),
    /** Structured detail some codes carry: `rejected` lines of a golden set, `problems` of a label. */
    details: Type.Optional(Type.Unknown()),
  }),
});

export type ErrorResponse = Static<typeof ErrorResponseSchema>;
