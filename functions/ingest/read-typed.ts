import { stat } from 'node:fs/promises';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { nameColumns } from './column-names.ts';
import { jsonLineMap, recordNumbers } from './line-numbers.ts';
import type { ReadResult } from './read-source.ts';

/** JSON (lines or an array of objects) and Parquet: typed by DuckDB, turned back into text. */
export async function readTyped(
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
    return {
      fileError: `${key} is not readable as ${format === 'json' ? 'JSON' : 'Parquet'}: ${message}`,
    };
  }
  const header = described.map((d) => String(d['column_name']));
  const casts = described.map((d, i) => {
    // By position: a name from the file never goes into the SQL before it is an identifier.
    const column = `#${i + 1}`;
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
    await duck.run(
      `CREATE TABLE ${quoteIdent(table)} AS SELECT ${casts.join(', ')} FROM ${reader}`,
    );
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!.replaceAll(path, key);
    return {
      fileError: `${key} is not readable as ${format === 'json' ? 'JSON' : 'Parquet'}: ${message}`,
    };
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
      lines: () => (format === 'json' ? jsonLineMap(path) : Promise.resolve(recordNumbers())),
    },
  };
}
