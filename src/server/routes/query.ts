/** Query pieces the read routes share: the service, and `at` (default now, never in the future). */
import type { FastifyRequest } from 'fastify';
import { MlsloError } from '../../core/errors.ts';
import type { ServiceSpec } from '../../core/spec.ts';
import { parseTimestamp } from '../../ingest/timestamp.ts';
import type { ServerContext } from '../context.ts';
import type { Role } from '../../store/port.ts';

/**
 * The spec of a service a request is about, after its key is checked: authentication comes first, so
 * without a valid key (or with a key scoped to another service) a missing service and an existing one
 * get the same answer, and names cannot be enumerated.
 */
export async function authorizedSpec(ctx: ServerContext, req: FastifyRequest, roles: readonly Role[], name: string): Promise<ServiceSpec> {
  await ctx.auth.require(req, roles, name);
  return specOf(ctx, name);
}

function specOf(ctx: ServerContext, name: string): ServiceSpec {
  const spec = ctx.specs().get(name);
  if (spec === undefined) throw new MlsloError('MLSLO_ERR_SERVICE_NOT_FOUND', `\`${name}\``);
  return spec;
}

export function atOf(q: string | undefined, now: number): number {
  if (q === undefined) return now;
  const t = parseTimestamp(q);
  if (t === undefined) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`at` must be ISO-8601 with an explicit offset');
  if (t > now) throw new MlsloError('MLSLO_ERR_QUERY_INVALID', '`at` is in the future');
  return t;
}

/** `{name}` of the per-service routes. Any string gets through, so an unknown service is specOf's 404, as ever. */
export const SERVICE_PARAMS = {
  type: 'object', required: ['name'],
  properties: { name: { type: 'string', description: 'The service: `metadata.name` of its spec' } },
} as const;

/** `?at=`, read by atOf. */
export const AT_QUERY = { type: 'string', description: 'The as-of instant that ends the window, ISO-8601 with an explicit offset; default now, never in the future' } as const;
