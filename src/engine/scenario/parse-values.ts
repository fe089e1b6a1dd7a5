/** Scalar notations of scenario files: offsets, shares, ramps and comparisons, each checked with its position. */
import { isMap, type LineCounter } from 'yaml';
import { parseDuration } from '../../core/duration.ts';
import type { At, Reader } from '../../spec/yaml-reader.ts';
import { describe } from '../../spec/yaml-reader.ts';
import type { CompareOp, Expectation, Level, Place } from './model.ts';

const MIN = 60_000;

export function placeOf(lines: LineCounter, at: At): Place {
  const { line, col } = lines.linePos(at.node.range?.[0] ?? 0);
  return { line, column: col };
}

/** `0`, `90m`, `2d10m`: a duration in whole minutes (0 allowed when `zero`). */
export function readMinutes(r: Reader, at: At, what: string, zero: boolean): number | undefined {
  const v = r.scalar(at);
  if (zero && (v === 0 || v === '0' || v === '0m' || v === '0s')) return 0;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) {
    r.report(at, `must be ${what} such as \`90m\` or \`2d10m\`${zero ? ' (or `0`)' : ''}, got ${describe(at.node)}`);
    return undefined;
  }
  if (ms % MIN !== 0) {
    r.report(at, `must be a whole number of minutes, got \`${String(v)}\``);
    return undefined;
  }
  return ms;
}

/** A share in [0, 1]: `0.05` or `"5%"`. */
export function readShare(r: Reader, at: At): number | undefined {
  const v = r.scalar(at);
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim())) n = Number(v.trim().slice(0, -1)) / 100;
  if (n === undefined || !Number.isFinite(n)) {
    r.report(at, `must be a share such as \`0.05\` or \`5%\`, got ${describe(at.node)}`);
    return undefined;
  }
  if (n < 0 || n > 1) {
    r.report(at, `must be between 0 and 1 (0% and 100%), got ${String(v)}`);
    return undefined;
  }
  return n;
}

/** A number ≥ 0 (a rate per minute). */
export function readRate(r: Reader, at: At): number | undefined {
  const v = r.number(at);
  if (v === undefined || v >= 0) return v;
  r.report(at, `must be ≥ 0, got ${v}`);
  return undefined;
}

/** A value, or `{from: a, to: b}`: a straight line over the series' span. */
export function readLevel(r: Reader, at: At, one: (at: At) => number | undefined): Level | undefined {
  if (!isMap(at.node)) {
    const v = one(at);
    return v === undefined ? undefined : { kind: 'constant', value: v };
  }
  const m = r.map(at, ['from', 'to']);
  if (m === undefined) return undefined;
  const fromAt = m.require('from');
  const toAt = m.require('to');
  const from = fromAt === undefined ? undefined : one(fromAt);
  const to = toAt === undefined ? undefined : one(toAt);
  return from === undefined || to === undefined ? undefined : { kind: 'ramp', from, to };
}

const OPS: readonly CompareOp[] = ['<=', '>=', '==', '!=', '<', '>'];

/** `"< 0.9"`, `">= 95%"`, `0.5` (equal), `insufficient` (a string field), `null`. */
export function readExpectation(r: Reader, at: At): Expectation | undefined {
  const v = r.scalar(at);
  if (v === null) return { kind: 'null' };
  if (typeof v === 'number' && Number.isFinite(v)) return { kind: 'number', op: '==', value: v, text: `== ${v}` };
  if (typeof v === 'boolean') return { kind: 'string', value: String(v) };
  if (typeof v !== 'string') {
    r.report(at, `must be a comparison such as \`"< 0.9"\`, a number, a string or null, got ${describe(at.node)}`);
    return undefined;
  }
  const s = v.trim();
  const op = OPS.find((o) => s.startsWith(o));
  if (op === undefined) return { kind: 'string', value: s };
  const rest = s.slice(op.length).trim();
  const pct = rest.endsWith('%');
  const n = Number(pct ? rest.slice(0, -1) : rest);
  if (rest === '' || !Number.isFinite(n)) {
    r.report(at, `\`${s}\`: expected a number after \`${op}\``);
    return undefined;
  }
  return { kind: 'number', op, value: pct ? n / 100 : n, text: `${op} ${rest}` };
}
