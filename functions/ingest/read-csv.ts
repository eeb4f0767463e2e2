import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { nameColumns } from './column-names.ts';
import { parseFirstRecord, readCsvHeader } from './csv-header.ts';
import { csvLineMap, type LineMap } from './line-numbers.ts';
import type { ReadResult, UnreadableRecord } from './read-source.ts';

/** A header field made only of digits, signs, separators and spaces is a value, not a name. */
const LOOKS_LIKE_DATA = /^[\s\d.,:;/+-]+$/;

/** How a CSV file is laid out: its delimiter and the header's fields. */
export interface CsvLayout {
  delimiter: string;
  header: string[];
}

/** The header, or the file error that stops the file being read at all. */
export async function csvLayout(
  key: string,
  path: string,
  tsv: boolean,
): Promise<CsvLayout | { fileError: string }> {
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
  const { delimiter, names } = header;
  if (names.every((name) => LOOKS_LIKE_DATA.test(name))) {
    return {
      fileError: `${key}: line 1 holds values (${JSON.stringify(names.join(delimiter).slice(0, 80))}), not column names; the file needs a header row naming its columns`,
    };
  }
  return { delimiter, header: names };
}

/**
 * DuckDB's reader of the rows, every column VARCHAR under positional names `c0`, `c1`, ...
 * `strict` refuses malformed records (into the rejects tables, when given); otherwise
 * they are skipped. A value that does not fit a DOUBLE column is a rejected record too.
 */
export function csvReader(
  path: string,
  layout: CsvLayout,
  options: {
    strict: boolean;
    rejects?: { table: string; scan: string };
    /** Positions of columns read as DOUBLE by the reader itself (the rest are VARCHAR). */
    doubles?: ReadonlySet<number>;
  },
): string {
  const columns = layout.header
    .map((_, i) => `${quoteLiteral(`c${i}`)}: '${options.doubles?.has(i) ? 'DOUBLE' : 'VARCHAR'}'`)
    .join(', ');
  const rejects = options.rejects
    ? `store_rejects = true, rejects_table = ${quoteLiteral(options.rejects.table)}, rejects_scan = ${quoteLiteral(options.rejects.scan)}`
    : 'ignore_errors = true';
  return `read_csv(${quoteLiteral(path)},
         delim = ${quoteLiteral(layout.delimiter)}, quote = '"', escape = '"', header = true,
         auto_detect = false, columns = {${columns}}, strict_mode = ${options.strict}, ${rejects})`;
}

/**
 * CSV and TSV: the header parsed here (delimiter, names), the rows by DuckDB's `read_csv`
 * with every column VARCHAR (nothing lost to DuckDB's own casting) under positional names
 * `c0`, `c1`, ... Records that do not split into the header's fields go to a rejects table
 * and become unreadable records (quarantined whole, with DuckDB's reason made plain).
 */
export async function readCsv(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  tsv: boolean,
  scratch: (what: string) => string,
): Promise<ReadResult> {
  const layout = await csvLayout(key, path, tsv);
  if ('fileError' in layout) return layout;
  const { delimiter, header: rawNames } = layout;
  const rejects = { table: scratch('rejects'), scan: scratch('scans') };
  let read = path;
  const warnings: string[] = [];
  const load = () =>
    duck.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(table)} AS SELECT * FROM ${csvReader(read, layout, { strict: true, rejects })}`,
    );
  const failure = (error: unknown) =>
    (error as Error).message.split('\n')[0]!.replaceAll(read, key).replaceAll(path, key);
  try {
    await load();
  } catch (error) {
    // Mixed line ends (a header written with \n above rows with \r\n, as when files are
    // concatenated) stop the strict parser as a whole. Its lenient mode would read them but
    // cut or pad records without a word; so the line ends are made alike in a copy (each
    // line stays a line: line numbers hold) and the strict parser reads that. Any other
    // failure is the file's, said plainly.
    if (!/invalid state/i.test(failure(error))) {
      return { fileError: `${key} could not be read as CSV: ${failure(error)}` };
    }
    read = `${path}.lf`;
    await crlfToLf(path, read);
    warnings.push('line ends were mixed (\\n and \\r\\n): read with every \\r\\n as \\n');
    try {
      await load();
    } catch (again) {
      return { fileError: `${key} could not be read as CSV: ${failure(again)}` };
    }
  }
  const [{ rows }] = (await duck.all(`SELECT count(*) AS rows FROM ${quoteIdent(table)}`)) as [
    { rows: number },
  ];
  const rejected = await duck.all(
    `SELECT line, first(column_name ORDER BY column_idx) AS column_name,
            first(error_type ORDER BY column_idx) AS error_type, first(csv_line) AS csv_line,
            first(error_message ORDER BY column_idx) AS message
       FROM ${quoteIdent(rejects.table)} GROUP BY line ORDER BY line`,
  );
  await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.table)}`);
  await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(rejects.scan)}`);
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
      ...(warnings.length ? { warnings } : {}),
      lines: () =>
        (map ??= csvLineMap(
          read,
          delimiter,
          rows,
          unreadable.map((u) => u.readerLine),
          rawNames.length === 1,
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
      return {
        ...base,
        column: '(row)',
        kind: 'line too long',
        reason: 'line too long for the reader (over 2 MB)',
      };
    default:
      return { ...base, column, kind: 'unreadable', reason: String(r['message']) };
  }
}

function stripNewline(value: unknown): string | null {
  return typeof value === 'string' ? value.replace(/^[\r\n]+|[\r\n]+$/g, '') : null;
}

/** A copy of the file with each `\r\n` as `\n` (a lone `\r` is left alone), streamed. */
async function crlfToLf(from: string, to: string): Promise<void> {
  let pendingCr = false;
  await pipeline(
    createReadStream(from, { highWaterMark: 1 << 20 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        let text = chunk.toString('latin1');
        if (pendingCr) text = '\r' + text;
        pendingCr = text.endsWith('\r');
        if (pendingCr) text = text.slice(0, -1);
        yield Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1');
      }
      if (pendingCr) yield Buffer.from('\r', 'latin1');
    },
    createWriteStream(to),
  );
}
