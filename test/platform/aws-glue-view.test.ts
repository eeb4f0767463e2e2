import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table, TableInput } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesTableName, glueTableInput, tableDiffers } from '#platform/aws/glue-table.ts';
import {
  datasetViewSql,
  decodePrestoView,
  encodePrestoView,
  glueViewInput,
} from '#platform/aws/glue-view.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { assertDatasetName } from '#platform/identifiers.ts';
import { duckDbQueryEngine } from '#platform/local/duckdb-query-engine.ts';
import type { Catalog, Contract, DuckDb, Row } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { column, contract } from '../helpers/contracts.ts';
import { COMMON_FUNCTIONS, functionsIn, trinoProblems } from '../query/trino-sql.ts';

/**
 * The Athena side of a dataset: the Glue table of its files and the Glue view that keeps each
 * id once. The view's TableInput for each kind of dataset, its Presto view text, its SQL as
 * Trino SQL, and its rows: the view's SQL run on DuckDB (with Trino's `"$path"` read as
 * DuckDB's `filename`, the one translation) gives the rows the local view gives, on a small
 * lake with duplicates.
 */

const customers = contract(
  'customers',
  'entities',
  [
    column('customer_id', 'string', 'id', { nullable: false }),
    column('segment', 'string', 'dimension'),
    column('lifetime_value', 'double', 'measure'),
    column('signup', 'date', 'time'),
  ],
  { primaryKey: 'customer_id' },
);
const orders = contract(
  'orders',
  'events',
  [
    column('order_id', 'string', 'id', { nullable: false }),
    column('ordered_at', 'timestamp', 'time', { nullable: false }),
    column('quantity', 'integer', 'measure'),
    column('amount', 'double', 'measure'),
    column('paid', 'boolean', 'dimension'),
  ],
  { primaryKey: 'order_id', timeColumn: 'ordered_at' },
);
const daily = contract(
  'daily_metrics',
  'time_series',
  [column('day', 'date', 'time', { nullable: false }), column('revenue', 'double', 'measure')],
  { timeColumn: 'day' },
);

const place = { bucket: 'lake-bucket', snapshotsFrom: '2026-03-01' };

/** What GetTable answers for a view made from `input`: Glue fills the storage it was not given. */
const stored = (input: TableInput): Table =>
  ({
    ...structuredClone(input),
    DatabaseName: 'insights',
    CreateTime: new Date('2026-03-01T10:00:00Z'),
    UpdateTime: new Date('2026-03-01T10:00:00Z'),
    CatalogId: '123456789012',
    VersionId: '0',
    IsRegisteredWithLakeFormation: false,
    StorageDescriptor: {
      ...input.StorageDescriptor,
      Location: '',
      Compressed: false,
      NumberOfBuckets: 0,
      SortColumns: [],
      StoredAsSubDirectories: false,
    },
  }) as Table;

