/**
 * What a labeler is asked per task (the form) and how a submitted label becomes an outcome payload
 * (DESIGN §2.3, §2.8; wire shapes in src/server/schemas/labeling.ts). Every problem of a submission is
 * reported with its JSON pointer, not only the first.
 */
import type { Label, OutcomePayload, Prediction } from '../../core/event.ts';
import type { LabelingSpec, Task } from '../../core/spec.ts';

export type LabelFormSpec =
  | { readonly kind: 'class'; readonly classes: readonly Label[] }
  | { readonly kind: 'relevance'; readonly items: readonly Label[]; readonly gradeMax: number }
  | { readonly kind: 'value' }
  | { readonly kind: 'rubric'; readonly criteria: readonly string[]; readonly max: number };

export interface FieldProblem {
  /** JSON pointer into the submitted body. */
  readonly path: string;
  readonly message: string;
}

/** A valid submission: the outcome payload, and the submission as stored with the labeler's action. */
export type ParsedLabel =
  | { readonly ok: true; readonly payload: OutcomePayload; readonly label: Submission }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

export type Submission =
  | { readonly label: Label }
  | { readonly grades: ReadonlyArray<{ readonly item: Label; readonly grade: number }> }
  | { readonly value: number }
  | { readonly scores: Readonly<Record<string, number>> };

const FIELD: Readonly<Record<Task, 'label' | 'grades' | 'value' | 'scores'>> = {
  classification: 'label', ranking: 'grades', regression: 'value', generative: 'scores',
};

/** Numbers first, ascending, then strings (the order core/stats/agreement.ts sorts labels in). */
export function sortLabels(labels: Iterable<Label>): Label[] {
  const all = [...labels];
  const nums = all.filter((l): l is number => typeof l === 'number').sort((a, b) => a - b);
  const strs = all.filter((l): l is string => typeof l === 'string').sort();
  return [...nums, ...strs];
}

/**
 * The form of an item. Classification takes `classes` from the caller (queue.ts: the prediction's
 * labels and the service's recent ones); ranking grades the predicted items; generative scores the
 * rubric's criteria.
 */
export function labelForm(task: Task, labeling: LabelingSpec, prediction: Prediction | undefined, classes: readonly Label[]): LabelFormSpec {
  switch (task) {
    case 'classification':
      return { kind: 'class', classes };
    case 'ranking':
      return { kind: 'relevance', items: prediction?.kind === 'items' ? prediction.items : [], gradeMax: labeling.gradeMax };
    case 'regression':
      return { kind: 'value' };
    case 'generative':
      return { kind: 'rubric', criteria: labeling.rubric, max: labeling.rubricMax };
  }
}

function isLabel(v: unknown): v is Label {
  return (typeof v === 'string' && v.length > 0 && v.length <= 256) || (typeof v === 'number' && Number.isSafeInteger(v));
}

const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Validates a submitted label against the item's form. */
export function parseSubmission(body: unknown, task: Task, form: LabelFormSpec): ParsedLabel {
  const problems: FieldProblem[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '', message: 'the body must be a JSON object' }] };
  }
  const o = body as Record<string, unknown>;
  const field = FIELD[task];
  for (const k of Object.keys(o)) {
    if (k !== field) problems.push({ path: `/${escape(k)}`, message: `unknown field \`${k}\`; a ${task} item takes \`${field}\`` });
  }
  if (!(field in o)) problems.push({ path: `/${field}`, message: `\`${field}\` is required for a ${task} item` });
  if (problems.length > 0 && !(field in o)) return { ok: false, problems };
  const v = o[field];
  let parsed: { payload: OutcomePayload; label: Submission } | undefined;
  switch (form.kind) {
    case 'class':
      if (!isLabel(v)) problems.push({ path: '/label', message: 'must be a non-empty string (at most 256 characters) or an integer' });
      else parsed = { payload: { kind: 'label', label: v }, label: { label: v } };
      break;
    case 'relevance':
      parsed = grades(v, form, problems);
      break;
    case 'value':
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path: '/value', message: 'must be a finite number' });
      else parsed = { payload: { kind: 'value', value: v }, label: { value: v } };
      break;
    case 'rubric':
      parsed = scores(v, form, problems);
      break;
  }
  return problems.length > 0 || parsed === undefined ? { ok: false, problems } : { ok: true, ...parsed };
}

