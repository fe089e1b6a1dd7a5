/**
 * ClickHouse and network failures → the error catalogue, like sqlite/errors.ts. Anything that means "the
 * store did not take it, try again" is MLSLO_ERR_STORE_UNAVAILABLE or MLSLO_ERR_OVERLOADED, which the
 * server answers with 503/429: ingest never answers 2xx for data that was not stored. Errors that are
 * bugs (a syntax error, an unknown column) are rethrown unchanged, never dressed up as retryable.
 */
import { MlsloError, isMlsloError } from '../../core/errors.ts';

/** Node socket errors: the server is down, restarting or unreachable. */
const NETWORK: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/**
 * Server exception codes (ClickHouse src/Common/ErrorCodes.cpp), by what the caller should do.
 * 18.16 formats exceptions as `Code: N, e.displayText() = …`, which the client library does not parse,
 * so the code is read from the message.
 */
const FULL: ReadonlySet<number> = new Set([243]); // NOT_ENOUGH_SPACE
const BUSY: ReadonlySet<number> = new Set([
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  252, // TOO_MANY_PARTS: inserts are throttled until merges catch up
  241, // MEMORY_LIMIT_EXCEEDED
  203, // NO_FREE_CONNECTION
]);
const UNAVAILABLE: ReadonlySet<number> = new Set([
  81, // UNKNOWN_DATABASE: not migrated (`mlslo migrate`) or dropped
  60, // UNKNOWN_TABLE
  159, // TIMEOUT_EXCEEDED
  164, // READONLY
  192, 193, 516, // UNKNOWN_USER, WRONG_PASSWORD, AUTHENTICATION_FAILED
  209, 210, // SOCKET_TIMEOUT, NETWORK_ERROR
  236, // ABORTED (server shutting down)
  242, // TABLE_IS_READ_ONLY
  319, // UNKNOWN_STATUS_OF_INSERT
]);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  return typeof e.code === 'string' ? e.code : undefined;
}

/** The server's exception code, from the error's `code` (current servers) or its message (18.16). */
export function serverCode(e: unknown): number | undefined {
  const code = codeOf(e);
  if (code !== undefined && /^\d+$/.test(code)) return Number(code);
  const m = e instanceof Error ? /\bCode: (\d+)[.,]/.exec(e.message) : null;
  return m === null ? undefined : Number(m[1]);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && /\btimeout\b/i.test(e.message) && serverCode(e) === undefined;
}

export function mapClickHouseError(e: unknown, what: string): Error {
  if (isMlsloError(e)) return e;
  const net = codeOf(e);
  if ((net !== undefined && NETWORK.has(net)) || isTimeout(e) || (e instanceof Error && /socket hang up/i.test(e.message))) {
    return new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `${what}: ClickHouse cannot be reached (${net ?? (e as Error).message})`, { cause: e });
  }
  const code = serverCode(e);
  if (code !== undefined) {
    if (FULL.has(code)) return new MlsloError('MLSLO_ERR_STORE_FULL', `${what} (ClickHouse code ${code})`, { cause: e });
    if (BUSY.has(code)) return new MlsloError('MLSLO_ERR_OVERLOADED', `${what}: ClickHouse is busy (code ${code})`, { cause: e });
    if (UNAVAILABLE.has(code)) return new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `${what} (ClickHouse code ${code})`, { cause: e });
  }
  return e instanceof Error ? e : new MlsloError('MLSLO_ERR_INTERNAL', what, { cause: e });
}
