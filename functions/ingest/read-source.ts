import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDb } from '#platform/ports.ts';
import type { LineMap } from './line-numbers.ts';
import { readCsv } from './read-csv.ts';
import { readTyped } from './read-typed.ts';

export type SourceFormat = 'csv' | 'json' | 'parquet';

/** A record DuckDB could not split into the header's fields: quarantined as raw text. */
export interface UnreadableRecord {
  /** DuckDB's line number; `Source.lines()` turns it into the physical line. */
  readerLine: number;
  raw: string | null;
  column: string;
  /** Short, for counting: `too many fields`. */
  kind: string;
  /** What a person reads: `too many fields: expected 3, found 4`. */
  reason: string;
}

/**
 * A source file loaded into a DuckDB table, every value as text (`c0`, `c1`, ... in file
 * order, empty values NULL); the table's row order is the file's.
 */
export interface Source {
  format: SourceFormat;
  table: string;
  /** Column names as the file writes them. */
  header: string[];
  /** The header as identifiers (`Net Amount` -> `net_amount`). */
  names: string[];
  /** Set when the header cannot name the columns: every row is then quarantined. */
  headerError?: string;
  /** Rows in `table`. */
  rows: number;
  unreadable: UnreadableRecord[];
  /** Said in the manifest: how the file was read when not as plain UTF-8 (`read as Latin-1`). */
  warnings?: string[];
  /** Line numbers, worked out only when asked (i.e. when some row is quarantined). */
  lines(): Promise<LineMap>;
}

export type ReadResult = { source: Source } | { fileError: string };

export function formatOf(key: string): { format: SourceFormat; gzip: boolean; tsv: boolean } {
  const lower = key.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const name = gzip ? lower.slice(0, -3) : lower;
  const ext = name.slice(name.lastIndexOf('.') + 1);
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson')
    return { format: 'json', gzip, tsv: false };
  if (ext === 'parquet') return { format: 'parquet', gzip, tsv: false };
  // .csv, .tsv, .txt and anything unnamed are read as delimited text.
  return { format: 'csv', gzip, tsv: ext === 'tsv' || ext === 'tab' };
}

/**
 * Loads the raw file at `path` (a local copy of lake object `key`) into table `table`.
 * `scratch` names the DuckDB tables this read may create besides it (they are dropped by
 * the caller, as is `table`).
 */
export async function readSource(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  scratch: (what: string) => string,
): Promise<ReadResult> {
  const { format, gzip, tsv } = formatOf(key);
  let local = path;
  if (gzip) {
    local = `${path}.unzipped`;
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(local));
    } catch (error) {
      return { fileError: `${key} is not a readable gzip file: ${(error as Error).message}` };
    }
  }
  if (format === 'csv') return readCsv(duck, key, local, table, tsv, scratch);
  return readTyped(duck, key, local, table, format);
}
