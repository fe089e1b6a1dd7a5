/**
 * Run counts and seeds of the fuzz properties. The defaults keep `npm test` short and reproducible;
 * `MLSLO_FUZZ_SCALE=20` multiplies every run count for a long soak, `MLSLO_FUZZ_SEED=n` explores other
 * inputs, and `MLSLO_FUZZ_SHRINK=1` shrinks a failure to a minimal case (slow on big bodies).
 */
import assert from 'node:assert/strict';
import type fc from 'fast-check';

const scale = Number(process.env.MLSLO_FUZZ_SCALE ?? '1');
const offset = process.env.MLSLO_FUZZ_SEED === undefined ? 0 : Number(process.env.MLSLO_FUZZ_SEED);

export function runs(n: number): number {
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** fast-check parameters: a fixed seed per property (shifted by MLSLO_FUZZ_SEED) and a scaled run count. */
export function params<T>(seed: number, numRuns: number): fc.Parameters<T> {
  return { seed: seed + offset, numRuns: runs(numRuns), endOnFailure: process.env.MLSLO_FUZZ_SHRINK !== '1', includeErrorInReport: true };
}

/** Every property of the built-in prototypes, to compare before and after fuzzing. */
export function prototypeSnapshot(): string[] {
  const protos: Array<[string, object]> = [
    ['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype], ['String', String.prototype],
    ['Number', Number.prototype], ['Boolean', Boolean.prototype], ['Map', Map.prototype], ['Set', Set.prototype], ['Error', Error.prototype],
  ];
  const kind = (d: PropertyDescriptor | undefined) => (d === undefined ? 'none' : 'value' in d ? typeof d.value : 'accessor');
  return protos.flatMap(([name, p]) => Reflect.ownKeys(p).map((k) => `${name}.${String(k)}:${kind(Object.getOwnPropertyDescriptor(p, k))}`)).sort();
}

/** No input managed to add to, or change the type of, a member of a built-in prototype. */
export function assertNoPollution(before: readonly string[]): void {
  assert.deepEqual(prototypeSnapshot(), before, 'a built-in prototype changed');
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'isAdmin', 'a']) assert.equal(probe[k], undefined, `({}).${k} is set`);
  assert.equal(Object.getPrototypeOf(Object.prototype), null);
}
