/**
 * Ids the store hands out as strings but keeps as INTEGER PRIMARY KEYs (baselines, golden sets, label
 * items). Anything but a canonical positive integer is no id: SQLite would otherwise coerce '7.0' or
 * ' 7' into 7.
 */
export function parseRowId(id: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}
