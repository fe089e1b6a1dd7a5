/**
 * Bearer-key authentication and role checks. Keys live in the store, hashed; a key created by
 * `mlslo keys create` on the same data directory works at once, because unknown hashes are always
 * looked up (only known keys are cached, and keys cannot change once created).
 */
import type { FastifyRequest } from 'fastify';
import { MlsloError } from '../core/errors.ts';
import type { ApiKeyRecord, Role, Store } from '../store/port.ts';
import { hashKey } from './api-keys.ts';

export class Authenticator {
  private readonly known = new Map<string, ApiKeyRecord>();

  constructor(private readonly store: Store) {}

  async authenticate(req: FastifyRequest): Promise<ApiKeyRecord> {
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) throw new MlsloError('MLSLO_ERR_UNAUTHENTICATED', 'send `Authorization: Bearer <key>`');
    const hash = hashKey(m[1]!);
    let rec = this.known.get(hash);
    if (rec === undefined) {
      rec = await this.store.findKey(hash);
      if (rec === undefined) throw new MlsloError('MLSLO_ERR_UNAUTHENTICATED', 'unknown API key');
      if (this.known.size > 10_000) this.known.clear();
      this.known.set(hash, rec);
    }
    return rec;
  }

  /** The key if it has one of `roles` (admin always qualifies) and, when scoped, is scoped to `service`. */
  async require(req: FastifyRequest, roles: readonly Role[], service?: string): Promise<ApiKeyRecord> {
    const key = await this.authenticate(req);
    if (key.role !== 'admin' && !roles.includes(key.role)) {
      throw new MlsloError('MLSLO_ERR_FORBIDDEN', `a ${key.role} key cannot do this; it needs ${roles.join(' or ')}`);
    }
    if (service !== undefined && key.service !== undefined && key.service !== service) {
      throw new MlsloError('MLSLO_ERR_FORBIDDEN', `this key is scoped to service \`${key.service}\``);
    }
    return key;
  }
}
