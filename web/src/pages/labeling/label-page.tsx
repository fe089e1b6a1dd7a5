/**
 * Labeling one service's queue, item by item, by keyboard: the view leases an item, shows the request
 * and the form of its task, and after each label, skip or flag leases the next one by itself. The lease
 * (`leasedUntil`, server time) is shown counting down; an expired lease may have gone to someone else,
 * and the server then refuses the label (409), which the view says rather than hides.
 */
import { Fragment } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiPost } from '../../api/client.ts';
import type { LabelActionResponse, LabelSubmission, LeasedItem, LeaseResponse } from '../../api/types.ts';
import { ErrorBox, Loading } from '../../components/async.tsx';
import { count, utc } from '../../lib/format.ts';
import { labelingPath, linkHandler } from '../../lib/router.ts';
import { serverNow, type ServerClock } from '../../lib/server-clock.ts';
import { applyKey, emptyDraft, FormView, toSubmission, type Draft } from './label-form.tsx';
import { enterActivates, isTyping, SHORTCUTS } from './keys.ts';
import { readRequest, RequestView } from './request-view.tsx';

type Phase =
  /** `shown`: the item just answered, kept on screen (dimmed) until the next arrives, so nothing jumps. */
  | { readonly kind: 'leasing'; readonly shown: LeasedItem | undefined }
  | { readonly kind: 'item'; readonly item: LeasedItem }
  | { readonly kind: 'empty' }
  | { readonly kind: 'error'; readonly error: ApiError };

type Action = 'label' | 'skip' | 'flag';

interface Tally {
  readonly label: number;
  readonly skip: number;
  readonly flag: number;
}

const PAST: Readonly<Record<Action, string>> = { label: 'Labeled', skip: 'Skipped', flag: 'Flagged' };

const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError(0, 'CLIENT', (e as Error).message));

function itemPath(id: string, action: Action): string {
  return `/v1/labeling/items/${encodeURIComponent(id)}/${action}`;
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <section id="shortcuts" class="panel shortcuts" aria-label="Keyboard shortcuts">
      <header>
        <h3>Keyboard shortcuts</h3>
        <span class="sub">not while typing in a field</span>
        <span class="right"><button type="button" class="btn small" onClick={onClose}>Close</button></span>
      </header>
      <dl class="kv panel-body">
        {SHORTCUTS.map(([k, what]) => <Fragment key={k}><dt><kbd>{k}</kbd></dt><dd>{what}</dd></Fragment>)}
      </dl>
    </section>
  );
}

