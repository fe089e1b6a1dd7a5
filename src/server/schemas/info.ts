/** `GET /v1/info` — what a client needs to know about the server it talks to. */
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, Obj } from './common.ts';

export const InfoResponseSchema = Obj({
  /** mlslo's version (package.json). */
  version: Type.String(),
  /** The server's clock: "now" for every relative window (the demo's clock runs fast). */
  now: IsoTime,
  /** Present in demo mode: `speed` is the demo's time compression (simulated seconds per real second). */
  demo: Nullable(Obj({ speed: Type.Number({ exclusiveMinimum: 0 }) })),
});

export type InfoResponse = Static<typeof InfoResponseSchema>;
