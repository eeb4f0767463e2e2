import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type GetQueryExecutionCommandInput,
  type GetQueryResultsCommandInput,
  type QueryExecutionState,
  type StartQueryExecutionCommandInput,
  type StopQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import type { Table } from '@aws-sdk/client-glue';
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { decodePrestoView, PRESTO_VIEW_PARAMETERS } from '#platform/aws/glue-view.ts';
import type { FakeGlue } from './fake-aws-services.ts';
import type { FakeS3Bucket } from './fake-s3.ts';

/**
 * Athena behind `mockClient(AthenaClient)`, executing each query on DuckDB over the Parquet
 * that the fake S3 bucket holds, through the tables the fake Glue catalog holds: a table is
 * its Glue columns (cast to their Glue types; a column no file has reads as NULL), its
 * partition key as text and the Hive connector's `"$path"` (each row's `s3://` URI), over the
 * files under its location. A Presto view (a VIRTUAL_VIEW with `presto_view` and `comment`
 * set as Trino reads them) is its decoded `originalSql`, with the same translations as a
 * query, checked against its declared columns as Athena checks a view for staleness.
 *
 * What it models of Athena: the workgroup and database checks, QUEUED/RUNNING before the end
 * state (`runningPolls`), FAILED with a StateChangeReason (`failWhen`, an unknown function or
 * table, a Parquet type that does not match the table's), StopQueryExecution, bytes scanned in
 * the statistics, and GetQueryResults as Athena pages it: every value as text, the column
 * names (lower-cased) repeated as the first row of the first page, `NextToken` until the
 * last page. Trino's names of the engine-specific functions are translated narrowly
 * (`TRANSLATIONS`); every translated query is recorded.
 *
 * What it does not: `"$path"` is a visible column here (Trino hides it from `SELECT *`);
 * bytes scanned are the whole size of the files of every table the query names, directly or
 * through views (Athena reads only the columns and row groups it needs, so it reports less);
 * `approx_percentile` is exact here; results are not written to S3; no query queues
 * behind the workgroup's concurrency limit.
 */
export interface FakeAthenaOptions {
  bucket: FakeS3Bucket;
  glue: FakeGlue;
  workGroup: string;
  /** Scratch folder for the Parquet files DuckDB reads. */
  workDir: string;
  /** Rows per GetQueryResults page, the header row included on the first. @default 1000 */
  pageSize?: number;
}

export interface FakeQuery {
  id: string;
  /** The SQL as the client sent it (Trino). */
  sql: string;
  /** The SQL DuckDB ran, where a translation changed it. */
  translated?: string;
  state: QueryExecutionState;
  reason?: string;
  bytesScanned: number;
  /** GetQueryExecution calls so far, and how many of them see the query unfinished. */
  polls: number;
  runningPolls: number;
  columns: ColumnInfo[];
  rows: (string | undefined)[][];
  /** GetQueryResults calls answered. */
  pagesRead: number;
  /** The earlier query whose result answered this one (result reuse): nothing was scanned. */
  reusedFrom?: string;
}

