/**
 * The label form of one item, per the task's `form` (the server decides it): a class to choose, a grade
 * per ranked item, a number, or a score per rubric criterion. The draft is plain data so that the page's
 * keyboard handler and the buttons change it the same way (`applyKey`, `setDraft`).
 */
import type { LabelForm, LabelSubmission } from '../../api/types.ts';

type Label = string | number;

export type Draft =
  | { readonly kind: 'class'; readonly choice: number | null }
  | { readonly kind: 'relevance'; readonly grades: ReadonlyArray<number | null>; readonly active: number }
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'rubric'; readonly scores: ReadonlyArray<number | null>; readonly active: number };

/** Digits choose the first nine classes. */
export const MAX_NUMBERED = 9;

export function emptyDraft(form: LabelForm): Draft {
  switch (form.kind) {
    case 'class': return { kind: 'class', choice: null };
    case 'relevance': return { kind: 'relevance', grades: form.items.map(() => null), active: 0 };
    case 'value': return { kind: 'value', text: '' };
    case 'rubric': return { kind: 'rubric', scores: form.criteria.map(() => null), active: 0 };
  }
}

const sameLabel = (a: Label, b: Label): boolean => String(a) === String(b);

/** The label to submit, or what is still missing. */
export function toSubmission(form: LabelForm, d: Draft): { ok: true; body: LabelSubmission; text: string } | { ok: false; missing: string } {
  if (form.kind === 'class' && d.kind === 'class') {
    const c = d.choice === null ? undefined : form.classes[d.choice];
    return c === undefined ? { ok: false, missing: 'choose a class (1–9)' } : { ok: true, body: { label: c }, text: String(c) };
  }
  if (form.kind === 'relevance' && d.kind === 'relevance') {
    const left = d.grades.filter((g) => g === null).length;
    if (left > 0) return { ok: false, missing: `grade every item (${left} left)` };
    return { ok: true, body: { grades: form.items.map((item, i) => ({ item, grade: d.grades[i]! })) }, text: `grades ${d.grades.join(', ')}` };
  }
  if (form.kind === 'value' && d.kind === 'value') {
    const v = Number(d.text.trim());
    if (d.text.trim() === '' || !Number.isFinite(v)) return { ok: false, missing: 'enter a number' };
    return { ok: true, body: { value: v }, text: `value ${v}` };
  }
  if (form.kind === 'rubric' && d.kind === 'rubric') {
    const left = d.scores.filter((s) => s === null).length;
    if (left > 0) return { ok: false, missing: `score every criterion (${left} left)` };
    const scores: Record<string, number> = {};
    form.criteria.forEach((c, i) => {
      scores[c] = d.scores[i]!;
    });
    return { ok: true, body: { scores }, text: form.criteria.map((c, i) => `${c} ${d.scores[i]}`).join(', ') };
  }
  return { ok: false, missing: 'the form changed; reload' };
}

/** The next row without a value after `i`, else `i` (so a finished list stays on its last row). */
function nextOpen(values: ReadonlyArray<number | null>, i: number): number {
  for (let j = i + 1; j < values.length; j++) if (values[j] === null) return j;
  return Math.min(i + 1, values.length - 1);
}

function setAt<T>(xs: readonly T[], i: number, v: T): T[] {
  return xs.map((x, j) => (j === i ? v : x));
}

/**
 * A key of the form's own (digits; ↑/↓ and j/k between rows), or undefined when the key is not the
 * form's. Setting a grade or score moves to the next row still open.
 */
export function applyKey(form: LabelForm, d: Draft, key: string): Draft | undefined {
  const digit = /^[0-9]$/.test(key) ? Number(key) : undefined;
  const move = key === 'ArrowDown' || key === 'j' ? 1 : key === 'ArrowUp' || key === 'k' ? -1 : 0;
  if (form.kind === 'class' && d.kind === 'class') {
    if (digit !== undefined && digit >= 1 && digit <= Math.min(MAX_NUMBERED, form.classes.length)) return { ...d, choice: digit - 1 };
    return undefined;
  }
  if ((form.kind === 'relevance' && d.kind === 'relevance') || (form.kind === 'rubric' && d.kind === 'rubric')) {
    const values = d.kind === 'relevance' ? d.grades : d.scores;
    const max = form.kind === 'relevance' ? form.gradeMax : form.kind === 'rubric' ? form.max : 0;
    if (move !== 0) return { ...d, active: Math.max(0, Math.min(values.length - 1, d.active + move)) };
    if (digit !== undefined && digit <= max && values.length > 0) {
      const next = setAt(values, d.active, digit);
      return d.kind === 'relevance' ? { ...d, grades: next, active: nextOpen(next, d.active) } : { ...d, scores: next, active: nextOpen(next, d.active) };
    }
    return undefined;
  }
  return undefined;
}

