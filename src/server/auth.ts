/**
 * Bearer-key authentication and role checks. Keys live in the store, hashed, and every request looks its
 * key up there (an indexed point read): a key created by `mlslo keys create` on the same data directory
 * works at once, and one revoked by `mlslo keys revoke` — from another process — stops working at once,
 * which no in-process cache could promise.
 *
 * Timing: the presented key is never compared with a stored secret. It is hashed (SHA-256) and the digest
 * is looked up; the lookup's string comparisons may end early, but they run on a digest of the attacker's
 * own input, so their timing can at most reveal leading bytes of a stored *digest*. Knowing a digest does
 * not give a key (that needs a SHA-256 preimage of 32 random bytes), so there is nothing to learn byte by
 * byte as with a plain `===` on secrets — the reason the hash-then-look-up design needs no
 * crypto.timingSafeEqual. Keys are never logged: errors say "unknown API key", never the key.
 */
import type { FastifyRequest } from 'fastify';
import { MlsloError } from '../core/errors.ts';
import type { ApiKeyRecord, Role, Store } from '../store/port.ts';
import { hashKey } from './api-keys.ts';

export class Authenticator {
  constructor(private readonly store: Store) {}

  async authenticate(req: FastifyRequest): Promise<ApiKeyRecord> {
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) throw new MlsloError('MLSLO_ERR_UNAUTHENTICATED', 'send `Authorization: Bearer <key>`');
    const rec = await this.store.findKey(hashKey(m[1]!));
    if (rec === undefined) throw new MlsloError('MLSLO_ERR_UNAUTHENTICATED', 'unknown API key');
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
