/**
 * What of a spec has no place in OpenSLO, for the export's header comment: the reader of the OpenSLO
 * file should know what mlslo judges that the file does not say. Only sections the spec sets are named.
 */
import type { ServiceSpec } from '../core/spec.ts';
import { DEFAULTS } from '../spec/defaults.ts';

export function dropped(s: ServiceSpec): string[] {
  const out = [
    'the composite SLI (mlslo derives it from the three; it has no counter)',
    'the quality verdict rule, sources and sampling',
  ];
  const add = (when: boolean, what: string) => {
    if (when) out.push(what);
  };
  add(s.public, 'public (the status page)');
  add(s.cohorts.length > 0, 'cohorts (listed in a Service annotation for reference)');
  add(Object.keys(s.drift.features).length > 0 || s.drift.critical.length > 0 || Object.keys(s.drift.overrides).length > 0, 'drift');
  add(s.notify.owner !== undefined || s.notify.oncall !== undefined, 'notify channels (the targets name the routes only)');
  add(s.retrain !== undefined, 'retrain');
  add(s.statusPage.qualityMeaning !== undefined || s.statusPage.cohorts.length > 0, 'statusPage');
  add(s.evals.goldenSets.length > 0 || Object.keys(s.evals.endpoints).length > 0, 'evals');
  add(s.labeling !== undefined, 'labeling');
  add(s.minEvents !== DEFAULTS.minEvents, `minEvents ${s.minEvents} (the burn alerts' low-traffic guard)`);
  add(s.cohortCap !== DEFAULTS.cohortCap, `cohortCap ${s.cohortCap}`);
  return out;
}