describe('glueViewInput: the dataset Athena queries is a view over the table of its files', () => {
  it('keeps an entity once, from its latest snapshot, then its last file', () => {
    const sql =
      'SELECT "customer_id", "segment", "lifetime_value", "signup", "snapshot" FROM ' +
      '(SELECT "customer_id", "segment", "lifetime_value", "signup", "snapshot", row_number() ' +
      'OVER (PARTITION BY "customer_id" ORDER BY "snapshot" DESC, "$path" DESC) AS latest ' +
      'FROM "customers__files") AS copies WHERE latest = 1';
    const input = glueViewInput(customers, 'insights');
    expect(input).toEqual({
      Name: 'customers',
      Description:
        'serverless-insights dataset customers (entities): each customer_id once, from its latest snapshot, over customers__files',
      TableType: 'VIRTUAL_VIEW',
      Parameters: { presto_view: 'true', comment: 'Presto View' },
      PartitionKeys: [],
      StorageDescriptor: {
        Columns: [
          { Name: 'customer_id', Type: 'string', Comment: 'id' },
          { Name: 'segment', Type: 'string', Comment: 'dimension' },
          { Name: 'lifetime_value', Type: 'double', Comment: 'measure' },
          { Name: 'signup', Type: 'date', Comment: 'time' },
          { Name: 'snapshot', Type: 'string', Comment: 'partition' },
        ],
        SerdeInfo: {},
      },
      ViewOriginalText: expect.stringMatching(/^\/\* Presto View: [A-Za-z0-9+/]+=* \*\/$/),
      ViewExpandedText: '/* Presto View */',
    });
    // The JSON Trino's ConnectorViewDefinition reads, with Trino's type names.
    expect(decodePrestoView(input.ViewOriginalText!)).toEqual({
      originalSql: sql,
      catalog: 'awsdatacatalog',
      schema: 'insights',
      columns: [
        { name: 'customer_id', type: 'varchar' },
        { name: 'segment', type: 'varchar' },
        { name: 'lifetime_value', type: 'double' },
        { name: 'signup', type: 'date' },
        { name: 'snapshot', type: 'varchar' },
      ],
      runAsInvoker: false,
      path: [],
    });
    expect(datasetViewSql(customers)).toBe(sql);
  });

  it('keeps an event once, from its last file, over a table of its files by month', () => {
    const input = glueViewInput(orders, 'insights');
    expect(input.Description).toBe(
      'serverless-insights dataset orders (events): each order_id once, over orders__files',
    );
    const view = decodePrestoView(input.ViewOriginalText!);
    expect(view.originalSql).toBe(
      'SELECT "order_id", "ordered_at", "quantity", "amount", "paid", "month" FROM ' +
        '(SELECT "order_id", "ordered_at", "quantity", "amount", "paid", "month", row_number() ' +
        'OVER (PARTITION BY "order_id" ORDER BY "$path" DESC) AS latest FROM "orders__files") ' +
        'AS copies WHERE latest = 1',
    );
    expect(view.columns).toEqual([
      { name: 'order_id', type: 'varchar' },
      { name: 'ordered_at', type: 'timestamp' },
      { name: 'quantity', type: 'bigint' },
      { name: 'amount', type: 'double' },
      { name: 'paid', type: 'boolean' },
      { name: 'month', type: 'varchar' },
    ]);
    // The Hive columns beside them name the same columns, in the same order.
    expect(input.StorageDescriptor!.Columns!.map((c) => [c.Name, c.Type])).toEqual([
      ['order_id', 'string'],
      ['ordered_at', 'timestamp'],
      ['quantity', 'bigint'],
      ['amount', 'double'],
      ['paid', 'boolean'],
      ['month', 'string'],
    ]);
  });

  it('keeps every row of a series without a primary key, as the local view does', () => {
    const input = glueViewInput(daily, 'insights');
    expect(decodePrestoView(input.ViewOriginalText!).originalSql).toBe(
      'SELECT "day", "revenue", "month" FROM "daily_metrics__files"',
    );
    expect(input.Description).toBe(
      'serverless-insights dataset daily_metrics (time_series): every row, over daily_metrics__files',
    );
  });

  it('puts the files under <dataset>__files, partitioned and projected as before', () => {
    for (const c of [customers, orders, daily]) {
      const table = glueTableInput(c, place);
      expect(table.Name).toBe(`${c.dataset}__files`);
      expect(table.TableType).toBe('EXTERNAL_TABLE');
      expect(table.PartitionKeys).toEqual([{ Name: c.partition, Type: 'string' }]);
      expect(table.StorageDescriptor!.Location).toBe(`s3://lake-bucket/curated/${c.dataset}/`);
      expect(table.Parameters!['storage.location.template']).toBe(
        `s3://lake-bucket/curated/${c.dataset}/${c.partition}=\${${c.partition}}/`,
      );
      // The view names the contract's columns and the partition key; the table the same.
      const view = glueViewInput(c, 'insights');
      expect(view.StorageDescriptor!.Columns!.map((col) => col.Name)).toEqual([
        ...table.StorageDescriptor!.Columns!.map((col) => col.Name),
        c.partition,
      ]);
    }
  });

  it('writes Trino SQL: it parses as Trino and calls row_number only', () => {
    for (const c of [customers, orders, daily]) {
      expect(trinoProblems(datasetViewSql(c), COMMON_FUNCTIONS)).toEqual([]);
    }
    expect([...functionsIn(datasetViewSql(customers))]).toEqual(['row_number']);
    expect([...functionsIn(datasetViewSql(daily))]).toEqual([]);
    // The guard would catch DuckDB's spelling of the same view.
    expect(trinoProblems('SELECT * EXCLUDE (filename) FROM t', COMMON_FUNCTIONS)).not.toEqual([]);
  });

  it("reserves the files tables' suffix: no dataset can take another dataset's files table", () => {
    expect(() => assertDatasetName('orders__files')).toThrow(InputRejectedError);
    expect(() => glueViewInput({ ...orders, dataset: 'orders__files' }, 'insights')).toThrow(
      InputRejectedError,
    );
    expect(() => glueTableInput({ ...orders, dataset: 'orders__files' }, place)).toThrow(
      InputRejectedError,
    );
    expect(assertDatasetName('orders__files_2024')).toBe('orders__files_2024');
    // The longest dataset name leaves the files table within Glue's and Athena's 255.
    expect(filesTableName('x'.repeat(63))).toHaveLength(70);
  });

  it('encodes the definition as Trino reads it, and refuses text that is not a Presto view', () => {
    const view = decodePrestoView(glueViewInput(orders, 'insights').ViewOriginalText!);
    expect(decodePrestoView(encodePrestoView(view))).toEqual(view);
    expect(() => decodePrestoView('SELECT 1')).toThrow('View data missing prefix');
  });
});

