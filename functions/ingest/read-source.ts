import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteIdent, quoteLiteral } from '#platform/duckdb/duckdb.ts';
import { isIdentifier, toIdentifier } from '#platform/identifiers.ts';
import { parseFirstRecord, readCsvHeader } from './csv-header.ts';
import { csvLineMap, recordNumbers, type LineMap } from './line-numbers.ts';

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
  /** Line numbers, worked out only when asked (i.e. when some row is quarantined). */
  lines(): Promise<LineMap>;
}

export type ReadResult = { source: Source } | { fileError: string };

/**
 * Names DuckDB gives the hive partition folders (`month=2024-01`, `snapshot=...`): a column
 * of the same name would be shadowed by the folder's value when the lake is read with
 * `hive_partitioning = true`, so such a column is renamed `<name>_value`.
 */
const PARTITION_NAMES = new Set(['month', 'snapshot']);

export function formatOf(key: string): { format: SourceFormat; gzip: boolean; tsv: boolean } {
  const lower = key.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const name = gzip ? lower.slice(0, -3) : lower;
  const ext = name.slice(name.lastIndexOf('.') + 1);
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return { format: 'json', gzip, tsv: false };
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

async function readCsv(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  tsv: boolean,
  scratch: (what: string) => string,
): Promise<ReadResult> {
  const header = await readCsvHeader(path, tsv);
  if (header.kind === 'empty') return { fileError: `${key} is empty: no header and no rows` };
  if (header.kind === 'blank-first-line') {
    return { fileError: `${key}: line 1 is blank; the header must be on line 1` };
  }
  if (header.kind === 'unterminated') {
    return {
      fileError: `${key}: the header (line 1) does not end: a quote is left open, or it is longer than 1 MB`,
    };
  }
  const { delimiter, names: rawNames } = header;
  const rejects = scratch('rejects');
  const scans = scratch('scans');
  const columns = rawNames.map((_, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  await duck.run(
    `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_csv(${quoteLiteral(path)},
       delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"', header = true,
       auto_detect = false, columns = {${columns}},
       store_rejects = true, rejects_table = ${quoteLiteral(rejects)}, rejects_scan = ${quoteLiteral(scans)})`,
  );
  const [{ rows }] = (await duck.all(`SELECT count(*) AS rows FROM ${quoteIdent(table)}`)) as [
    { rows: number },
  ];
  const rejected = await duck.all(
    `SELECT line, first(column_name ORDER BY column_idx) AS column_name,
            first(error_type ORDER BY column_idx) AS error_type, first(csv_line) AS csv_line,
            first(error_message ORDER BY column_idx) AS message
       FROM ${quoteIdent(rejects)} GROUP BY line ORDER BY line`,
  );
  await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects)}`);
  await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(scans)}`);
  const named = nameColumns(key, rawNames);
  const unreadable = rejected.map((r) => unreadableRecord(r, named.names, delimiter));
  if (rows === 0 && unreadable.length === 0) {
    return { fileError: `${key} has a header but no data rows` };
  }
  let map: Promise<LineMap> | undefined;
  return {
    source: {
      format: 'csv',
      table,
      header: rawNames,
      ...named,
      rows,
      unreadable,
      lines: () =>
        (map ??= csvLineMap(
          path,
          delimiter,
          rows,
          unreadable.map((u) => u.readerLine),
        )),
    },
  };
}

function unreadableRecord(
  r: Record<string, unknown>,
  names: string[],
  delimiter: string,
): UnreadableRecord {
  const raw = stripNewline(r['csv_line']);
  const expected = names.length;
  // DuckDB stops counting at one field too many; the record's own fields say how many.
  const found = raw === null ? '?' : (parseFirstRecord(raw, delimiter)?.length ?? '?');
  // DuckDB names the column it was reading as `c<index>` (our names for the table).
  const at = /^c(\d+)$/.exec(String(r['column_name']))?.[1];
  const column = at === undefined ? '(row)' : (names[Number(at)] ?? '(row)');
  const base = { readerLine: Number(r['line']), raw };
  switch (r['error_type']) {
    case 'MISSING COLUMNS':
      return {
        ...base,
        column: typeof found === 'number' ? (names[found] ?? column) : column,
        kind: 'too few fields',
        reason: `too few fields: expected ${expected}, found ${found}`,
      };
    case 'TOO MANY COLUMNS':
      return {
        ...base,
        column: `field ${expected + 1}`,
        kind: 'too many fields',
        reason: `too many fields: expected ${expected}, found ${found}`,
      };
    case 'UNQUOTED VALUE':
      return {
        ...base,
        column,
        kind: 'badly quoted value',
        reason: 'badly quoted value: a quote is not closed, or text follows the closing quote',
      };
    case 'INVALID ENCODING':
      return {
        ...base,
        column,
        kind: 'not UTF-8 text',
        reason: 'not UTF-8 text: save the file as UTF-8',
      };
    case 'LINE SIZE OVER MAXIMUM':
      return { ...base, column: '(row)', kind: 'line too long', reason: 'line too long for the reader (over 2 MB)' };
    default:
      return { ...base, column, kind: 'unreadable', reason: String(r['message']) };
  }
}

