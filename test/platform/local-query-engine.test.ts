import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { duckDbQueryEngine } from '#platform/local/duckdb-query-engine.ts';
import type { Catalog, DuckDb } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';
import { column, contract } from '../helpers/contracts.ts';

/**
 * The local stand-in for Athena: what each dataset's view reads. A dataset of one source
 * file is read as it is (ingest keeps each id once per file); with several, each id once. A
 * small dataset is read into memory once per run; a large one from its files by each query.
 */

const orders = contract(
  'orders',
  'events',
  [column('order_id', 'string', 'id', { nullable: false }), column('amount', 'double', 'measure')],
  { primaryKey: 'order_id' },
);
const catalog: Catalog = {
  getContract: async (d) => (d === 'orders' ? orders : undefined),
  putContract: async () => undefined,
  listDatasets: async () => ['orders'],
};

describe('the local query engine', () => {
  let root: string;
  let duck: DuckDb;
  const file = async (partition: string, sourceId: string, values: string) => {
    const dir = join(root, 'curated', 'orders', partition);
    await mkdir(dir, { recursive: true });
    await duck.run(
      `COPY (SELECT * FROM (VALUES ${values}) t(order_id, amount)) TO ${quoteLiteral(join(dir, `${sourceId}.parquet`))} (FORMAT parquet)`,
    );
  };
  const rows = async (engine: ReturnType<typeof duckDbQueryEngine>) =>
    (await engine.query('SELECT order_id, amount FROM "orders" ORDER BY order_id')).map((r) => [
      r['order_id'],
      r['amount'],
    ]);
  const viewSql = async () =>
    String(
      (await duck.all(`SELECT sql FROM duckdb_views() WHERE view_name = 'orders'`))[0]?.['sql'],
    );

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'insights-local-engine-'));
    duck = await openDuckDb();
    await file('month=2024-01', 'a111', `('O1', 10.0), ('O2', 20.0)`);
    await file('month=2024-02', 'a111', `('O3', 30.0)`);
  });
  afterAll(async () => {
    duck?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reads a dataset of one source file as it is, with no window over every row', async () => {
    const engine = duckDbQueryEngine(duck, root, catalog, { inMemoryRows: 0 });
    expect(await rows(engine)).toEqual([
      ['O1', 10],
      ['O2', 20],
      ['O3', 30],
    ]);
    expect(await viewSql()).not.toMatch(/row_number/i);
    expect(await viewSql()).toMatch(/read_parquet/);
  });

  it('reads a small dataset into memory once per run: later files wait for the next run', async () => {
    const engine = duckDbQueryEngine(duck, root, catalog);
    await engine.refresh();
    expect(await viewSql()).toMatch(/__rows_orders/);
    await file('month=2024-02', 'b222', `('O2', 21.0), ('O4', 40.0)`);
    expect(await rows(engine)).toHaveLength(3);
    await engine.refresh();
    // Two source files now: O2 once, from the later source id, as the view over files gives.
    const inMemory = await rows(engine);
    expect(inMemory).toEqual([
      ['O1', 10],
      ['O2', 21],
      ['O3', 30],
      ['O4', 40],
    ]);
    const fromFiles = duckDbQueryEngine(duck, root, catalog, { inMemoryRows: 0 });
    await fromFiles.refresh();
    expect(await viewSql()).toMatch(/row_number/i);
    expect(await rows(fromFiles)).toEqual(inMemory);
    expect(
      await duck.all(`SELECT * FROM duckdb_tables() WHERE table_name = '__rows_orders'`),
    ).toEqual([]);
  });
});
