/**
 * Compile-time agreement between what the engine returns and the response schemas (src/server/schemas/),
 * so the two cannot drift apart silently (CONVENTIONS §15). The runtime half is
 * test/server/api-schemas.test.ts, which validates real responses against the closed schemas.
 *
 * Both sides are compared as JSON sees them: `readonly` dropped, and a property whose type admits
 * `undefined` counted as optional (JSON.stringify leaves it out). Each side must be assignable to the
 * other, so a required field the engine adds without the schema fails to compile. To see which field
 * disagrees, write `const x: Json<Schema> = {} as Json<Engine>` (and the reverse) and read the error.
 */

type UndefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** The JSON shape of T: mutable, `x: A | undefined` as `x?: A`. Distributes over unions. */
export type Json<T> = T extends readonly (infer U)[]
  ? Json<U>[]
  : T extends object
    ? { -readonly [K in Exclude<keyof T, UndefinedKeys<T>>]: Json<T[K]> } & { -readonly [K in UndefinedKeys<T>]?: Json<Exclude<T[K], undefined>> }
    : T;

/** true when E and W describe the same JSON documents (each assignable to the other). */
export type Agree<E, W> = [Json<E>] extends [Json<W>] ? ([Json<W>] extends [Json<E>] ? true : false) : false;

/** W with every property and array readonly: a target engine values (readonly arrays) can be assigned to. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * `wire<ReportResponse>()(report)`: the engine's document, typed as the response schema's type; it
 * compiles only when the two agree (a second, impossible argument is demanded otherwise).
 */
export function wire<W>(): <E>(body: E, ...disagree: Agree<E, W> extends true ? [] : [never]) => W {
  return ((body: unknown) => body) as unknown as <E>(body: E, ...disagree: Agree<E, W> extends true ? [] : [never]) => W;
}
