/**
 * The window and as-of pickers. Both live in the URL (`?window=7d&at=2026-11-28T10:00:00Z`), so a link
 * reproduces exactly what its sender saw; no `at` means "now", refreshed every 30 s.
 */
import { useEffect, useState } from 'preact/hooks';
import { fromUtcInput, toUtcInput, utc } from '../../lib/format.ts';
import { navigate, withQuery, type Location } from '../../lib/router.ts';
import { WINDOW_CHOICES } from '../../lib/window.ts';

const SECTIONS: ReadonlyArray<[string, string]> = [
  ['slis', 'SLIs'], ['budget', 'Budget'], ['burn', 'Burn rates'], ['quality', 'Quality'], ['cohorts', 'Cohorts'],
  ['versions', 'Versions'], ['evals', 'Evals'], ['labels', 'Labels'], ['drift', 'Drift'], ['alerts', 'Alerts'],
];

export function Toolbar(props: { loc: Location; specWindow: string | undefined; now: number; asOf: string | undefined }) {
  const { loc, specWindow } = props;
  const window = loc.query.get('window') ?? undefined;
  const at = loc.query.get('at') ?? undefined;
  const choices = [...new Set([...(specWindow === undefined ? [] : [specWindow]), ...WINDOW_CHOICES])];
  const selected = window ?? specWindow;

  const [draft, setDraft] = useState(at === undefined ? '' : toUtcInput(Date.parse(at)));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setDraft(at === undefined ? '' : toUtcInput(Date.parse(at)));
    setInvalid(false);
  }, [at]);

  const applyAt = (v: string): void => {
    if (v === '') {
      navigate(withQuery(loc, { at: undefined }));
      return;
    }
    const iso = fromUtcInput(v);
    if (iso === undefined || Date.parse(iso) > props.now) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    navigate(withQuery(loc, { at: iso }));
  };

  return (
    <div class="toolbar">
      <div class="seg" role="group" aria-label="SLO window">
        {choices.map((w) => (
          <button
            key={w} type="button" aria-pressed={selected === w}
            title={w === specWindow ? `the spec's window (${w})` : `the last ${w}`}
            onClick={() => navigate(withQuery(loc, { window: w === specWindow ? undefined : w }))}
          >
            {w}{w === specWindow ? ' · spec' : ''}
          </button>
        ))}
      </div>
      <label class="field">
        as of
        <input
          type="datetime-local" value={draft} max={toUtcInput(props.now)} aria-label="as of (UTC)" aria-invalid={invalid}
          onInput={(e) => setDraft((e.currentTarget).value)}
          onChange={(e) => applyAt((e.currentTarget).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') applyAt((e.currentTarget).value);
          }}
        />
        <span>UTC</span>
      </label>
      {at === undefined ? (
        <span class="live" title="refreshes every 30 s"><span class="dot" aria-hidden="true" />live{props.asOf === undefined ? '' : ` · ${utc(props.asOf, true)}`}</span>
      ) : (
        <>
          <span class="live past"><span class="dot" aria-hidden="true" />as of {utc(at, true)}</span>
          <button type="button" class="btn small" onClick={() => applyAt('')}>Back to now</button>
        </>
      )}
      {invalid ? <span class="t-bad" role="alert">as-of must be a past instant</span> : null}
      <nav aria-label="Sections">
        {SECTIONS.map(([id, label]) => <a key={id} href={`#${id}`}>{label}</a>)}
      </nav>
    </div>
  );
}
