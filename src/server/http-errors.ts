/**
 * One error envelope for every API error: `{"error": {"code", "message", "details"?}}`. Domain errors
 * carry a category; this is the only place that turns a category into an HTTP status (CONVENTIONS §8).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MlsloError, type ErrorCategory } from '../core/errors.ts';

const STATUS: Readonly<Record<ErrorCategory, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  overloaded: 429,
  // A lost race between replicas (ClickHouse claims): the server is fine, the retry will succeed.
  contended: 503,
  unavailable: 503,
  internal: 500,
};

/** Seconds a client should wait before retrying, for the categories that invite a retry. */
const RETRY_AFTER: Partial<Record<ErrorCategory, number>> = { overloaded: 1, contended: 1, unavailable: 10 };

/** Fastify's own errors that are the client's doing, mapped into the catalogue. */
function fromFastify(e: FastifyError): MlsloError {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MlsloError('MLSLO_ERR_BODY_TOO_LARGE', undefined, { cause: e });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MlsloError('MLSLO_ERR_UNSUPPORTED_MEDIA', undefined, { cause: e });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MlsloError('MLSLO_ERR_BODY_ENCODING', e.message, { cause: e });
    default:
      if (e.validation !== undefined) return new MlsloError('MLSLO_ERR_QUERY_INVALID', e.message, { cause: e });
      if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new MlsloError('MLSLO_ERR_BODY_ENCODING', e.message, { cause: e });
      return new MlsloError('MLSLO_ERR_INTERNAL', undefined, { cause: e });
  }
}

export function errorHandler(error: FastifyError | MlsloError, request: FastifyRequest, reply: FastifyReply): void {
  const e = error instanceof MlsloError ? error : fromFastify(error);
  const status = STATUS[e.category];
  if (status >= 500) request.log.error({ err: error }, e.message);
  const retry = RETRY_AFTER[e.category];
  if (retry !== undefined) void reply.header('Retry-After', String(retry));
  void reply.status(status).send({ error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  errorHandler(new MlsloError('MLSLO_ERR_ROUTE_NOT_FOUND', `${request.method} ${request.url}`), request, reply);
}