function GradeButtons(props: { max: number; value: number | null; rowLabel: string; onSet: (g: number) => void }) {
  const grades = Array.from({ length: props.max + 1 }, (_, g) => g);
  return (
    <span class="grades" role="radiogroup" aria-label={props.rowLabel}>
      {grades.map((g) => (
        <button
          key={g} type="button" role="radio" aria-checked={props.value === g} class="grade" data-choice=""
          aria-label={`${props.rowLabel}: ${g}`} onClick={() => props.onSet(g)}
        >{g}</button>
      ))}
    </span>
  );
}

export function FormView(props: {
  form: LabelForm; draft: Draft; predicted: Label | undefined; onDraft: (d: Draft) => void;
  valueRef?: (el: HTMLInputElement | null) => void;
}) {
  const { form, draft: d, onDraft } = props;
  if (form.kind === 'class' && d.kind === 'class') {
    return (
      <div class="classes" role="radiogroup" aria-label="Class">
        {form.classes.map((c, i) => {
          const predicted = props.predicted !== undefined && sameLabel(c, props.predicted);
          return (
            <button
              key={String(c)} type="button" role="radio" aria-checked={d.choice === i} class="choice" data-choice=""
              aria-keyshortcuts={i < MAX_NUMBERED ? String(i + 1) : undefined}
              aria-label={`${String(c)}${predicted ? ' (predicted)' : ''}`}
              onClick={() => onDraft({ ...d, choice: i })}
            >
              {i < MAX_NUMBERED ? <kbd aria-hidden="true">{i + 1}</kbd> : <span class="kbd-none" aria-hidden="true" />}
              <span class="name">{String(c)}</span>
              {predicted ? <span class="tag info" aria-hidden="true">predicted</span> : null}
            </button>
          );
        })}
      </div>
    );
  }
  if ((form.kind === 'relevance' && d.kind === 'relevance') || (form.kind === 'rubric' && d.kind === 'rubric')) {
    const rows: readonly Label[] = form.kind === 'relevance' ? form.items : form.kind === 'rubric' ? form.criteria : [];
    const values = d.kind === 'relevance' ? d.grades : d.scores;
    const max = form.kind === 'relevance' ? form.gradeMax : form.kind === 'rubric' ? form.max : 0;
    const noun = form.kind === 'relevance' ? 'grade' : 'score';
    const set = (i: number, v: number): void => {
      const next = setAt(values, i, v);
      onDraft(d.kind === 'relevance' ? { ...d, grades: next, active: nextOpen(next, i) } : { ...d, scores: next, active: nextOpen(next, i) });
    };
    return (
      <ol class={`rows ${form.kind}`} aria-label={form.kind === 'relevance' ? `Relevance of each ranked item, 0 to ${max}` : `Score of each criterion, 0 to ${max}`}>
        {rows.map((r, i) => (
          <li key={String(r)} class={i === d.active ? 'active' : undefined} aria-current={i === d.active ? 'true' : undefined}>
            <button type="button" class="row-pick" data-choice="" onClick={() => onDraft({ ...d, active: i })} aria-label={`${form.kind === 'relevance' ? `rank ${i + 1}` : 'criterion'} ${String(r)}`}>
              {form.kind === 'relevance' ? <span class="rank">{i + 1}</span> : null}
              <span class="name mono">{String(r)}</span>
            </button>
            <GradeButtons max={max} value={values[i] ?? null} rowLabel={`${noun} of ${String(r)}`} onSet={(g) => set(i, g)} />
          </li>
        ))}
      </ol>
    );
  }
  if (form.kind === 'value' && d.kind === 'value') {
    return (
      <label class="value-field">
        <span>Value{props.predicted === undefined ? '' : ` (predicted ${String(props.predicted)})`}</span>
        <input
          ref={props.valueRef} type="text" inputMode="decimal" autocomplete="off" spellcheck={false} value={d.text}
          aria-describedby="value-help" onInput={(e) => onDraft({ ...d, text: e.currentTarget.value })}
        />
        <span id="value-help" class="faint">Enter submits; Esc leaves the field so S, F and ? work.</span>
      </label>
    );
  }
  return <div class="empty">This item's form does not match its task.</div>;
}
