import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
} from '@aws-sdk/client-athena';
import { TransientError } from '../errors.ts';
import type { QueryEngine, QueryOptions, Row, Scalar } from '../ports.ts';
import { isRetryableAwsError } from './retry.ts';

export interface AthenaOptions {
  workGroup: string;
  database: string;
  /** Give up (and stop the query) after this long. @default 300_000 */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How old a result Athena may reuse, for a query with a reuse scope: the most it allows
 * (7 days). Safe at any age, because the scope is the run's data version: changed data
 * makes a different query string, and Athena reuses only an exact match of the string
 * (https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html).
 */
export const RESULT_REUSE_MAX_AGE_MINUTES = 10_080;

/** Leads the query string, so that the scope is part of what Athena matches. */
function scoped(sql: string, options: QueryOptions | undefined): string {
  const scope = options?.reuseScope;
  if (scope === undefined) return sql;
  // Inside a comment: a line break would end it and let the rest run as SQL.
  if (!/^[\w-]{1,128}$/.test(scope))
    throw new Error(`Invalid query reuse scope ${JSON.stringify(scope)}`);
  return `-- data version ${scope}\n${sql}`;
}

/** Athena over the Glue tables: the same SQL as the local DuckDB views. */
export function athenaQueryEngine(athena: AthenaClient, options: AthenaOptions): QueryEngine {
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const timeoutMs = options.timeoutMs ?? 300_000;
  const engine: QueryEngine = {
    dialect: 'trino',
    query: async (sql, queryOptions) => (await engine.queryWithStats!(sql, queryOptions)).rows,
    async queryWithStats(sql, queryOptions) {
      const reuse = queryOptions?.reuseScope !== undefined;
      const started = await retryable(() =>
        athena.send(
          new StartQueryExecutionCommand({
            QueryString: scoped(sql, queryOptions),
            WorkGroup: options.workGroup,
            QueryExecutionContext: { Database: options.database },
            ...(reuse
              ? {
                  ResultReuseConfiguration: {
                    ResultReuseByAgeConfiguration: {
                      Enabled: true,
                      MaxAgeInMinutes: RESULT_REUSE_MAX_AGE_MINUTES,
                    },
                  },
                }
              : {}),
          }),
        ),
      );
      const id = started.QueryExecutionId!;
      const deadline = Date.now() + timeoutMs;
      let bytesScanned = 0;
      for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
        const { QueryExecution } = await retryable(() =>
          athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
        );
        const state = QueryExecution?.Status?.State;
        if (state === 'SUCCEEDED') {
          bytesScanned = QueryExecution?.Statistics?.DataScannedInBytes ?? 0;
          break;
        }
        if (state === 'FAILED' || state === 'CANCELLED') {
          throw new Error(
            `Athena query ${id} ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`,
          );
        }
        if (Date.now() > deadline) {
          await retryable(() =>
            athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
          );
          throw new TransientError(
            `Athena query ${id} did not finish within ${timeoutMs} ms and was stopped`,
          );
        }
        await sleep(delay);
      }
      const rows: Row[] = [];
      let columns: ColumnInfo[] = [];
      let token: string | undefined;
      let first = true;
      do {
        const page = await retryable(() =>
          athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token })),
        );
        columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? columns;
        const data = page.ResultSet?.Rows ?? [];
        // The first row of the first page repeats the column names.
        for (const r of first ? data.slice(1) : data) {
          const row: Row = {};
          columns.forEach((c, i) => (row[c.Name!] = convert(r.Data?.[i]?.VarCharValue, c.Type)));
          rows.push(row);
        }
        first = false;
        token = page.NextToken;
      } while (token);
      return { rows, bytesScanned };
    },
  };
  return engine;
}

function convert(value: string | undefined, type: string | undefined): Scalar {
  if (value === undefined) return null;
  switch (type) {
    case 'bigint':
      // Beyond 2^53 a JavaScript number loses digits: keep the exact text.
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'float':
    case 'real':
    case 'double':
    case 'decimal':
      return Number(value);
    case 'boolean':
      return value === 'true';
    case 'timestamp':
      return value.replace(' ', 'T');
    default:
      return value;
  }
}

/**
 * Throttling and other retryable SDK errors become TransientError, which the workflow
 * retries. No retry loop here: the Athena client keeps the SDK's own retries.
 */
async function retryable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isRetryableAwsError(error)) {
      const e = error as { name?: string; message?: string };
      throw new TransientError(`Athena is busy (${e.name}): ${e.message ?? ''}`, { cause: error });
    }
    throw error;
  }
}