/** Ranking: each predicted item graded at most once; ungraded items count as grade 0 (not relevant). */
function grades(v: unknown, form: Extract<LabelFormSpec, { kind: 'relevance' }>, problems: FieldProblem[]): { payload: OutcomePayload; label: Submission } | undefined {
  if (!Array.isArray(v)) {
    problems.push({ path: '/grades', message: 'must be an array of {item, grade}' });
    return undefined;
  }
  const given = new Map<Label, number>();
  v.forEach((g: unknown, i) => {
    const at = `/grades/${i}`;
    if (typeof g !== 'object' || g === null || Array.isArray(g)) {
      problems.push({ path: at, message: 'must be an object {item, grade}' });
      return;
    }
    const e = g as Record<string, unknown>;
    for (const k of Object.keys(e)) if (k !== 'item' && k !== 'grade') problems.push({ path: `${at}/${escape(k)}`, message: `unknown field \`${k}\`` });
    const item = e.item;
    if (!isLabel(item)) problems.push({ path: `${at}/item`, message: 'must be an item id (string or integer)' });
    else if (!form.items.includes(item)) problems.push({ path: `${at}/item`, message: `${JSON.stringify(item)} is not one of the predicted items` });
    else if (given.has(item)) problems.push({ path: `${at}/item`, message: `${JSON.stringify(item)} is graded twice` });
    const grade = e.grade;
    if (typeof grade !== 'number' || !Number.isInteger(grade) || grade < 0 || grade > form.gradeMax) {
      problems.push({ path: `${at}/grade`, message: `must be an integer from 0 to ${form.gradeMax}` });
    } else if (isLabel(item) && form.items.includes(item) && !given.has(item)) {
      given.set(item, grade);
    }
  });
  if (problems.length > 0) return undefined;
  // In prediction order, so the same grades always make the same payload (a retry is a duplicate).
  const ordered = form.items.filter((it) => given.has(it)).map((item) => ({ item, grade: given.get(item)! }));
  return {
    payload: { kind: 'relevant', relevant: ordered.filter((g) => g.grade >= 1).map((g) => g.item) },
    label: { grades: ordered },
  };
}

/** Generative: every rubric criterion scored, from 0 to the rubric's max. */
function scores(v: unknown, form: Extract<LabelFormSpec, { kind: 'rubric' }>, problems: FieldProblem[]): { payload: OutcomePayload; label: Submission } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push({ path: '/scores', message: 'must be an object of criterion → score' });
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const k of Object.keys(o)) {
    if (!form.criteria.includes(k)) problems.push({ path: `/scores/${escape(k)}`, message: `not a rubric criterion; the rubric is ${form.criteria.join(', ')}` });
  }
  for (const c of [...form.criteria].sort()) {
    const s = o[c];
    if (s === undefined) problems.push({ path: `/scores/${escape(c)}`, message: `\`${c}\` must be scored` });
    else if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > form.max) problems.push({ path: `/scores/${escape(c)}`, message: `must be a number from 0 to ${form.max}` });
    else out[c] = s;
  }
  if (problems.length > 0) return undefined;
  return { payload: { kind: 'scores', scores: out }, label: { scores: out } };
}

/** The outcome payload of a stored submission (the label JSON of a `label` action). */
export function payloadOfSubmission(s: Submission, prediction: Prediction | undefined): OutcomePayload {
  if ('label' in s) return { kind: 'label', label: s.label };
  if ('value' in s) return { kind: 'value', value: s.value };
  if ('scores' in s) return { kind: 'scores', scores: s.scores };
  const order = prediction?.kind === 'items' ? prediction.items : s.grades.map((g) => g.item);
  const relevant = new Set(s.grades.filter((g) => g.grade >= 1).map((g) => g.item));
  return { kind: 'relevant', relevant: order.filter((it) => relevant.has(it)) };
}

/** The wire fields of an outcome payload (DESIGN §3.1). */
export function payloadWire(p: OutcomePayload): Record<string, unknown> {
  switch (p.kind) {
    case 'label': return { label: p.label };
    case 'relevant': return { relevant: p.relevant };
    case 'value': return { value: p.value };
    case 'scores': return { scores: p.scores };
    case 'feedback': return { feedback: p.feedback };
  }
}
