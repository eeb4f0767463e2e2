import { stat } from 'node:fs/promises';
import type { DuckDb, Row } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { nameColumns } from './column-names.ts';
import { sortedLineMap, sortJsonLines } from './json-lines.ts';
import { jsonLineMap, recordNumbers } from './line-numbers.ts';
import type { ReadResult } from './read-source.ts';

/**
 * DuckDB reads a JSON value whole when it is one object (`{"data": [...]}`), and refuses one
 * over `maximum_object_size` (16 MB by default): such a file is read again with the limit
 * raised to its size, up to this many bytes (it is parsed in memory).
 */
const WRAPPED_JSON_MAX_BYTES = 256 << 20;

/**
 * JSON (lines, an array of objects, or one object wrapping such an array) and Parquet: typed
 * by DuckDB, turned back into text (nested values as JSON text). JSON Lines with malformed
 * lines: those lines are quarantined whole, the others read.
 */
export async function readTyped(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  format: 'json' | 'parquet',
  scratch: (what: string) => string,
): Promise<ReadResult> {
  if ((await stat(path)).size === 0) return { fileError: `${key} is empty: no rows` };
  const whole = await loadTyped(duck, key, path, table, format);
  // A line that is valid JSON but no object (`"x"`, `[1]`) is as bad a record as a malformed one.
  if (!('fileError' in whole) || !/Malformed JSON|non-record JSON/.test(whole.fileError))
    return whole;
  const clean = `${path}.clean`;
  const sorted = await sortJsonLines(duck, path, clean, scratch('lines')).catch(() => undefined);
  if (!sorted) return whole;
  const read = await loadTyped(duck, key, clean, table, 'json');
  // Anything but the good lines' records, one each, and the file's own error stands.
  if ('fileError' in read || read.source.rows !== sorted.good.length) return whole;
  const map = sortedLineMap(sorted.good);
  return {
    source: { ...read.source, unreadable: sorted.bad, lines: () => Promise.resolve(map) },
  };
}

async function loadTyped(
  duck: DuckDb,
  key: string,
  path: string,
  table: string,
  format: 'json' | 'parquet',
): Promise<ReadResult> {
  const size = (await stat(path)).size;
  const fail = (error: unknown) => {
    const message = (error as Error).message.split('\n')[0]!.replaceAll(path, key);
    if (/empty|no (data|rows)/i.test(message) && format === 'json') {
      return { fileError: `${key} is empty: no rows` };
    }
    return {
      fileError: `${key} is not readable as ${format === 'json' ? 'JSON' : 'Parquet'}: ${message}`,
    };
  };
  let reader = format === 'json' ? jsonReader(path) : `read_parquet(${quoteLiteral(path)})`;
  let described: Row[];
  try {
    described = await duck.all(`DESCRIBE SELECT * FROM ${reader}`);
  } catch (error) {
    if (format !== 'json' || !/maximum_object_size/.test((error as Error).message))
      return fail(error);
    if (size > WRAPPED_JSON_MAX_BYTES) {
      return {
        fileError: `${key} is one JSON value of ${Math.round(size / 2 ** 20)} MB, over the ${WRAPPED_JSON_MAX_BYTES / 2 ** 20} MB that can be read whole: save the records as JSON Lines (one object a line) or as a top-level array`,
      };
    }
    reader = jsonReader(path, size + 1);
    try {
      described = await duck.all(`DESCRIBE SELECT * FROM ${reader}`);
    } catch (again) {
      return fail(again);
    }
  }
  const warnings: string[] = [];
  let records = format === 'parquet';
  const wrapped = format === 'json' ? await wrappedArray(duck, reader, described) : undefined;
  let rows: number;
  try {
    if (wrapped) {
      // One object holding the records in an array: the records are its array's items.
      reader = `(SELECT unnest(r) FROM (SELECT unnest(#${wrapped.index + 1}) AS r FROM ${reader}))`;
      described = await duck.all(`DESCRIBE SELECT * FROM ${reader}`);
      records = true;
    }
    rows = await load(duck, reader, described, table);
  } catch (error) {
    return fail(error);
  }
  if (wrapped) {
    const { name, others } = wrapped;
    warnings.push(
      `the file is one JSON object: read the ${rows} records of its array ${JSON.stringify(name)}${others.length ? `; its other keys (${others.join(', ')}) are ignored` : ''}`,
    );
  }
  const header = described.map((d) => String(d['column_name']));
  if (rows === 0) return { fileError: `${key} has no rows` };
  return {
    source: {
      format,
      table,
      header,
      ...nameColumns(key, header),
      rows,
      unreadable: [],
      ...(warnings.length ? { warnings } : {}),
      lines: () => (records ? Promise.resolve(recordNumbers()) : jsonLineMap(path)),
    },
  };
}

function jsonReader(path: string, maximumObjectSize?: number): string {
  const limit = maximumObjectSize ? `, maximum_object_size = ${maximumObjectSize}` : '';
  return `read_json(${quoteLiteral(path)}, format = 'auto', records = true, sample_size = -1${limit})`;
}

/** Creates `table` from `reader`, every column as text `c0`, `c1`, ... in the file's order. */
async function load(
  duck: DuckDb,
  reader: string,
  described: Row[],
  table: string,
): Promise<number> {
  const casts = described.map((d, i) => {
    // By position: a name from the file never goes into the SQL before it is an identifier.
    return `${asText(`#${i + 1}`, String(d['column_type']))} AS ${quoteIdent(`c${i}`)}`;
  });
  await duck.run(`CREATE TABLE ${quoteIdent(table)} AS SELECT ${casts.join(', ')} FROM ${reader}`);
  const [{ rows }] = (await duck.all(`SELECT count(*) AS rows FROM ${quoteIdent(table)}`)) as [
    { rows: number },
  ];
  return rows;
}

function asText(column: string, type: string): string {
  if (type === 'VARCHAR') return column;
  if (type === 'JSON') return `json_extract_string(${column}, '$')`;
  if (/STRUCT|MAP|\[\]|UNION/.test(type)) return `CAST(to_json(${column}) AS VARCHAR)`;
  // An instant, written in UTC with `Z`: the session's time zone must not change the text.
  if (type === 'TIMESTAMP WITH TIME ZONE')
    return `CAST(timezone('UTC', ${column}) AS VARCHAR) || 'Z'`;
  return `CAST(${column} AS VARCHAR)`;
}

/**
 * The one column that is an array of objects, when the file is a single record: a JSON
 * export wrapping its records (`{"count": 2, "data": [...]}`). A file that is one record
 * holding one array of objects (an order and its lines) reads the same way: it is said in
 * the warning.
 */
async function wrappedArray(
  duck: DuckDb,
  reader: string,
  described: Row[],
): Promise<{ index: number; name: string; others: string[] } | undefined> {
  const types = described.map((d) => String(d['column_type']));
  const arrays = types.flatMap((t, i) => (/^STRUCT\(.*\)\[\]$/.test(t) ? [i] : []));
  if (arrays.length !== 1) return undefined;
  // Stops at the second record: cheap for JSON Lines, however long.
  const [{ n }] = (await duck.all(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${reader} LIMIT 2)`,
  )) as [{ n: number }];
  if (Number(n) !== 1) return undefined;
  const index = arrays[0]!;
  const names = described.map((d) => String(d['column_name']));
  return { index, name: names[index]!, others: names.filter((_, i) => i !== index) };
}
