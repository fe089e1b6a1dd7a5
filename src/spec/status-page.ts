/**
 * `spec.statusPage` (DESIGN §2.10): the public status page shows no internal detail unless the spec
 * says so. `qualityMeaning` replaces the generated sentence; `cohorts` names the declared cohort
 * attributes whose per-value quality may be published (none by default).
 */
import type { StatusPageSpec } from '../core/spec.ts';
import { listOf } from './suggest.ts';
import type { At, Reader } from './yaml-reader.ts';

const STATUS_PAGE_KEYS = ['qualityMeaning', 'cohorts'] as const;
/** A sentence or two: the page shows it on one line under the service's name. */
export const QUALITY_MEANING_MAX = 500;

/** `cohorts`: the declared attributes (undefined when `spec.cohorts` itself is invalid). */
export function readStatusPage(r: Reader, at: At | undefined, cohorts: readonly string[] | undefined): StatusPageSpec | undefined {
  if (at === undefined) return { qualityMeaning: undefined, cohorts: [] };
  const view = r.map(at, STATUS_PAGE_KEYS);
  if (view === undefined) return undefined;
  let ok = true;
  let qualityMeaning: string | undefined;
  const meaningAt = view.get('qualityMeaning');
  if (meaningAt !== undefined) {
    qualityMeaning = r.string(meaningAt)?.trim();
    if (qualityMeaning === undefined) ok = false;
    else if (qualityMeaning.length > QUALITY_MEANING_MAX) {
      r.report(meaningAt, `must be at most ${QUALITY_MEANING_MAX} characters, got ${qualityMeaning.length}`);
      ok = false;
    }
  }
  const listAt = view.get('cohorts');
  let published: string[] = [];
  if (listAt !== undefined) {
    const list = r.stringList(listAt, 'cohort attribute');
    if (list === undefined || cohorts === undefined || list.length !== (r.list(listAt)?.length ?? 0)) ok = false;
    for (const c of list ?? []) {
      if (cohorts === undefined || cohorts.includes(c.value)) continue;
      r.report(c.at, `\`${c.value}\` is not a declared cohort attribute; add it to \`spec.cohorts\`${cohorts.length === 0 ? '' : ` (declared: ${listOf(cohorts, 'and')})`}`);
      ok = false;
    }
    published = (list ?? []).map((c) => c.value);
  }
  return ok ? { qualityMeaning, cohorts: published } : undefined;
}