describe('tableDiffers on views: the view follows the contract, idempotently', () => {
  it('finds a view as Glue answers it unchanged, and a changed contract changed', () => {
    const view = stored(glueViewInput(customers, 'insights'));
    expect(tableDiffers(view, glueViewInput(customers, 'insights'))).toBe(false);
    expect(tableDiffers(view, glueViewInput({ ...customers, version: 4 }, 'insights'))).toBe(false);
    const evolved = {
      ...customers,
      columns: [...customers.columns, column('region', 'string', 'dimension')],
    };
    expect(tableDiffers(view, glueViewInput(evolved, 'insights'))).toBe(true);
    const rekeyed = { ...customers, primaryKey: 'segment' };
    expect(tableDiffers(view, glueViewInput(rekeyed, 'insights'))).toBe(true);
    expect(tableDiffers(view, glueViewInput(customers, 'other_database'))).toBe(true);
    // A table of the dataset's name from before views is not the view.
    const former = stored({ ...glueTableInput(customers, place), Name: 'customers' });
    expect(tableDiffers(former, glueViewInput(customers, 'insights'))).toBe(true);
  });
});

/** A contract store over fixed contracts. */
const catalogOf = (contracts: Contract[]): Catalog => ({
  getContract: async (dataset) => contracts.find((c) => c.dataset === dataset),
  putContract: async () => undefined,
  listDatasets: async () => contracts.map((c) => c.dataset),
});

/** Rows in a fixed order with every value as text: DuckDB reads `snapshot` as a date locally, Athena as text. */
const normalized = (rows: Row[], key: string) =>
  rows
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])),
    )
    .sort((a, b) => String(a[key]).localeCompare(String(b[key])));

