import { createReadStream } from 'node:fs';

/**
 * Source line numbers of rows, as a person finds them in an editor.
 *
 * For CSV, the header is line 1 and a row's line is the PHYSICAL line on which its record
 * starts: blank lines count, and a record whose quoted field holds a line break covers
 * several lines (the next record starts below them).
 *
 * DuckDB reads the rows (its table keeps file order, so row k is the k-th record it
 * accepted) but knows no line numbers except for the records it rejects, and those it
 * numbers its own way (blank lines count, a multi-line record counts once). So:
 * - a quick native pass counts line breaks; when the file has exactly one line per record
 *   (the usual case) the only gaps in the numbering are the rejected records, and DuckDB's
 *   numbers are the physical ones;
 * - otherwise one streaming pass over the bytes (quote-aware) finds where each record
 *   starts, keeping only the places where the numbering jumps.
 * Nothing is scanned at all unless some row is quarantined (the caller asks lazily).
 */
export interface LineMap {
  /** The line of the `ord`-th record DuckDB accepted (0-based, file order). */
  lineOfRecord(ord: number): number;
  /** The physical line of a record that DuckDB rejected, given DuckDB's line number. */
  lineOfReaderLine(readerLine: number): number;
}

/** Numbering by record: JSON arrays and Parquet (the n-th item). */
export function recordNumbers(): LineMap {
  return { lineOfRecord: (ord) => ord + 1, lineOfReaderLine: (line) => line };
}

/**
 * JSON: in JSON Lines a record's line is the physical line it stands on (blank lines
 * count, as in an editor); a JSON array's records are numbered as items.
 */
export async function jsonLineMap(path: string): Promise<LineMap> {
  const lines: number[] = [];
  let line = 1;
  let filled = false;
  let first: number | undefined;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (byte === LF) {
        if (filled) lines.push(line);
        line += 1;
        filled = false;
      } else if (byte !== CR && byte !== 0x20 && byte !== 0x09) {
        first ??= byte;
        filled = true;
      }
    }
  }
  if (filled) lines.push(line);
  if (first === 0x5b /* [ */) return recordNumbers();
  return { lineOfRecord: (ord) => lines[ord] ?? ord + 1, lineOfReaderLine: (l) => l };
}

/** `from` records on, lines are `ord + 2 + offset` (2: the header, and 1-based lines). */
interface Jump {
  from: number;
  offset: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export async function csvLineMap(
  path: string,
  delimiter: string,
  accepted: number,
  rejectedReaderLines: readonly number[],
  /** A file of one column: DuckDB reads a blank line as a record (one empty value). */
  blankLinesAreRecords = false,
): Promise<LineMap> {
  const rejected = [...new Set(rejectedReaderLines)].sort((a, b) => a - b);
  if ((await countPhysicalLines(path)) === 1 + accepted + rejected.length) {
    return mapOf(jumpsOverRejected(rejected), new Map());
  }
  return scanRecords(path, delimiter.charCodeAt(0), new Set(rejected), blankLinesAreRecords);
}

function mapOf(jumps: Jump[], readerToPhysical: Map<number, number>): LineMap {
  return {
    lineOfRecord(ord) {
      // The last jump with from <= ord (jumps are sorted by `from`; later ones win ties).
      let lo = 0;
      let hi = jumps.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (jumps[mid]!.from <= ord) lo = mid + 1;
        else hi = mid;
      }
      return ord + 2 + (lo === 0 ? 0 : jumps[lo - 1]!.offset);
    },
    lineOfReaderLine: (line) => readerToPhysical.get(line) ?? line,
  };
}

/** One line per record: each rejected line pushes the accepted records after it down by one. */
function jumpsOverRejected(sortedLines: readonly number[]): Jump[] {
  const jumps: Jump[] = [];
  let offset = 0;
  for (const line of sortedLines) {
    jumps.push({ from: line - 2 - offset, offset: offset + 1 });
    offset += 1;
  }
  return jumps;
}

async function countPhysicalLines(path: string): Promise<number> {
  let breaks = 0;
  let last = -1;
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) breaks += 1;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    bytes += chunk.length;
  }
  if (bytes === 0) return 0;
  return breaks + (last === LF ? 0 : 1);
}

/**
 * The full pass: `\n`, `\r\n` and `\r` end lines; a line break inside quotes does not end a
 * record. As in DuckDB, a quote opens a quoted value only at the start of a field (`5"` is
 * text), and a quote right after a closing quote is an escaped one (`""`).
 */
async function scanRecords(
  path: string,
  delimiter: number,
  rejected: Set<number>,
  blankLinesAreRecords: boolean,
): Promise<LineMap> {
  const jumps: Jump[] = [];
  const readerToPhysical = new Map<number, number>();
  let physical = 1;
  let readerLine = 0;
  let start = 1;
  let hasContent = false;
  let quoted = false;
  let fieldStart = true;
  let afterCR = false;
  let ord = 0;
  let offset = 0;

  const endLine = () => {
    readerLine += 1;
    if (readerLine > 1 && (hasContent || blankLinesAreRecords)) {
      if (rejected.has(readerLine)) readerToPhysical.set(readerLine, start);
      else {
        if (start !== ord + 2 + offset) {
          offset = start - ord - 2;
          jumps.push({ from: ord, offset });
        }
        ord += 1;
      }
    }
  };

  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i]!;
      if (afterCR) {
        afterCR = false;
        if (b === LF) continue;
      }
      if (b === LF || b === CR) {
        afterCR = b === CR;
        physical += 1;
        if (!quoted) {
          endLine();
          start = physical;
          hasContent = false;
          fieldStart = true;
        }
        continue;
      }
      hasContent = true;
      if (quoted) {
        if (b === QUOTE) {
          quoted = false;
          fieldStart = true; // a quote right after this one re-opens: an escaped quote
        }
      } else if (b === QUOTE && fieldStart) quoted = true;
      else fieldStart = b === delimiter;
    }
  }
  if (hasContent) endLine();
  return mapOf(jumps, readerToPhysical);
}
