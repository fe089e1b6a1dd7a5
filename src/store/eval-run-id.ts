/**
 * Eval run ids, shared by every adapter: the start time as 13 zero-padded decimal digits (epoch ms, good
 * until the year 2286), then a per-store sequence in 6 zero-padded base-36 digits. Both parts sort as
 * strings like numbers, so a later run's id sorts after an earlier one's, and two runs started in the same
 * millisecond keep their creation order.
 */
export function evalRunId(startedAt: number, seq: number): string {
  return `${String(Math.max(0, Math.floor(startedAt))).padStart(13, '0')}-${seq.toString(36).padStart(6, '0')}`;
}
