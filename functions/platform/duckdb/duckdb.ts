import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDb, Row, Scalar } from '../ports.ts';

export interface DuckDbOptions {
  /** Worker threads; Lambda wants this at its vCPU count. */
  threads?: number;
  memoryLimit?: string;
  tempDirectory?: string;
}

/** Opens an in-memory DuckDB: ingest uses it in both runtimes, and it stands in for Athena locally. */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<DuckDb> {
  const config: Record<string, string> = {
    // Never reach for the network: an extension that is not built in fails at once.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
  };
  if (options.threads) config['threads'] = String(options.threads);
  if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
  if (options.tempDirectory) config['temp_directory'] = options.tempDirectory;
  // Loaded on first use: in Lambda only the ingest function carries the native binding (a layer).
  const duckdb = await import('@duckdb/node-api');
  const instance = await duckdb.DuckDBInstance.create(':memory:', config);
  const connection: DuckDBConnection = await instance.connect();
  // One connection serialises statements; callers may overlap (Map concurrency), so queue them.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    run: (sql) =>
      serial(async () => {
        await connection.run(sql);
      }),
    all: (sql) =>
      serial(async () => {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowObjects().map((raw) => toRow(raw, duckdb));
      }),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** BIGINT and DECIMAL become numbers, dates and timestamps ISO-like strings, lists JSON. */
function toRow(raw: Record<string, unknown>, duckdb: DuckDbModule): Row {
  const row: Row = {};
  for (const [name, value] of Object.entries(raw)) row[name] = toScalar(value, duckdb);
  return row;
}

type DuckDbModule = typeof import('@duckdb/node-api');

function toScalar(value: unknown, duckdb: DuckDbModule): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  // Beyond 2^53 a JavaScript number loses digits: such a value comes back as its exact text.
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof duckdb.DuckDBDecimalValue) return value.toDouble();
  if (value instanceof duckdb.DuckDBTimestampValue) return String(value).replace(' ', 'T');
  return String(value);
}
