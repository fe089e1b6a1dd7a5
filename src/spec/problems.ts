/**
 * Spec problems: where in which file something is wrong, as Prometheus `model/rulefmt` reports it.
 * Positions are 1-based; a JSON pointer (RFC 6901) names the offending value inside its document.
 */
import type { LineCounter, Node } from 'yaml';

export interface SpecProblem {
  file: string;
  /** 1-based; 0 when the problem has no position (e.g. the file cannot be read). */
  line: number;
  column: number;
  /** RFC 6901 pointer into the YAML document; `""` for the document itself. */
  pointer: string;
  message: string;
}

/** `file:line:col: pointer: message`; the position is left out when there is none, the pointer when empty. */
export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.pointer === '' ? `${where}: ${p.message}` : `${where}: ${p.pointer}: ${p.message}`;
}

/** Orders problems by file position so output reads top to bottom, whatever order checks ran in. */
export function compareProblems(a: SpecProblem, b: SpecProblem): number {
  return a.line - b.line || a.column - b.column || a.pointer.localeCompare(b.pointer) || a.message.localeCompare(b.message);
}

/** Appends one reference token to a pointer, escaping `~` and `/` (RFC 6901 §3). */
export function childPointer(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * 1-based line and column of source offsets, a line ending at each LF (a CR before it stays on its line,
 * as YAML and editors count). Not the yaml library's `LineCounter`: it learns line starts from the
 * parser's tokens and misses those inside a token it could not parse, so it put syntax errors on an
 * earlier line, at a column past that line's end.
 */
export function textLines(text: string): Pick<LineCounter, 'linePos'> {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    linePos(offset: number) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - starts[lo]! + 1 };
    },
  };
}

/** Collects every problem of one file; checks report and carry on, so one pass finds them all. */
export class ProblemSink {
  readonly problems: SpecProblem[] = [];

  constructor(readonly file: string, private readonly lines: Pick<LineCounter, 'linePos'>) {}

  /** Reports at a source offset (0-based). */
  atOffset(offset: number, pointer: string, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, pointer, message });
  }

  /** Reports at the start of a node, or at `offset` characters into it. */
  at(node: Node, pointer: string, message: string, offset = 0): void {
    this.atOffset((node.range?.[0] ?? 0) + offset, pointer, message);
  }
}