describe('the view on DuckDB gives the rows of the local view', () => {
  let root: string;
  let duck: DuckDb;

  /** Writes `select` as one Parquet file of a dataset's partition. */
  const file = async (dataset: string, partition: string, sourceId: string, select: string) => {
    const dir = join(root, 'curated', dataset, partition);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${sourceId}.parquet`);
    await duck.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'insights-glue-view-'));
    duck = await openDuckDb();
    // customers: C1 changes between two snapshots; C2 is in two files of one day (the later
    // source id wins); the first file predates the lifetime_value column.
    await file(
      'customers',
      'snapshot=2026-03-01',
      '1aaa',
      `SELECT * FROM (VALUES ('C1', 'gold', DATE '2025-01-01'), ('C2', 'silver', DATE '2025-02-01'))
         t(customer_id, segment, signup)`,
    );
    await file(
      'customers',
      'snapshot=2026-03-01',
      '2bbb',
      `SELECT * FROM (VALUES ('C2', 'bronze', 20.5, DATE '2025-02-01'), ('C3', 'gold', 99.0, NULL::DATE))
         t(customer_id, segment, lifetime_value, signup)`,
    );
    await file(
      'customers',
      'snapshot=2026-03-02',
      '0ccc',
      `SELECT * FROM (VALUES ('C1', 'platinum', 310.0, DATE '2025-01-01'))
         t(customer_id, segment, lifetime_value, signup)`,
    );
    // orders: O2 exported in two weekly files (its copies disagree, so which one is kept shows).
    const order = (id: string, at: string, quantity: number, amount: number, paid: boolean) =>
      `('${id}', TIMESTAMP '${at}', ${quantity}::INTEGER, ${amount}::DOUBLE, ${paid})`;
    const orderColumns = 't(order_id, ordered_at, quantity, amount, paid)';
    await file(
      'orders',
      'month=2024-01',
      'a111',
      `SELECT * FROM (VALUES ${order('O1', '2024-01-03 10:00:00', 1, 10, true)}, ${order('O2', '2024-01-09 12:30:00', 2, 20, false)}) ${orderColumns}`,
    );
    await file(
      'orders',
      'month=2024-01',
      'b222',
      `SELECT * FROM (VALUES ${order('O2', '2024-01-09 12:30:00', 2, 21, true)}, ${order('O3', '2024-01-20 08:00:00', 5, 50, true)}) ${orderColumns}`,
    );
    await file(
      'orders',
      'month=2024-02',
      'b222',
      `SELECT * FROM (VALUES ${order('O4', '2024-02-01 09:15:00', 1, 15, false)}) ${orderColumns}`,
    );
    // daily_metrics: no primary key; 2024-01-02 twice, counted twice on both engines.
    const days = `t(day, revenue)`;
    await file(
      'daily_metrics',
      'month=2024-01',
      'a111',
      `SELECT * FROM (VALUES (DATE '2024-01-01', 100.0), (DATE '2024-01-02', 110.0)) ${days}`,
    );
    await file(
      'daily_metrics',
      'month=2024-01',
      'b222',
      `SELECT * FROM (VALUES (DATE '2024-01-02', 110.0), (DATE '2024-01-03', 90.0)) ${days}`,
    );
  });

  afterAll(async () => {
    duck?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /**
   * The view's Trino SQL on DuckDB: the files table as Athena reads it (its partition key as
   * text, a file's missing column as NULL), with `"$path"` read as `filename`.
   */
  async function athenaRows(c: Contract): Promise<Row[]> {
    const files = join(root, 'curated', c.dataset, '**', '*.parquet');
    await duck.run(
      `CREATE OR REPLACE VIEW ${quoteIdent(filesTableName(c.dataset))} AS SELECT * FROM ` +
        `read_parquet(${quoteLiteral(files)}, hive_partitioning = true, hive_types_autocast = false, ` +
        `union_by_name = true, filename = true)`,
    );
    const sql = datasetViewSql(c).replaceAll('"$path"', 'filename');
    return duck.all(sql);
  }

  async function localRows(c: Contract): Promise<Row[]> {
    const engine = duckDbQueryEngine(duck, root, catalogOf([customers, orders, daily]));
    return engine.query(`SELECT * FROM ${quoteIdent(c.dataset)}`);
  }

  it('entities: each customer once, from its latest snapshot, then its last file', async () => {
    const [athena, local] = [await athenaRows(customers), await localRows(customers)];
    expect(normalized(athena, 'customer_id')).toEqual(normalized(local, 'customer_id'));
    expect(normalized(athena, 'customer_id')).toEqual([
      {
        customer_id: 'C1',
        segment: 'platinum',
        lifetime_value: '310',
        signup: '2025-01-01',
        snapshot: '2026-03-02',
      },
      {
        customer_id: 'C2',
        segment: 'bronze',
        lifetime_value: '20.5',
        signup: '2025-02-01',
        snapshot: '2026-03-01',
      },
      {
        customer_id: 'C3',
        segment: 'gold',
        lifetime_value: '99',
        signup: null,
        snapshot: '2026-03-01',
      },
    ]);
  });

  it('events: each order once, from its last file', async () => {
    const [athena, local] = [await athenaRows(orders), await localRows(orders)];
    expect(normalized(athena, 'order_id')).toEqual(normalized(local, 'order_id'));
    expect(athena.map((r) => [r['order_id'], r['amount']]).sort()).toEqual([
      ['O1', 10],
      ['O2', 21],
      ['O3', 50],
      ['O4', 15],
    ]);
  });

  it('series without a primary key: every row, on both', async () => {
    const [athena, local] = [await athenaRows(daily), await localRows(daily)];
    expect(athena).toHaveLength(4);
    expect(normalized(athena, 'day')).toEqual(normalized(local, 'day'));
  });
});