/** The Trino functions DuckDB spells differently, as `functions/query/dialect.ts` uses them. */
export const TRANSLATIONS: { trino: RegExp; duckdb: string; note: string }[] = [
  {
    trino: /\bapprox_percentile\s*\(/gi,
    duckdb: 'quantile_cont(',
    note: 'approx_percentile -> quantile_cont (exact here, approximate on Athena)',
  },
  {
    trino: /\bdate_format\s*\(/gi,
    duckdb: 'strftime(',
    note: 'date_format -> strftime (same %Y, %m, %d)',
  },
];

export class FakeAthena {
  readonly queries: FakeQuery[] = [];
  /** A reason makes the query FAILED with it (Athena's StateChangeReason). */
  failWhen: (sql: string, index: number) => string | undefined = () => undefined;
  /** How many GetQueryExecution calls see the query QUEUED or RUNNING first. */
  runningPolls: (sql: string, index: number) => number = () => 0;

  private readonly pageSize: number;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  private signature = '';
  /** Why each table cannot be read (a file's column type that is not the table's). */
  private broken = new Map<string, string>();
  private fileSizes = new Map<string, number>();

  private constructor(
    private readonly options: FakeAthenaOptions,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  static async open(options: FakeAthenaOptions): Promise<FakeAthena> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      threads: '2',
    });
    return new FakeAthena(options, instance, await instance.connect());
  }

  install(athena: AwsClientStub<AthenaClient>): this {
    athena
      .on(StartQueryExecutionCommand)
      .callsFake(async (input: StartQueryExecutionCommandInput) =>
        this.serial(() => this.start(input)),
      );
    athena
      .on(GetQueryExecutionCommand)
      .callsFake(async (input: GetQueryExecutionCommandInput) => this.execution(input));
    athena
      .on(GetQueryResultsCommand)
      .callsFake(async (input: GetQueryResultsCommandInput) => this.results(input));
    athena
      .on(StopQueryExecutionCommand)
      .callsFake(async (input: StopQueryExecutionCommandInput) => {
        const query = this.find(input.QueryExecutionId);
        if (query.polls < query.runningPolls) {
          query.state = 'CANCELLED';
          query.runningPolls = 0;
        }
        return {};
      });
    return this;
  }

  /** Bytes scanned by the queries that succeeded, as their statistics said. */
  totalBytesScanned(): number {
    return this.queries
      .filter((q) => q.state === 'SUCCEEDED')
      .reduce((n, q) => n + q.bytesScanned, 0);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** One statement at a time on the one connection (the Map state runs analyses at once). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async start(input: StartQueryExecutionCommandInput) {
    if (input.WorkGroup !== this.options.workGroup)
      throw new InvalidRequestException({
        message: `WorkGroup ${input.WorkGroup} is not found.`,
        $metadata: { httpStatusCode: 400 },
      });
    const index = this.queries.length;
    const sql = input.QueryString ?? '';
    const query: FakeQuery = {
      id: `00000000-fake-4000-8000-${String(index + 1).padStart(12, '0')}`,
      sql,
      state: 'SUCCEEDED',
      bytesScanned: 0,
      polls: 0,
      runningPolls: this.runningPolls(sql, index),
      columns: [],
      rows: [],
      pagesRead: 0,
    };
    this.queries.push(query);
    const fail = (reason: string) => {
      query.state = 'FAILED';
      query.reason = reason;
      return { QueryExecutionId: query.id };
    };
    const database = input.QueryExecutionContext?.Database;
    if (database !== this.options.glue.database)
      return fail(`SCHEMA_NOT_FOUND: line 1:1: Schema '${database}' does not exist`);
    const injected = this.failWhen(sql, index);
    if (injected) return fail(injected);

    // Result reuse as Athena documents it: the same query string in the same workgroup and
    // database, whose result is young enough (every result here is), answers without a scan.
    const reuse = input.ResultReuseConfiguration?.ResultReuseByAgeConfiguration;
    const earlier = reuse?.Enabled
      ? this.queries.findLast((q) => q !== query && q.sql === sql && q.state === 'SUCCEEDED')
      : undefined;
    if (earlier) {
      Object.assign(query, {
        columns: earlier.columns,
        rows: earlier.rows,
        reusedFrom: earlier.id,
      });
      return { QueryExecutionId: query.id };
    }

    await this.refresh();
    const tables = this.tablesNamed(sql);
    for (const t of tables) {
      const problem = this.broken.get(t.Name!);
      if (problem) return fail(problem);
    }
    const ran = translate(sql);
    if (ran !== sql) query.translated = ran;
    try {
      const reader = await this.connection.runAndReadAll(ran);
      const types = reader.columnTypes();
      query.columns = reader.columnNames().map((name, i) => columnInfo(name, i, types[i]!));
      query.rows = reader.getRows().map((row) => row.map((v, i) => text(v, types[i]!)));
    } catch (error) {
      // Athena names the kind of error first; DuckDB's message says what the engine found.
      return fail(`GENERIC_USER_ERROR: ${(error as Error).message.split('\n')[0]}`);
    }
    query.bytesScanned = tables.reduce((n, t) => n + this.tableBytes(t), 0);
    return { QueryExecutionId: query.id };
  }

  private execution(input: GetQueryExecutionCommandInput) {
    const query = this.find(input.QueryExecutionId);
    query.polls++;
    const state: QueryExecutionState =
      query.polls <= query.runningPolls ? (query.polls === 1 ? 'QUEUED' : 'RUNNING') : query.state;
    const done = state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
    return {
      QueryExecution: {
        QueryExecutionId: query.id,
        Query: query.sql,
        StatementType: 'DML',
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.glue.database },
        Status: {
          State: state,
          ...(state === 'FAILED' || state === 'CANCELLED'
            ? { StateChangeReason: query.reason ?? 'Query was cancelled' }
            : {}),
        },
        ...(done
          ? {
              Statistics: {
                DataScannedInBytes: state === 'SUCCEEDED' ? query.bytesScanned : 0,
                EngineExecutionTimeInMillis: 1,
                ResultReuseInformation: { ReusedPreviousResult: query.reusedFrom !== undefined },
              },
            }
          : {}),
      },
    };
  }

  private results(input: GetQueryResultsCommandInput) {
    const query = this.find(input.QueryExecutionId);
    if (query.state !== 'SUCCEEDED' || query.polls <= query.runningPolls)
      throw new InvalidRequestException({
        message: `Query has not yet finished. Current state: ${query.polls <= query.runningPolls ? 'RUNNING' : query.state}`,
        $metadata: { httpStatusCode: 400 },
      });
    const size = Math.min(input.MaxResults ?? 1000, this.pageSize);
    // Position in the rows with the header row counted: 0 is the header.
    let from = 0;
    if (input.NextToken) {
      const [id, at] = Buffer.from(input.NextToken, 'base64url').toString().split('/');
      if (id !== query.id)
        throw new InvalidRequestException({
          message: 'NextToken is invalid',
          $metadata: { httpStatusCode: 400 },
        });
      from = Number(at);
    }
    query.pagesRead++;
    const header = query.columns.map((c) => c.Name);
    const all = [header, ...query.rows];
    const page = all.slice(from, from + size);
    const next = from + size < all.length ? from + size : undefined;
    return {
      UpdateCount: 0,
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: query.columns },
        Rows: page.map((row) => ({
          Data: row.map((v) => (v === undefined ? {} : { VarCharValue: v })),
        })),
      },
      ...(next === undefined
        ? {}
        : { NextToken: Buffer.from(`${query.id}/${next}`).toString('base64url') }),
    };
  }

  private find(id: string | undefined): FakeQuery {
    const query = this.queries.find((q) => q.id === id);
    if (!query)
      throw new InvalidRequestException({
        message: `QueryExecution ${id} was not found`,
        $metadata: { httpStatusCode: 400 },
      });
    return query;
  }

  /** The tables and views the SQL names, and those the views name, each once. */
  private tablesNamed(sql: string, seen = new Set<string>()): Table[] {
    const found: Table[] = [];
    for (const t of this.options.glue.tables.values()) {
      if (seen.has(t.Name!) || !names(sql, t.Name!)) continue;
      seen.add(t.Name!);
      found.push(t);
      if (t.TableType === 'VIRTUAL_VIEW' && t.ViewOriginalText) {
        try {
          found.push(...this.tablesNamed(decodePrestoView(t.ViewOriginalText).originalSql, seen));
        } catch {
          // Not a Presto view: `broken` says why.
        }
      }
    }
    return found;
  }

  /** The S3 prefix of a table, if it points into the fake bucket. */
  private prefixOf(table: Table): string | undefined {
    const location = table.StorageDescriptor?.Location ?? '';
    const root = `s3://${this.options.bucket.name}/`;
    return location.startsWith(root) ? location.slice(root.length) : undefined;
  }

  private filesOf(table: Table): string[] {
    const prefix = this.prefixOf(table);
    if (prefix === undefined) return [];
    // Partition folders below the location (`month=2024-01/`), files within; Athena skips
    // objects whose names start with `_` or `.`.
    return this.options.bucket
      .keys(prefix)
      .filter((k) => /^[^/]+=[^/]+\/[^/_.][^/]*$/.test(k.slice(prefix.length)));
  }

  private tableBytes(table: Table): number {
    return this.filesOf(table).reduce((n, k) => n + (this.fileSizes.get(k) ?? 0), 0);
  }

  /** Makes the views anew when the tables or the files under them changed. */
  private async refresh(): Promise<void> {
    const tables = [...this.options.glue.tables.values()];
    const signature = JSON.stringify(
      tables.map((t) => [
        t.Name,
        t.VersionId,
        this.filesOf(t).map((k) => [k, this.options.bucket.current(k)!.etag]),
      ]),
    );
    if (signature === this.signature) return;
    const dir = join(this.options.workDir, `lake-${++this.generation}`);
    this.broken = new Map();
    this.fileSizes = new Map();
    for (const table of tables.filter((t) => t.TableType !== 'VIRTUAL_VIEW')) {
      const files = this.filesOf(table);
      for (const key of files) {
        const body = this.options.bucket.current(key)!.body;
        this.fileSizes.set(key, body.length);
        await mkdir(dirname(join(dir, key)), { recursive: true });
        await writeFile(join(dir, key), body);
      }
      await this.view(
        table,
        files.map((k) => join(dir, k)),
        dir,
      );
    }
    // Views over tables, and over views: each pass makes those whose relations exist.
    let pending = tables.filter((t) => t.TableType === 'VIRTUAL_VIEW');
    while (pending.length > 0) {
      const failed: { table: Table; reason: string }[] = [];
      for (const table of pending) {
        const reason = await this.prestoView(table);
        if (reason) failed.push({ table, reason });
      }
      if (failed.length === pending.length) {
        for (const { table, reason } of failed) this.broken.set(table.Name!, reason);
        break;
      }
      pending = failed.map((f) => f.table);
    }
    if (this.generation > 1)
      await rm(join(this.options.workDir, `lake-${this.generation - 1}`), {
        recursive: true,
        force: true,
      });
    this.signature = signature;
  }

  /**
   * Makes the DuckDB view of a Glue VIRTUAL_VIEW, as Athena reads a Presto view: its flags, its
   * decoded SQL (translated as a query is), and its declared columns, which must be the
   * query's. Returns why it cannot be made, as Athena would say it.
   */
  private async prestoView(table: Table): Promise<string | undefined> {
    const name = table.Name!;
    const where = `awsdatacatalog.${this.options.glue.database}.${name}`;
    const parameters = table.Parameters ?? {};
    if (
      parameters['presto_view'] !== PRESTO_VIEW_PARAMETERS.presto_view ||
      parameters['comment']?.toLowerCase() !== PRESTO_VIEW_PARAMETERS.comment.toLowerCase()
    )
      return `HIVE_VIEW_TRANSLATION_ERROR: Failed to translate Hive view '${this.options.glue.database}.${name}': not a Presto view`;
    let view: ReturnType<typeof decodePrestoView>;
    try {
      view = decodePrestoView(table.ViewOriginalText ?? '');
    } catch (error) {
      return `HIVE_INVALID_VIEW_DATA: ${(error as Error).message}`;
    }
    if (view.catalog !== 'awsdatacatalog' || view.schema !== this.options.glue.database)
      return `INVALID_VIEW: View '${where}' names catalog ${view.catalog} and schema ${view.schema}`;
    try {
      await this.connection.run(
        `CREATE OR REPLACE VIEW ${quote(name)} AS ${translate(view.originalSql)}`,
      );
    } catch (error) {
      return `INVALID_VIEW: Failed analyzing stored view '${where}': ${(error as Error).message.split('\n')[0]}`;
    }
    const reader = await this.connection.runAndReadAll(`DESCRIBE ${quote(name)}`);
    const actual = (reader.getRows() as [string, string][]).map(([column, type]) => [
      column.toLowerCase(),
      type,
    ]);
    const declared = view.columns.map((c) => [c.name.toLowerCase(), trinoDuckType(c.type)]);
    if (JSON.stringify(actual) !== JSON.stringify(declared))
      return `VIEW_IS_STALE: line 1:1: View '${where}' is stale or in invalid state: its query has columns ${JSON.stringify(actual)}, its definition ${JSON.stringify(declared)}`;
    return undefined;
  }

  /** Makes the DuckDB view of a Glue table over its files, copied below `dir`. */
  private async view(table: Table, paths: string[], dir: string): Promise<void> {
    const name = quote(table.Name!);
    const columns = table.StorageDescriptor?.Columns ?? [];
    const partitions = table.PartitionKeys ?? [];
    const nulls = [
      ...[...columns, ...partitions].map(
        (c) => `CAST(NULL AS ${duckType(c.Type!)}) AS ${quote(c.Name!)}`,
      ),
      `CAST(NULL AS VARCHAR) AS "$path"`,
    ];
    if (paths.length === 0) {
      // Athena answers a table with no files with no rows.
      await this.connection.run(
        `CREATE OR REPLACE VIEW ${name} AS SELECT ${nulls.join(', ')} WHERE false`,
      );
      return;
    }
    // Athena reads Parquet columns by name and refuses a file whose column type is not the table's.
    const present = new Set<string>();
    for (const path of paths) {
      const reader = await this.connection.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet(${literal(path)})`,
      );
      for (const [column, type] of reader.getRows() as [string, string][]) {
        present.add(column.toLowerCase());
        const wanted = columns.find((c) => c.Name!.toLowerCase() === column.toLowerCase());
        if (wanted && !(ACCEPTED[wanted.Type!] ?? []).some((t) => type.startsWith(t)))
          this.broken.set(
            table.Name!,
            `HIVE_BAD_DATA: Field ${column}'s type ${type} in parquet file ${path.replace(/^.*\/lake-\d+\//, `s3://${this.options.bucket.name}/`)} is incompatible with type ${wanted.Type} defined in table schema`,
          );
      }
    }
    const list = `[${paths.map(literal).join(', ')}]`;
    const select = [
      ...columns.map((c) =>
        present.has(c.Name!.toLowerCase())
          ? `CAST(${quote(c.Name!)} AS ${duckType(c.Type!)}) AS ${quote(c.Name!)}`
          : `CAST(NULL AS ${duckType(c.Type!)}) AS ${quote(c.Name!)}`,
      ),
      ...partitions.map((p) => `CAST(${quote(p.Name!)} AS VARCHAR) AS ${quote(p.Name!)}`),
      // The object's URI, as the Hive connector's hidden column has it.
      `replace(filename, ${literal(`${dir}/`)}, ${literal(`s3://${this.options.bucket.name}/`)}) AS "$path"`,
    ];
    await this.connection.run(
      `CREATE OR REPLACE VIEW ${name} AS SELECT ${select.join(', ')} FROM read_parquet(${list}, ` +
        `hive_partitioning = true, hive_types_autocast = false, union_by_name = true, filename = true)`,
    );
  }
}

