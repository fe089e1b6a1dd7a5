/**
 * Loads the multiwindow burn-rate policies (policies/burn-<N>d.yaml; CONVENTIONS §4: policy is data)
 * into the core's BurnPolicy. Strict: unknown keys, wrong types, windows that do not parse, a short
 * window not shorter than its long one, and a factor that is not budgetSpent × period ÷ long window
 * are all errors, reported together with file, line, column and JSON pointer.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { burnFactor, derivePolicy, type BurnPolicy, type BurnPolicyRow } from '../core/burn-policy.ts';
import { MlsloError } from '../core/errors.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, type ServiceSpec } from '../core/spec.ts';
import { childPointer, compareProblems, formatProblem, type SpecProblem } from './problems.ts';

export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

const FILE_RE = /^burn-(\d+)d\.ya?ml$/;
const TOP_KEYS = ['apiVersion', 'kind', 'source', 'periodDays', 'rows'] as const;
const ROW_KEYS = ['severity', 'longWindow', 'shortWindow', 'budgetSpent', 'factor'] as const;
const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };
/** Relative slack between a file's factor and the derived one: the files print 12 significant digits. */
const FACTOR_REL_TOL = 1e-9;

function parseWindow(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^([1-9]\d*)([mhd])$/.exec(v);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Parses and validates one policy file's text; returns the policy or every problem found. */
export function parseBurnPolicy(file: string, text: string): { policy: BurnPolicy } | { problems: SpecProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: SpecProblem[] = [];
  const at = (path: readonly (string | number)[], message: string): void => {
    const node = nodeAt(doc, path);
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : { line: 0, col: 0 };
    problems.push({ file, line: pos.line, column: pos.col, pointer: path.reduce<string>(childPointer, ''), message });
  };
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 0, col: 0 };
    problems.push({ file, line: pos.line, column: pos.col, pointer: '', message: e.message });
  }
  if (problems.length > 0) return { problems };
  const raw: unknown = doc.toJS();
  if (!isRecord(raw)) return { problems: [{ file, line: 1, column: 1, pointer: '', message: 'a burn policy must be a mapping' }] };

  for (const k of Object.keys(raw)) if (!(TOP_KEYS as readonly string[]).includes(k)) at([k], `unknown key "${k}"`);
  if (raw.apiVersion !== 'mlslo/v1') at(['apiVersion'], 'apiVersion must be "mlslo/v1"');
  if (raw.kind !== 'BurnPolicy') at(['kind'], 'kind must be "BurnPolicy"');
  if (typeof raw.source !== 'string' || raw.source.trim() === '') at(['source'], 'source must cite where the numbers come from');
  const periodDays = raw.periodDays;
  const periodOk = typeof periodDays === 'number' && Number.isInteger(periodDays) && periodDays > 0;
  if (!periodOk) at(['periodDays'], 'periodDays must be a whole number of days > 0');
  const fromName = FILE_RE.exec(file.split(/[\\/]/).pop() ?? '');
  if (periodOk && fromName !== null && Number(fromName[1]) !== periodDays) {
    at(['periodDays'], `periodDays ${periodDays} does not match the file name (${fromName[1]}d)`);
  }

  const rows: BurnPolicyRow[] = [];
  if (!Array.isArray(raw.rows) || raw.rows.length === 0) {
    at(['rows'], 'rows must be a non-empty list');
  } else {
    raw.rows.forEach((r: unknown, i: number) => {
      const p = ['rows', i];
      if (!isRecord(r)) { at(p, 'a row must be a mapping'); return; }
      for (const k of Object.keys(r)) if (!(ROW_KEYS as readonly string[]).includes(k)) at([...p, k], `unknown key "${k}"`);
      const severity = r.severity;
      if (severity !== 'page' && severity !== 'ticket') at([...p, 'severity'], 'severity must be "page" or "ticket"');
      const longMs = parseWindow(r.longWindow);
      const shortMs = parseWindow(r.shortWindow);
      if (longMs === undefined) at([...p, 'longWindow'], 'longWindow must be a duration such as 5m, 1h or 3d');
      if (shortMs === undefined) at([...p, 'shortWindow'], 'shortWindow must be a duration such as 5m, 1h or 3d');
      if (longMs !== undefined && shortMs !== undefined && shortMs >= longMs) at([...p, 'shortWindow'], 'shortWindow must be shorter than longWindow');
      const budgetSpent = r.budgetSpent;
      const budgetOk = typeof budgetSpent === 'number' && budgetSpent > 0 && budgetSpent <= 1;
      if (!budgetOk) at([...p, 'budgetSpent'], 'budgetSpent must be a share of the budget in (0, 1]');
      const factor = r.factor;
      if (typeof factor !== 'number' || !(factor > 0) || !Number.isFinite(factor)) {
        at([...p, 'factor'], 'factor must be a number > 0');
      } else if (budgetOk && periodOk && longMs !== undefined) {
        const want = burnFactor(budgetSpent, periodDays, longMs);
        if (Math.abs(factor - want) > FACTOR_REL_TOL * want) {
          at([...p, 'factor'], `factor ${factor} is not budgetSpent × period ÷ longWindow = ${want}`);
        }
      }
      if ((severity === 'page' || severity === 'ticket') && longMs !== undefined && shortMs !== undefined
        && budgetOk && typeof factor === 'number') {
        rows.push({ severity, longMs, shortMs, factor, budgetSpent });
      }
    });
  }
  if (problems.length > 0) return { problems: problems.sort(compareProblems) };
  return { policy: { source: raw.source as string, periodDays: periodDays as number, rows } };
}

