/**
 * The error catalogue (CONVENTIONS §8). Every error mlslo raises on purpose has a code here, a message
 * template and a category; `docs/errors.md` documents each code and a test keeps the two in step.
 * Domain errors carry no HTTP status: the server maps the category to one (src/server/errors.ts).
 */

export type ErrorCategory =
  | 'invalid'          // the caller's input is wrong
  | 'unauthenticated'  // no or unknown key
  | 'forbidden'        // the key may not do this
  | 'not_found'
  | 'conflict'         // the target changed under the caller (e.g. a labeling item someone else holds)
  | 'too_large'
  | 'unsupported'      // e.g. a content type or encoding mlslo does not read
  | 'overloaded'       // try again later
  | 'contended'        // a concurrent write won a race; nothing was stored, retry at once
  | 'unavailable'      // storage cannot take writes (disk full, read-only)
  | 'internal';

interface ErrorDef {
  readonly category: ErrorCategory;
  readonly message: string;
}

export const ERRORS = {
  MLSLO_ERR_SPEC_INVALID: { category: 'invalid', message: 'the service spec is invalid' },
  MLSLO_ERR_SPEC_READ: { category: 'invalid', message: 'the spec file cannot be read' },
  MLSLO_ERR_CONFIG_INVALID: { category: 'invalid', message: 'the configuration is invalid' },
  MLSLO_ERR_BODY_INVALID_JSON: { category: 'invalid', message: 'the request body is not valid JSON' },
  MLSLO_ERR_BODY_NOT_ARRAY: { category: 'invalid', message: 'the request body must be a JSON array of events or NDJSON' },
  MLSLO_ERR_BODY_TOO_LARGE: { category: 'too_large', message: 'the request body is over the limit' },
  MLSLO_ERR_TOO_MANY_ITEMS: { category: 'too_large', message: 'the request holds more items than the limit' },
  MLSLO_ERR_BODY_ENCODING: { category: 'invalid', message: 'the request body cannot be decoded' },
  MLSLO_ERR_UNSUPPORTED_MEDIA: { category: 'unsupported', message: 'the content type or encoding is not supported' },
  MLSLO_ERR_BASELINE_INVALID: { category: 'invalid', message: 'the baseline cannot be used' },
  MLSLO_ERR_IMPORT_READ: { category: 'invalid', message: 'a file to import cannot be read' },
  MLSLO_ERR_IMPORT_INVALID: { category: 'invalid', message: 'a file to import cannot be read as events' },
  MLSLO_ERR_QUERY_INVALID: { category: 'invalid', message: 'a query parameter is invalid' },
  MLSLO_ERR_UNAUTHENTICATED: { category: 'unauthenticated', message: 'a valid API key is required' },
  MLSLO_ERR_FORBIDDEN: { category: 'forbidden', message: 'the API key may not do this' },
  MLSLO_ERR_SERVICE_NOT_FOUND: { category: 'not_found', message: 'no such service' },
  MLSLO_ERR_BASELINE_NOT_FOUND: { category: 'not_found', message: 'the service has no drift baseline' },
  MLSLO_ERR_ROUTE_NOT_FOUND: { category: 'not_found', message: 'no such route' },
  MLSLO_ERR_OVERLOADED: { category: 'overloaded', message: 'the server is busy; retry after the given delay' },
  MLSLO_ERR_STORE_UNAVAILABLE: { category: 'unavailable', message: 'storage cannot accept writes' },
  MLSLO_ERR_STORE_FULL: { category: 'unavailable', message: 'storage is full' },
  MLSLO_ERR_STORE_CONFLICT: { category: 'contended', message: 'a concurrent write stored some of the same events first; nothing was stored, retry' },
  MLSLO_ERR_STORE_CORRUPT: { category: 'unavailable', message: 'the data file is damaged and mlslo will not serve from it' },
  MLSLO_ERR_CLIENT_UNREACHABLE: { category: 'unavailable', message: 'the mlslo server cannot be reached' },
  MLSLO_ERR_TARGET_REFUSED: { category: 'forbidden', message: 'the notification target is refused' },
  MLSLO_ERR_GOLDEN_SET_INVALID: { category: 'invalid', message: 'the golden set upload holds no valid example' },
  MLSLO_ERR_GOLDEN_SET_NOT_FOUND: { category: 'not_found', message: 'no such golden set' },
  MLSLO_ERR_EVAL_NOT_FOUND: { category: 'not_found', message: 'no such eval run' },
  MLSLO_ERR_EVAL_ENDPOINT_NOT_FOUND: { category: 'not_found', message: 'no such eval endpoint' },
  MLSLO_ERR_EVAL_ENDPOINT_REFUSED: { category: 'forbidden', message: 'the model endpoint is refused' },
  MLSLO_ERR_EVAL_ENV_MISSING: { category: 'invalid', message: 'an environment variable an eval endpoint needs is not set' },
  MLSLO_ERR_REPLAY_INVALID: { category: 'invalid', message: 'the production replay cannot run' },
  MLSLO_ERR_LABELING_OFF: { category: 'invalid', message: 'the service has no labeling section' },
  MLSLO_ERR_LABEL_INVALID: { category: 'invalid', message: 'the label does not fit the item' },
  MLSLO_ERR_LABEL_ITEM_NOT_FOUND: { category: 'not_found', message: 'no such labeling item' },
  MLSLO_ERR_LABEL_CONFLICT: { category: 'conflict', message: 'the labeling item cannot take this action' },
  MLSLO_ERR_INTERNAL: { category: 'internal', message: 'internal error' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

export class MlsloError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly details: unknown;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; details?: unknown }) {
    const def: ErrorDef = ERRORS[code];
    super(detail === undefined ? def.message : `${def.message}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlsloError';
    this.code = code;
    this.category = def.category;
    this.details = options?.details;
  }
}

export function isMlsloError(e: unknown): e is MlsloError {
  return e instanceof MlsloError;
}

/**
 * Per-item rejection codes of `POST /v1/events` (DESIGN §3.1): reported in `rejected[]`, never thrown.
 * Documented in docs/errors.md beside the error codes.
 */
export const ITEM_CODES = {
  invalid_json: 'the NDJSON line is not valid JSON',
  invalid_item: 'the item is not a JSON object',
  missing_field: 'a required field is missing',
  invalid_type: 'a field has the wrong type',
  invalid_value: 'a field has a value outside its domain',
  unknown_field: 'the item holds a field the format does not define',
  invalid_timestamp: 'the timestamp is not ISO-8601 with an explicit offset',
  too_old: 'the timestamp is older than the acceptance window',
  too_new: 'the timestamp is more than 10 minutes in the future',
  unknown_service: 'no spec declares this service',
  forbidden_service: 'the API key may not write this service',
  conflict: 'an item with this id is stored with other content',
} as const;

export type ItemCode = keyof typeof ITEM_CODES;