/** The SQL with Trino's spellings of the engine-specific functions made DuckDB's. */
function translate(sql: string): string {
  let ran = sql;
  for (const t of TRANSLATIONS) ran = ran.replace(t.trino, t.duckdb);
  return ran;
}

/** A Trino type of a view's JSON as DuckDB names it (`timestamp` is timestamp(3) on Athena). */
function trinoDuckType(trino: string): string {
  const types: Record<string, string> = {
    varchar: 'VARCHAR',
    bigint: 'BIGINT',
    integer: 'INTEGER',
    double: 'DOUBLE',
    real: 'FLOAT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  };
  return types[trino.toLowerCase()] ?? trino.toUpperCase();
}

/** Whether the SQL names the table (quoted or not). */
function names(sql: string, table: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])"?${table}"?([^A-Za-z0-9_]|$)`, 'i').test(sql);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Glue (Hive) types as DuckDB names them. */
function duckType(glue: string): string {
  const types: Record<string, string> = {
    bigint: 'BIGINT',
    int: 'INTEGER',
    double: 'DOUBLE',
    float: 'FLOAT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    string: 'VARCHAR',
  };
  const type = types[glue.toLowerCase()];
  if (!type) throw new Error(`The fake Athena does not know the Glue type ${glue}`);
  return type;
}

/** Parquet column types (as DuckDB reads them) that a Glue type reads. */
const ACCEPTED: Record<string, string[]> = {
  bigint: ['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT'],
  int: ['INTEGER', 'SMALLINT', 'TINYINT'],
  double: ['DOUBLE', 'FLOAT'],
  float: ['FLOAT'],
  boolean: ['BOOLEAN'],
  date: ['DATE'],
  timestamp: ['TIMESTAMP'],
  string: ['VARCHAR'],
};

/** A result column as Athena describes it: Trino's type name, the name lower-cased. */
function columnInfo(name: string, index: number, type: DuckDBType): ColumnInfo {
  // Trino names an expression with no alias `_colN`; an alias or a column keeps its name.
  const label = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name.toLowerCase() : `_col${index}`;
  const duck = type.toString();
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duck);
  return {
    CatalogName: 'hive',
    Name: label,
    Label: label,
    Type: trinoType(duck),
    Nullable: 'UNKNOWN',
    CaseSensitive: duck === 'VARCHAR',
    ...(decimal ? { Precision: Number(decimal[1]), Scale: Number(decimal[2]) } : {}),
  };
}

function trinoType(duck: string): string {
  if (duck.endsWith('[]')) return 'array';
  if (duck.startsWith('DECIMAL')) return 'decimal';
  if (duck.startsWith('STRUCT')) return 'row';
  if (duck.startsWith('MAP')) return 'map';
  if (duck === 'TIMESTAMP WITH TIME ZONE') return 'timestamp with time zone';
  if (duck.startsWith('TIMESTAMP')) return 'timestamp';
  const types: Record<string, string> = {
    // Trino's sum of a bigint is a bigint; DuckDB widens it.
    HUGEINT: 'bigint',
    UBIGINT: 'bigint',
    BIGINT: 'bigint',
    UINTEGER: 'bigint',
    INTEGER: 'integer',
    USMALLINT: 'integer',
    SMALLINT: 'smallint',
    UTINYINT: 'smallint',
    TINYINT: 'tinyint',
    DOUBLE: 'double',
    FLOAT: 'real',
    BOOLEAN: 'boolean',
    DATE: 'date',
    VARCHAR: 'varchar',
  };
  return types[duck] ?? duck.toLowerCase();
}

/** A value as Athena's VarCharValue writes it; NULL has none. */
function text(value: unknown, type: DuckDBType): string | undefined {
  if (value === null || value === undefined) return undefined;
  const duck = type.toString();
  if (duck === 'DOUBLE' || duck === 'FLOAT') return javaDouble(Number(value));
  if (duck.startsWith('TIMESTAMP')) {
    // Trino writes milliseconds always: `2024-01-05 00:00:00.000`.
    const [, whole, fraction] = /^(.+ \d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(String(value)) ?? [];
    return whole ? `${whole}.${(fraction ?? '').padEnd(3, '0').slice(0, 3)}` : String(value);
  }
  return String(value);
}

/** A double as Java's Double.toString writes it, which is how Athena's results spell them. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
