/**
 * Human labels, checked (DESIGN §2.8): how far labelers agree with one another (Krippendorff's α over
 * everyone, Cohen's κ on double-labeled items, per labeler), and how far each automatic signal — an LLM
 * judge, the feedback proxy, ground truth — agrees with the human verdict (agreement with its interval,
 * κ, the 2×2 confusion), so a team knows whether to trust its judge.
 */
import type { AgreementResponse, CalibrationResponse } from '../../api/types.ts';
import type { Loadable } from '../../api/use-api.ts';
import { Async } from '../../components/async.tsx';
import { coef, count, pct, pctRange, stat } from '../../lib/format.ts';
import { labelingPath, linkHandler } from '../../lib/router.ts';

type Kappa = AgreementResponse['kappa'];
type Signal = CalibrationResponse['signals'][number];

/** Landis & Koch (1977), Biometrics 33(1):159–174, the usual reading of κ. */
export function kappaReading(k: number | null): string {
  if (k === null) return 'too few pairs';
  if (k < 0) return 'worse than chance';
  if (k <= 0.2) return 'slight';
  if (k <= 0.4) return 'fair';
  if (k <= 0.6) return 'moderate';
  if (k <= 0.8) return 'substantial';
  return 'almost perfect';
}

const kappaClass = (k: number | null): string => (k === null ? 'faint' : k < 0.4 ? 't-bad' : k < 0.6 ? 't-warn' : 't-good');

function KappaCell({ k, unit = 'pairs' }: { k: Kappa; unit?: string }) {
  return (
    <span class="nowrap" title={k.n === 0 ? `no ${unit}` : `observed agreement ${pct(k.observed, 1)} over ${k.n} ${unit}`}>
      <b class={kappaClass(k.value)}>{coef(k.value)}</b> <span class="faint">{kappaReading(k.value)} · n {count(k.n)}</span>
    </span>
  );
}

const SIGNAL_LABEL: Readonly<Record<string, string>> = {
  judge: 'LLM judge',
  feedback: 'feedback proxy (not counted)',
  ground_truth: 'ground truth',
};

function Confusion({ c }: { c: Signal['confusion'] }) {
  return (
    <table class="confusion" aria-label="confusion: automatic verdict (rows) against the human one (columns)">
      <thead><tr><th /><th scope="col">human good</th><th scope="col">human bad</th></tr></thead>
      <tbody>
        <tr><th scope="row">auto good</th><td class="agree">{count(c.goodGood)}</td><td class="disagree">{count(c.goodBad)}</td></tr>
        <tr><th scope="row">auto bad</th><td class="disagree">{count(c.badGood)}</td><td class="agree">{count(c.badBad)}</td></tr>
      </tbody>
    </table>
  );
}

function AgreementPanel({ a }: { a: AgreementResponse }) {
  const anyLabels = a.labelers.some((l) => l.labels + l.skips + l.flags > 0);
  return (
    <div class="panel">
      <header>
        <h3>Agreement between labelers</h3>
        <span class="sub">{a.from.slice(0, 10)} → {a.to.slice(0, 10)} · {count(a.overlapItems)} items labeled twice</span>
      </header>
      {!anyLabels ? (
        <div class="empty">
          <div>
            No human labels in this window. With a <code>labeling:</code> section in the spec, the sampler queues a share of each
            day's requests and labelers work through the <a href={labelingPath()} onClick={linkHandler}>labeling queue</a>;
            agreement needs items labeled by two of them (<code>labeling.overlap</code>).
          </div>
        </div>
      ) : (
        <div class="panel-body stack">
          <dl class="kv">
            <dt>Krippendorff's α</dt>
            <dd><b class={kappaClass(a.alpha.value)}>{coef(a.alpha.value)}</b> <span class="faint">over {count(a.alpha.units)} items with ≥ 2 labels, {count(a.alpha.pairable)} pairable values{a.alpha.value === null ? ' — needs items labeled twice' : ''}</span></dd>
            <dt>Cohen's κ</dt>
            <dd><KappaCell k={a.kappa} unit="double-labeled items" /> <span class="faint">· first two labels of each item{a.kappa.n === 0 ? '' : ` · observed agreement ${pct(a.kappa.observed, 1)}`}</span></dd>
          </dl>
          <div class="table-wrap"><table class="data compact">
            <caption class="sr-only">Per labeler</caption>
            <thead><tr><th>Labeler (key id)</th><th class="num">Labels</th><th class="num">Skips</th><th class="num">Flags</th><th title="against the other label on the items this labeler shares">κ vs others</th></tr></thead>
            <tbody>
              {a.labelers.map((l) => (
                <tr key={l.labeler}>
                  <td class="mono">{l.labeler}</td>
                  <td class="num">{count(l.labels)}</td>
                  <td class="num">{count(l.skips)}</td>
                  <td class="num">{l.flags > 0 ? <span class="t-warn">{count(l.flags)}</span> : '0'}</td>
                  <td><KappaCell k={l.kappa} /></td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </div>
      )}
    </div>
  );
}

function CalibrationPanel({ c }: { c: CalibrationResponse }) {
  return (
    <div class="panel">
      <header>
        <h3>Calibration of automatic signals</h3>
        <span class="sub">each signal's verdict against the human one, on requests that have both · {count(c.humanJudged)} human verdicts</span>
      </header>
      {c.signals.length === 0 || c.humanJudged === 0 ? (
        <div class="empty">{c.humanJudged === 0 ? 'No human verdict in this window: nothing to calibrate against yet.' : 'No automatic signal (judge, feedback proxy, ground truth) overlaps the human verdicts.'}</div>
      ) : (
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Calibration per signal</caption>
          <thead><tr><th>Signal</th><th class="num">n</th><th>Agreement (95%)</th><th>κ</th><th>Confusion</th><th>Judge scores: mean when human good / bad</th></tr></thead>
          <tbody>
            {c.signals.map((s) => (
              <tr key={s.signal}>
                <td><b>{SIGNAL_LABEL[s.signal] ?? s.signal}</b>{s.signal === 'feedback' ? <div class="faint" style={{ fontSize: '0.85rem' }}>a proxy, never part of the SLI</div> : null}</td>
                <td class="num">{count(s.n)}</td>
                <td class="nowrap">{s.agreement === null ? <span class="faint">—</span> : <><b>{pct(s.agreement.value, 1)}</b> <span class="faint">{pctRange(s.agreement.interval.lower, s.agreement.interval.upper)}</span></>}</td>
                <td><KappaCell k={s.kappa} /></td>
                <td>{s.n === 0 ? <span class="faint">—</span> : <Confusion c={s.confusion} />}</td>
                <td>{s.scores.length === 0 ? <span class="faint">—</span> : (
                  <ul class="plain">{s.scores.map((x) => <li key={x.criterion}><span class="mono">{x.criterion}</span> {stat(x.meanWhenGood)} / {stat(x.meanWhenBad)}</li>)}</ul>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </div>
  );
}

export function AgreementSection(props: { agreement: Loadable<AgreementResponse>; calibration: Loadable<CalibrationResponse>; asOf: string | undefined }) {
  return (
    <div class="stack">
      {props.asOf === undefined ? null : <div class="callout warn">Agreement and calibration are over the window ending <b>now</b>: the as-of instant does not apply to them.</div>}
      <Async value={props.agreement} what="labeler agreement">{(a) => <AgreementPanel a={a} />}</Async>
      <Async value={props.calibration} what="the calibration report">{(c) => <CalibrationPanel c={c} />}</Async>
    </div>
  );
}