/** `9:59`, `1:02:03`: a countdown that moves every second (rounded up, so a fresh 10m lease shows 10:00). */
function countdown(msLeft: number): string {
  const total = Math.ceil(msLeft / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function LeaseClock({ until, clock }: { until: string; clock: ServerClock | undefined }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => setTick((x) => x + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  const left = Date.parse(until) - serverNow(clock);
  if (left <= 0) return <span class="t-warn" title={`leased until ${utc(until, true)}`}>lease expired — someone else may take this item</span>;
  return <span class={left < 60_000 ? 't-warn' : undefined} title={`leased until ${utc(until, true)}`}>lease ends in {countdown(left)}</span>;
}

export function LabelPage({ service, clock }: { service: string; clock: ServerClock | undefined }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'leasing', shown: undefined });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | undefined>(undefined);
  const [hint, setHint] = useState('');
  const [status, setStatus] = useState('');
  const [flagNote, setFlagNote] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [tally, setTally] = useState<Tally>({ label: 0, skip: 0, flag: 0 });
  const card = useRef<HTMLDivElement>(null);
  const valueInput = useRef<HTMLInputElement | null>(null);
  const noteInput = useRef<HTMLInputElement>(null);
  const alive = useRef(true);
  const inFlight = useRef(false);
  useEffect(() => () => {
    alive.current = false;
  }, []);

  const lease = useCallback(async (): Promise<void> => {
    setPhase((p) => ({ kind: 'leasing', shown: p.kind === 'item' ? p.item : undefined }));
    setActionError(undefined);
    setHint('');
    setFlagNote(null);
    try {
      const r = await apiPost<LeaseResponse>('/v1/labeling/lease', { service });
      if (!alive.current) return;
      if (r.item === null) {
        setPhase({ kind: 'empty' });
        setDraft(null);
      } else {
        setPhase({ kind: 'item', item: r.item });
        setDraft(emptyDraft(r.item.form));
      }
    } catch (e) {
      if (alive.current) setPhase({ kind: 'error', error: asApiError(e) });
    }
  }, [service]);

  useEffect(() => {
    void lease();
  }, [lease]);

  // `item` is the one that may be answered; `shown` may also be the previous one while the next loads.
  const item = phase.kind === 'item' ? phase.item : undefined;
  const shown = phase.kind === 'item' ? phase.item : phase.kind === 'leasing' ? phase.shown : undefined;
  const fields = shown === undefined ? undefined : readRequest(shown.request);
  const predicted = fields === undefined ? undefined
    : fields.prediction.kind === 'label' ? fields.prediction.label
    : fields.prediction.kind === 'value' ? fields.prediction.value : undefined;

  // A new item: focus its form (the value field) or the card, so the next key press is a shortcut.
  useLayoutEffect(() => {
    if (item === undefined) return;
    if (item.form.kind === 'value') valueInput.current?.focus();
    else card.current?.focus();
  }, [item?.id]);

  useLayoutEffect(() => {
    if (flagNote !== null) noteInput.current?.focus();
  }, [flagNote !== null]);

  const act = async (action: Action, body: LabelSubmission | { note: string } | Record<string, never>, done: string): Promise<void> => {
    // A ref, not the state: two key presses within one frame would both see `busy` false.
    if (item === undefined || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setActionError(undefined);
    try {
      await apiPost<LabelActionResponse>(itemPath(item.id, action), body);
      if (!alive.current) return;
      setTally((t) => ({ ...t, [action]: t[action] + 1 }));
      setStatus(`${PAST[action]} ${fields?.id ?? item.requestId}${done === '' ? '' : ` — ${done}`}. Loading the next item…`);
      await lease();
      if (alive.current) setStatus((s) => s.replace(' Loading the next item…', ''));
    } catch (e) {
      if (!alive.current) return;
      const err = asApiError(e);
      setActionError(err);
      setStatus(`${action === 'label' ? 'The label' : action === 'skip' ? 'The skip' : 'The flag'} was not saved: ${err.message}`);
    } finally {
      inFlight.current = false;
      if (alive.current) setBusy(false);
    }
  };

  const submit = (): void => {
    if (item === undefined || draft === null) return;
    const s = toSubmission(item.form, draft);
    if (!s.ok) {
      setHint(`Not yet: ${s.missing}.`);
      return;
    }
    void act('label', s.body, s.text);
  };
  const skip = (): void => void act('skip', {}, '');
  const openFlag = (): void => {
    setFlagNote('');
    setHint('');
  };
  const cancelFlag = (): void => {
    setFlagNote(null);
    card.current?.focus();
  };
  const confirmFlag = (): void => {
    const note = (flagNote ?? '').trim();
    if (note === '') {
      setHint('Say why you flag it (a few words), or Esc to cancel.');
      return;
    }
    void act('flag', { note }, `“${note}”`);
  };
  const changeDraft = (d: Draft): void => {
    setDraft(d);
    setHint('');
  };

  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  onKey.current = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const target = e.target;
    if (isTyping(target)) {
      // The value field is the form itself: Enter submits it, Esc hands the keys back to the shortcuts.
      if (target === valueInput.current) {
        if (e.key === 'Enter') {
          e.preventDefault();
          if (!busy) submit();
        } else if (e.key === 'Escape') {
          valueInput.current?.blur();
          card.current?.focus();
        }
      }
      return;
    }
    if (e.key === '?') {
      e.preventDefault();
      setHelp((h) => !h);
      return;
    }
    if (e.key === 'Escape') {
      if (help) setHelp(false);
      return;
    }
    if (item === undefined || draft === null || busy || flagNote !== null) return;
    if (e.key === 'Enter') {
      if (enterActivates(target)) return;
      e.preventDefault();
      submit();
      return;
    }
    if (e.key === 's' || e.key === 'S') {
      e.preventDefault();
      skip();
      return;
    }
    if (e.key === 'f' || e.key === 'F') {
      // Kept from reaching the note field that opens with it.
      e.preventDefault();
      openFlag();
      return;
    }
    const next = applyKey(item.form, draft, e.key);
    if (next !== undefined) {
      e.preventDefault();
      changeDraft(next);
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent): void => onKey.current(e);
    document.addEventListener('keydown', h);
    return () => document.removeEventListener('keydown', h);
  }, []);

  const tallyText = `this session: ${tally.label} labeled · ${tally.skip} skipped · ${tally.flag} flagged`;

  return (
    <div class="stack label-page">
      <div class="page-head">
        <h1>Labeling <span class="mono">{service}</span></h1>
        <div class="right">
          <span class="faint">{tallyText}</span>
          <button type="button" class="btn small" aria-expanded={help} aria-controls="shortcuts" aria-keyshortcuts="?" onClick={() => setHelp((h) => !h)}>
            <kbd>?</kbd> Shortcuts
          </button>
        </div>
      </div>
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{status}</div>
      {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}

      {phase.kind === 'leasing' && shown === undefined ? <Loading what="the next item" /> : null}
      {phase.kind === 'error' ? (
        <div class="panel">
          <ErrorBox error={phase.error} what="an item to label" />
          <div class="empty"><button type="button" class="btn" onClick={() => void lease()}>Try again</button> <a href={labelingPath()} onClick={linkHandler}>Back to the queues</a></div>
        </div>
      ) : null}
      {phase.kind === 'empty' ? (
        <div class="panel queue-empty">
          <div class="empty" role="status">
            <div>
              <b>The queue of {service} is empty</b> — nothing is waiting for your label. The sampler adds a day's
              requests once a day; items leased by others come back when their lease ends.
              <div class="actions"><button type="button" class="btn" onClick={() => void lease()}>Check again</button><a href={labelingPath()} onClick={linkHandler}>Back to the queues</a></div>
            </div>
          </div>
        </div>
      ) : null}

      {shown === undefined || fields === undefined || draft === null ? null : (
        <div class={`label-grid${item === undefined ? ' stale' : ''}`} aria-busy={item === undefined}>
          <div class="panel label-item" ref={card} tabIndex={-1} aria-label={`Request ${fields.id ?? shown.requestId}`}>
            <header>
              <h2>Request</h2>
              <span class="sub">{count(shown.remaining)} more in the queue after this one</span>
              <span class="right">{item === undefined ? <span class="faint">loading the next item…</span> : <LeaseClock until={item.leasedUntil} clock={clock} />}</span>
            </header>
            <div class="panel-body"><RequestView fields={fields} raw={shown.request} /></div>
          </div>

          <div class="panel label-form">
            <header>
              <h2>Your label</h2>
              <span class="sub">{formHelp(shown.form)}</span>
            </header>
            <div class="panel-body stack tight">
              <FormView form={shown.form} draft={draft} predicted={predicted} onDraft={changeDraft} valueRef={(el) => { valueInput.current = el; }} />
              <div class="form-hint" aria-live="polite">{hint}</div>
              {flagNote === null ? (
                <div class="actions">
                  <button type="button" class="btn primary" disabled={busy || item === undefined} onClick={submit} aria-keyshortcuts="Enter">Submit <kbd>Enter</kbd></button>
                  <button type="button" class="btn" disabled={busy || item === undefined} onClick={skip} aria-keyshortcuts="S">Skip <kbd>S</kbd></button>
                  <button type="button" class="btn" disabled={busy || item === undefined} onClick={openFlag} aria-keyshortcuts="F">Flag <kbd>F</kbd></button>
                </div>
              ) : (
                <div class="flag-field">
                  <label for="flag-note">Why flag this item?</label>
                  <input
                    id="flag-note" ref={noteInput} type="text" autocomplete="off" value={flagNote} maxLength={500}
                    placeholder="e.g. the input is garbled, it holds personal data" disabled={busy || item === undefined}
                    onInput={(e) => setFlagNote(e.currentTarget.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') {
                        e.preventDefault();
                        confirmFlag();
                      } else if (e.key === 'Escape') {
                        e.preventDefault();
                        cancelFlag();
                      }
                    }}
                  />
                  <div class="actions">
                    <button type="button" class="btn primary" disabled={busy || item === undefined} onClick={confirmFlag}>Flag <kbd>Enter</kbd></button>
                    <button type="button" class="btn" disabled={busy || item === undefined} onClick={cancelFlag}>Cancel <kbd>Esc</kbd></button>
                  </div>
                </div>
              )}
              {actionError === undefined ? null : (
                <div>
                  <ErrorBox error={actionError} what="your answer" />
                  {actionError.status === 409 || actionError.status === 404 ? (
                    <div class="note">This item is no longer yours (the lease ran out, or it was labeled meanwhile). <button type="button" class="btn small" onClick={() => void lease()}>Take the next item</button></div>
                  ) : null}
                </div>
              )}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function formHelp(form: LeasedItem['form']): string {
  switch (form.kind) {
    case 'class': return 'press 1–9 to choose, Enter to submit';
    case 'relevance': return `grade each item 0–${form.gradeMax} (0 = not relevant); ↑/↓ or k/j move`;
    case 'value': return 'the true value; Enter submits';
    case 'rubric': return `score each criterion 0–${form.max}; ↑/↓ or k/j move`;
  }
}
