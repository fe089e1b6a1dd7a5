/**
 * SQLite failures → the error catalogue. The server turns 'unavailable' into 503 and 'overloaded' into
 * 429 with Retry-After, so a full disk can never surface as a false 2xx. Anything else is a bug and
 * is rethrown unchanged (never swallowed). What a full disk does end to end: docs/reliability.md,
 * "Disk full" (test/reliability/disk-full.test.ts).
 */
import { MlsloError, isMlsloError } from '../../core/errors.ts';

/**
 * Out of space. SQLite reports a write that found the disk full as SQLITE_FULL (its unix VFS maps ENOSPC
 * so); growing the WAL index (`-shm`) on a full disk fails as SQLITE_IOERR_SHMSIZE instead, because
 * SQLite writes a byte into each new page of the mapping precisely so that a full disk is an error
 * rather than a SIGBUS later. Node's own file calls report errno codes.
 */
const FULL: ReadonlySet<string> = new Set(['SQLITE_FULL', 'SQLITE_IOERR_SHMSIZE', 'ENOSPC', 'EDQUOT', 'EFBIG']);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = e.code;
  return typeof code === 'string' ? code : undefined;
}

export function mapStoreError(e: unknown, what: string): Error {
  if (isMlsloError(e)) return e;
  const code = codeOf(e);
  if (code === undefined) return e instanceof Error ? e : new MlsloError('MLSLO_ERR_INTERNAL', what, { cause: e });
  if (FULL.has(code)) return new MlsloError('MLSLO_ERR_STORE_FULL', `${what} (${code})`, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new MlsloError('MLSLO_ERR_OVERLOADED', `${what}: the database stayed locked past the busy timeout`, { cause: e });
  }
  if (
    code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_PERM' ||
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EIO'
  ) {
    return new MlsloError('MLSLO_ERR_STORE_UNAVAILABLE', `${what} (${code})`, { cause: e });
  }
  return e instanceof Error ? e : new MlsloError('MLSLO_ERR_INTERNAL', what, { cause: e });
}
