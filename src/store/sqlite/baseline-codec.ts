/**
 * One baseline column as one blob (migration 7): a column of numbers and nulls as little-endian
 * float64 (null as NaN, which no stored value can be: JSON has no NaN and CSV values must be finite),
 * 8 bytes a value; any other column as JSON. The first byte tells which.
 */
import type { BaselineMeta, BaselineValue } from '../port.ts';

const FLOAT64 = 0x46; // 'F'
const JSON_TAG = 0x4a; // 'J'

export function encodeColumn(values: readonly BaselineValue[]): Buffer {
  if (values.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)))) {
    const buf = Buffer.allocUnsafe(1 + values.length * 8);
    buf[0] = FLOAT64;
    for (let i = 0; i < values.length; i++) buf.writeDoubleLE((values[i] as number | null) ?? Number.NaN, 1 + i * 8);
    return buf;
  }
  return Buffer.concat([Buffer.from([JSON_TAG]), Buffer.from(JSON.stringify(values), 'utf8')]);
}

export function decodeColumn(buf: Buffer): BaselineValue[] {
  if (buf[0] === FLOAT64) {
    const n = (buf.length - 1) / 8;
    const out = new Array<BaselineValue>(n);
    for (let i = 0; i < n; i++) {
      const x = buf.readDoubleLE(1 + i * 8);
      out[i] = Number.isNaN(x) ? null : x;
    }
    return out;
  }
  if (buf[0] === JSON_TAG) return JSON.parse(buf.subarray(1).toString('utf8')) as BaselineValue[];
  throw new Error(`unknown baseline column encoding ${String(buf[0])}`);
}

export interface BaselineDbRow {
  readonly id: number;
  readonly service: string;
  readonly model: string;
  readonly createdAt: number;
  readonly rows: number;
  readonly features: string;
}

export function baselineMetaFromDb(r: BaselineDbRow): BaselineMeta {
  return { id: String(r.id), service: r.service, model: r.model, createdAt: r.createdAt, rows: r.rows, features: JSON.parse(r.features) as BaselineMeta['features'] };
}
