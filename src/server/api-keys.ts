/**
 * API keys: `mlslo_<id>_<secret>`. Only the SHA-256 of the whole key is stored; the id is public and
 * names the key in listings. 32 random bytes make brute force pointless, so a plain hash (not a slow
 * password hash) is the right tool and keeps the per-request check cheap.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, Role } from '../store/port.ts';

export const ROLES: readonly Role[] = ['ingest', 'read', 'admin', 'labeler'];

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(role: Role, service: string | undefined, now: number): { key: string; record: ApiKeyRecord } {
  const id = randomBytes(6).toString('hex');
  const key = `mlslo_${id}_${randomBytes(32).toString('base64url')}`;
  return { key, record: { id, hash: hashKey(key), role, service, createdAt: now } };
}
