import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb, QueryEngine } from '#platform/ports.ts';
import { discoverJoins, enrichedRows } from '#query/joins.ts';
import { column, contract } from '../helpers/contracts.ts';

/** Joins found by names and values on DuckDB: small tables made in SQL. */

let duck: DuckDb;
let engine: QueryEngine;

const customers = contract(
  'customers',
  'entities',
  [
    column('customer_id', 'string', 'id'),
    column('industry', 'string', 'dimension'),
    column('contact_email', 'string', 'pii'),
  ],
  { primaryKey: 'customer_id' },
);
const products = contract(
  'products',
  'entities',
  [column('sku', 'string', 'id'), column('category', 'string', 'dimension')],
  { primaryKey: 'sku' },
);
// Ingested before the entities: nothing marks its keys as foreign keys.
const orders = contract('orders', 'events', [
  column('order_id', 'string', 'id'),
  column('customer_id', 'string', 'text'),
  column('item', 'string', 'text'),
  column('channel', 'string', 'dimension'),
  column('amount', 'double', 'measure'),
]);

beforeAll(async () => {
  duck = await openDuckDb();
  engine = { dialect: 'duckdb', query: (sql) => duck.all(sql) };
  await duck.run(`CREATE TABLE customers AS SELECT printf('C%d', i) AS customer_id,
    CASE WHEN i % 2 = 0 THEN 'Retail' ELSE 'Finance' END AS industry, 'x@example.com' AS contact_email
    FROM range(0, 30) t(i)`);
  await duck.run(`CREATE TABLE products AS SELECT printf('P%d', i) AS sku,
    CASE WHEN i < 10 THEN 'Books' ELSE 'Games' END AS category FROM range(0, 20) t(i)`);
  // 100 orders: customers C0..C31 (C30 and C31 unknown: 30 of 32 match, 94%), items P0..P19
  // under another name than the key, channels that match nothing.
  await duck.run(`CREATE TABLE orders AS SELECT printf('O%d', i) AS order_id,
    printf('C%d', i % 32) AS customer_id, printf('P%d', i % 20) AS item,
    CASE WHEN i % 3 = 0 THEN 'web' ELSE 'store' END AS channel, 10.0 + i AS amount
    FROM range(0, 100) t(i)`);
});

afterAll(() => duck?.close());

describe('discoverJoins', () => {
  it('finds a key by its name and one by its values alone, with how much of each matched', async () => {
    const joins = await discoverJoins(engine, [customers, products, orders]);
    expect(joins).toEqual([
      {
        dataset: 'orders',
        column: 'customer_id',
        entity: 'customers',
        key: 'customer_id',
        distinct: 32,
        matched: 30,
        overlap: 30 / 32,
        found: 'name',
      },
      {
        dataset: 'orders',
        column: 'item',
        entity: 'products',
        key: 'sku',
        distinct: 20,
        matched: 20,
        overlap: 1,
        found: 'values',
      },
    ]);
  });

  it('refuses a column whose values are mostly not keys', async () => {
    await duck.run(
      `CREATE TABLE returns AS SELECT printf('C%d', 20 + i) AS customer_id FROM range(0, 40) t(i)`,
    );
    const returns = contract('returns', 'events', [column('customer_id', 'string', 'text')]);
    // C20..C59: 10 of 40 are customers.
    expect(await discoverJoins(engine, [customers, returns])).toEqual([]);
  });
});

describe('enrichedRows', () => {
  it("gives every row its entities' dimensions, never personal data, and loses no row", async () => {
    const joins = await discoverJoins(engine, [customers, products, orders]);
    const enriched = enrichedRows(orders, joins, [customers, products, orders]);
    expect(enriched.columns.map((c) => c.alias)).toEqual([
      'customers__industry',
      'products__category',
    ]);
    const rows = await engine.query(
      `SELECT count(*) AS n, count(customers__industry) AS known, count(DISTINCT products__category) AS categories FROM ${enriched.from} x`,
    );
    expect(rows[0]).toMatchObject({ n: 100, known: 94, categories: 2 });
  });
});
