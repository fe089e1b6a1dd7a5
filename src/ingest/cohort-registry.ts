/**
 * The cardinality cap on cohort values (DESIGN §2.5): per service and attribute, the first `cap` values
 * seen get rows of their own; later values fold into `(other)`, so memory and rollup rows stay bounded
 * whatever clients send. The known values are loaded from the store once per service and then kept
 * here, in the single writer. (The contract says "200 values by traffic": the first values seen are
 * used instead, which needs no second pass; a reassignment by traffic would need a rollup rewrite.)
 *
 * What is remembered is capped too: at most `cap` values and `(other)` per service and declared
 * attribute — a folded value is never stored. There is no registry table: `load` reads the distinct
 * values of the day rollups, which hold only kept values and `(other)`. Lowering `cohortCap` keeps the
 * values that already have rows and folds every new one (docs/reliability.md, "Cardinality").
 */
import type { Store } from '../store/port.ts';

export const OTHER = '(other)';

export class CohortRegistry {
  private readonly known = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly store: Store) {}

  /** Loads the values already stored for `service`, once. */
  async load(service: string): Promise<void> {
    if (this.known.has(service)) return;
    const byAttr = new Map<string, Set<string>>();
    for (const { attr, value } of await this.store.listCohortValues(service)) {
      let set = byAttr.get(attr);
      if (set === undefined) byAttr.set(attr, (set = new Set<string>()));
      set.add(value);
    }
    this.known.set(service, byAttr);
  }

  /** The row value for `value` of `attr`: itself while under the cap (remembering it), else `(other)`. */
  resolve(service: string, attr: string, value: string, cap: number): string {
    let byAttr = this.known.get(service);
    if (byAttr === undefined) this.known.set(service, (byAttr = new Map<string, Set<string>>()));
    let set = byAttr.get(attr);
    if (set === undefined) byAttr.set(attr, (set = new Set<string>()));
    if (set.has(value)) return value;
    if (set.size - (set.has(OTHER) ? 1 : 0) >= cap) {
      set.add(OTHER);
      return OTHER;
    }
    set.add(value);
    return value;
  }
}
