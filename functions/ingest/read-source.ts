import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDb } from '#platform/ports.ts';
import { detectEncoding, encodingWarning, transcodeToUtf8 } from './encoding.ts';
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
  /**
   * Said in the manifest: how the file was read when not as plain UTF-8 (`read as
   * Windows-1252 (Latin-1): ...`), or when only part of it holds the records (a JSON object
   * wrapping an array).
   */
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
 * the caller, as is `table`). Working copies (unzipped, transcoded) are written beside
 * `path`, in the caller's scratch folder.
 *
 * The name gives the format, the bytes overrule it where they are certain: gzip and Parquet
 * have magic numbers, so `data.csv` that is gzip is unzipped, and a `.gz` that is not gzip
 * is refused. Text that is not UTF-8 is transcoded first, and the manifest says so.
 */
export async function readSource(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  scratch: (what: string) => string,
): Promise<ReadResult> {
  const prepared = await prepareSource(key, path);
  if ('fileError' in prepared) return prepared;
  return loadSource(duck, key, prepared, table, scratch);
}

/** A raw file made ready for DuckDB: unzipped, UTF-8, its format known. */
export interface PreparedFile {
  /** The local file DuckDB reads (the raw copy, or the unzipped or transcoded one). */
  path: string;
  format: SourceFormat;
  /** Named `.tsv`: tab-separated unless the header says otherwise. */
  tsv: boolean;
  /** How the bytes were read, when not as plain UTF-8. */
  warning?: string;
}

/** Unzips and transcodes the raw file at `path` (a local copy of lake object `key`). */
export async function prepareSource(
  key: string,
  path: string,
): Promise<PreparedFile | { fileError: string }> {
  const named = formatOf(key);
  const unzipped = await unzip(key, path, named.gzip);
  if ('fileError' in unzipped) return unzipped;
  let local = unzipped.path;
  const inner = await magic(local);
  if (inner === 'zip' || inner === 'ole') {
    return {
      fileError: `${key} is ${inner === 'zip' ? 'a ZIP archive (an .xlsx workbook is one)' : 'an old Office document (an .xls workbook?)'}, not CSV, JSON or Parquet: export the sheet as CSV`,
    };
  }
  const format = inner === 'parquet' ? 'parquet' : named.format;
  if (format === 'parquet') return { path: local, format, tsv: false };

  const detected = await detectEncoding(local);
  if ('binary' in detected) {
    return {
      fileError: `${key} is not a text file: it holds binary data (control bytes), not ${format === 'csv' ? 'CSV' : 'JSON'} text`,
    };
  }
  const { encoding, bom } = detected;
  const warning = encodingWarning(encoding, bom);
  if (encoding !== 'utf-8') {
    // DuckDB reads UTF-8 only; the copy keeps every line break, so line numbers hold.
    const utf8 = `${path}.utf8`;
    await transcodeToUtf8(local, utf8, encoding);
    local = utf8;
  }
  return { path: local, format, tsv: named.tsv, ...(warning ? { warning } : {}) };
}

/** Loads a prepared file into table `table`, every value as text. */
export async function loadSource(
  duck: DuckDb,
  key: string,
  prepared: PreparedFile,
  table: string,
  scratch: (what: string) => string,
): Promise<ReadResult> {
  const { path, format, tsv, warning } = prepared;
  const read =
    format === 'csv'
      ? await readCsv(duck, key, path, table, tsv, scratch)
      : await readTyped(duck, key, path, table, format, scratch);
  if ('source' in read && warning)
    read.source.warnings = [warning, ...(read.source.warnings ?? [])];
  return read;
}

/** A gzip file (known by its magic bytes, whatever its name) unzipped beside it, streamed. */
async function unzip(
  key: string,
  path: string,
  named: boolean,
): Promise<{ path: string } | { fileError: string }> {
  const start = await magic(path);
  if (start !== 'gzip') {
    if (!named || start === 'empty') return { path };
    return {
      fileError: `${key} is not a readable gzip file: its name ends in .gz but it is not gzip-compressed`,
    };
  }
  const unzipped = `${path}.unzipped`;
  try {
    await pipeline(
      createReadStream(path, { highWaterMark: 1 << 20 }),
      createGunzip(),
      createWriteStream(unzipped),
    );
  } catch (error) {
    return { fileError: `${key} is not a readable gzip file: ${(error as Error).message}` };
  }
  return { path: unzipped };
}

/**
 * What the first bytes say for certain: gzip (1F 8B), Parquet (`PAR1`), ZIP (`PK 03 04`: an
 * .xlsx), an OLE compound file (D0 CF 11 E0: an .xls), or nothing (empty).
 */
async function magic(
  path: string,
): Promise<'gzip' | 'parquet' | 'zip' | 'ole' | 'empty' | undefined> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    if (bytesRead === 0) return 'empty';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead < 4) return undefined;
    if (head.toString('latin1') === 'PAR1') return 'parquet';
    if (head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'zip';
    if (head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) return 'ole';
    return undefined;
  } finally {
    await file.close();
  }
}