function stripNewline(value: unknown): string | null {
  return typeof value === 'string' ? value.replace(/^[\r\n]+|[\r\n]+$/g, '') : null;
}

/**
 * Identifiers for the header; a header that gives no name, or gives two columns the same
 * name, makes a header error (the file's rows are still read, so that they can be
 * quarantined rather than lost).
 */
export function nameColumns(key: string, header: string[]): { names: string[]; headerError?: string } {
  const names = header.map((h) => {
    const name = toIdentifier(h);
    return PARTITION_NAMES.has(name) ? `${name}_value` : name;
  });
  const firstOf = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    const raw = header[i]!;
    if (raw.trim() === '' || !isIdentifier(name)) {
      return { names: positional(header), headerError: `${key}: column ${i + 1} of the header has no usable name (${JSON.stringify(raw)})` };
    }
    const earlier = firstOf.get(name);
    if (earlier !== undefined) {
      return {
        names: positional(header),
        headerError: `${key}: header columns ${earlier + 1} (${JSON.stringify(header[earlier])}) and ${i + 1} (${JSON.stringify(raw)}) both name the column ${name}`,
      };
    }
    firstOf.set(name, i);
  }
  return { names };
}

/** Keys for the values of a file whose header is unusable: `1: Name`, `2: Name`. */
function positional(header: string[]): string[] {
  return header.map((h, i) => `${i + 1}: ${h}`);
}

/** JSON (lines or an array of objects) and Parquet: typed by DuckDB, turned back into text. */
async function readTyped(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  format: 'json' | 'parquet',
): Promise<ReadResult> {
  if ((await stat(path)).size === 0) return { fileError: `${key} is empty: no rows` };
  const reader =
    format === 'json'
      ? `read_json(${quoteLiteral(path)}, format = 'auto', records = true, sample_size = -1)`
      : `read_parquet(${quoteLiteral(path)})`;
  let described;
  try {
    described = await duck.all(`DESCRIBE SELECT * FROM ${reader}`);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!.replaceAll(path, key);
    if (/empty|no (data|rows)/i.test(message) && format === 'json') {
      return { fileError: `${key} is empty: no rows` };
    }
    return { fileError: `${key} is not readable as ${format === 'json' ? 'JSON' : 'Parquet'}: ${message}` };
  }
  const header = described.map((d) => String(d['column_name']));
  const casts = described.map((d, i) => {
    const column = quoteIdent(String(d['column_name']));
    const type = String(d['column_type']);
    const text =
      type === 'VARCHAR'
        ? column
        : type === 'JSON'
          ? `json_extract_string(${column}, '$')`
          : /STRUCT|MAP|\[\]|UNION/.test(type)
            ? `CAST(to_json(${column}) AS VARCHAR)`
            : `CAST(${column} AS VARCHAR)`;
    return `${text} AS ${quoteIdent(`c${i}`)}`;
  });
  try {
    await duck.run(`CREATE TABLE ${quoteIdent(table)} AS SELECT ${casts.join(', ')} FROM ${reader}`);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!.replaceAll(path, key);
    return { fileError: `${key} is not readable as ${format === 'json' ? 'JSON' : 'Parquet'}: ${message}` };
  }
  const [{ rows }] = (await duck.all(`SELECT count(*) AS rows FROM ${quoteIdent(table)}`)) as [
    { rows: number },
  ];
  if (rows === 0) return { fileError: `${key} has no rows` };
  return {
    source: {
      format,
      table,
      header,
      ...nameColumns(key, header),
      rows,
      unreadable: [],
      lines: () => Promise.resolve(recordNumbers()),
    },
  };
}