/** Every burn-<N>d.yaml in `dir`, keyed by periodDays. Throws MLSLO_ERR_CONFIG_INVALID listing every problem. */
export async function loadBurnPolicies(dir: string = DEFAULT_POLICY_DIR): Promise<Map<number, BurnPolicy>> {
  const names = (await readdir(dir)).filter((n) => FILE_RE.test(n)).sort();
  const policies = new Map<number, BurnPolicy>();
  const problems: SpecProblem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const parsed = parseBurnPolicy(file, await readFile(file, 'utf8'));
    if ('problems' in parsed) { problems.push(...parsed.problems); continue; }
    if (policies.has(parsed.policy.periodDays)) {
      problems.push({ file, line: 0, column: 0, pointer: '/periodDays', message: `a second policy for ${parsed.policy.periodDays}d` });
      continue;
    }
    policies.set(parsed.policy.periodDays, parsed.policy);
  }
  if (problems.length > 0) {
    throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `burn policies in ${dir}:\n${problems.map(formatProblem).join('\n')}`, { details: problems });
  }
  return policies;
}

/** The policy for an SLO period: its own file when there is one, else derived from the 30-day policy. */
export function policyForPeriod(policies: ReadonlyMap<number, BurnPolicy>, periodDays: number): BurnPolicy {
  const exact = policies.get(periodDays);
  if (exact !== undefined) return exact;
  const base = policies.get(30);
  if (base === undefined) throw new MlsloError('MLSLO_ERR_CONFIG_INVALID', `no burn policy for ${periodDays}d and no 30d policy to derive one from`);
  return derivePolicy(base, periodDays);
}

/** The policy of a spec's SLO period: its rolling window's days, or 30 for a calendar month. */
export function policyForSpec(policies: ReadonlyMap<number, BurnPolicy>, spec: Pick<ServiceSpec, 'window'>): BurnPolicy {
  return policyForPeriod(policies, spec.window.kind === 'rolling' ? spec.window.days : 30);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  // Walk as far as the path exists, so a missing key points at its parent.
  let node: unknown = doc.contents;
  for (const key of path) {
    const next: unknown = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
    if (next === undefined) break;
    node = next;
  }
  return node as Node | undefined;
}
