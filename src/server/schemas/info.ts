/**
 * `GET /v1/info` — what a client needs to know about the server it talks to; `GET /v1/whoami` — about its key;
 * `GET /healthz` — whether it is up.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, Obj } from './common.ts';

/** Present in demo mode: `speed` is the demo's time compression (simulated seconds per real second). */
const DemoSchema = Nullable(Obj({ speed: Type.Number({ exclusiveMinimum: 0 }) }));

export const InfoResponseSchema = Obj({
  /** mlslo's version (package.json). */
  version: Type.String(),
  /** The server's clock: "now" for every relative window (the demo's clock runs fast). */
  now: IsoTime,
  demo: DemoSchema,
});

export const RoleSchema = Type.Union([Type.Literal('ingest'), Type.Literal('read'), Type.Literal('admin'), Type.Literal('labeler')]);

/** Any valid key may ask what it is: the dashboard shows a labeler the labeling queue, everyone else the services. */
export const WhoamiResponseSchema = Obj({
  role: RoleSchema,
  /** The service the key is scoped to; null for every service. */
  service: Nullable(Type.String()),
  /** The key's public id (what `mlslo keys list` shows; a labeler's labels are recorded under it). */
  keyId: Type.String(),
  /** The server's clock and demo speed, as `/v1/info` has them: a labeler key may not read that, yet needs lease times. */
  now: IsoTime,
  demo: DemoSchema,
});

/** Answered without a key once the server is ready. */
export const HealthResponseSchema = Obj({ status: Type.Literal('ok') });

export type InfoResponse = Static<typeof InfoResponseSchema>;
export type Role = Static<typeof RoleSchema>;
export type WhoamiResponse = Static<typeof WhoamiResponseSchema>;
export type HealthResponse = Static<typeof HealthResponseSchema>;
