/**
 * What a backfill reader (NDJSON or CSV) yields for each item of a file: the item, or the reason the
 * line could not become one, with where it starts (line) and where it ends (byte offset of the
 * decompressed stream, just past its line break) so an import can resume right after it.
 */
import type { ItemCode } from '../../core/errors.ts';
import type { ItemProblem } from '../validate-event.ts';

/** Item codes, plus the one only a file can have: a CSV record that cannot be read as one. */
export type LineCode = ItemCode | 'invalid_csv';

export interface LineProblem {
  readonly code: LineCode;
  readonly path: string;
  readonly message: string;
}

interface Located {
  /** 1-based line the item starts on (blank lines and a CSV header count). */
  readonly line: number;
  /** The line it ends on: a CSV record's quoted field may hold line breaks. */
  readonly endLine: number;
  /** Byte offset just past the item's last line break, in the decompressed stream. */
  readonly end: number;
}

export type SourceRecord =
  | (Located & { readonly kind: 'item'; readonly item: unknown })
  | (Located & { readonly kind: 'problem'; readonly problem: LineProblem | ItemProblem });

/** Where a reader starts: at the beginning (0, 0) or after the last committed line. */
export interface ReadPosition {
  readonly offset: number;
  /** Lines before `offset`. */
  readonly line: number;
}

export const START: ReadPosition = { offset: 0, line: 0 };
