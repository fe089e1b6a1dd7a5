/**
 * Content identity for idempotency (DESIGN §3.1): the same id with the same content is a duplicate,
 * with other content a conflict. Events are normalised at decode time (times to epoch ms, map keys
 * sorted), so the JSON of the normalised event is canonical and `…Z` and `…+01:00` spellings of one
 * instant hash alike.
 */
import { createHash } from 'node:crypto';
import type { MlEvent } from '../core/event.ts';

export function canonicalJson(e: MlEvent): string {
  return JSON.stringify(e);
}

export function contentHash(json: string): string {
  return createHash('sha1').update(json).digest('base64url');
}
