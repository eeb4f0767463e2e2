import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeKpis } from '#analysis/kpis.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb, QueryEngine } from '#platform/ports.ts';
import { discoverJoins } from '#query/joins.ts';
import type { KpiFinding } from '#report/findings.ts';
import { column, contract } from '../helpers/contracts.ts';

/**
 * The KPIs of a small events table on DuckDB, against figures worked out by hand in the
 * comments: every definition the report prints is checked here.
 */

let duck: DuckDb;
let engine: QueryEngine;

const customers = contract(
  'customers',
  'entities',
  [column('customer_id', 'string', 'id'), column('segment', 'string', 'dimension')],
  { primaryKey: 'customer_id' },
);
const orders = contract(
  'orders',
  'events',
  [
    column('order_id', 'string', 'id'),
    column('ordered_on', 'date', 'time'),
    column('customer_id', 'string', 'foreign_key'),
    column('channel', 'string', 'dimension'),
    column('units', 'integer', 'measure'),
    column('net_amount', 'double', 'measure'),
  ],
  { primaryKey: 'order_id', timeColumn: 'ordered_on' },
);

let kpis: KpiFinding;

beforeAll(async () => {
  duck = await openDuckDb();
  engine = { dialect: 'duckdb', query: (sql) => duck.all(sql) };
  await duck.run(`CREATE TABLE customers AS SELECT * FROM (VALUES
    ('A', 'small'), ('B', 'small'), ('C', 'large')) t(customer_id, segment)`);
  // 2023-01-01 .. 2024-12-31, whole months. A buys on the 1st of every month (24 orders, 2
  // units, 10 each, web); B on 2023-01-05 and again on 2023-01-05 (one day) and 2024-07-10
  // (store, 100 each, 1 unit); C once, 2024-12-31 (store, 50, 4 units).
  await duck.run(`CREATE TABLE orders AS
    SELECT printf('A%d', m) AS order_id, CAST(DATE '2023-01-01' + to_months(CAST(m AS INTEGER)) AS DATE) AS ordered_on,
      'A' AS customer_id, 'web' AS channel, 2 AS units, 10.0 AS net_amount FROM range(0, 24) t(m)
    UNION ALL SELECT * FROM (VALUES
      ('B1', DATE '2023-01-05', 'B', 'store', 1, 100.0),
      ('B2', DATE '2023-01-05', 'B', 'store', 1, 100.0),
      ('B3', DATE '2024-07-10', 'B', 'store', 1, 100.0),
      ('C1', DATE '2024-12-31', 'C', 'store', 4, 50.0)) v`);
  const joins = await discoverJoins(engine, [customers, orders]);
  kpis = await computeKpis({
    engine,
    contract: orders,
    measures: ['units', 'net_amount'],
    coverage: { first: '2023-01-01', last: '2024-12-31', periodDays: 1 },
    joins,
    contracts: [customers, orders],
  });
});

afterAll(() => duck?.close());

describe('computeKpis', () => {
  it('totals: revenue, transactions, averages, customers and repeat purchases', () => {
    // Revenue 24 x 10 + 3 x 100 + 50 = 590 over 28 orders; units 48 + 3 + 4 = 55.
    expect(kpis).toMatchObject({
      valueColumn: 'net_amount',
      itemsColumn: 'units',
      customerColumn: 'customer_id',
      customerEntity: 'customers',
      transactions: 28,
      revenue: 590,
      customers: 3,
      // A (24 days) and B (2 days: two orders on one day count once) bought again; C did not.
      repeatCustomers: 2,
    });
    expect(kpis.averageTransactionValue).toBeCloseTo(590 / 28, 12);
    expect(kpis.averageItemsPerTransaction).toBeCloseTo(55 / 28, 12);
    expect(kpis.repeatPurchaseRate).toBeCloseTo(2 / 3, 12);
  });

  it('retention per whole quarter: of its customers, who bought again the next quarter', () => {
    // 2023-Q1: A and B, only A buys in Q2. 2024-Q2: A; A buys in Q3. 2024-Q3: A and B, only A
    // in Q4. The last quarter (2024-Q4) has no next one and is left out.
    expect(kpis.retention.map((q) => [q.quarter, q.active, q.retained])).toEqual([
      ['2023-Q1', 2, 1],
      ['2023-Q2', 1, 1],
      ['2023-Q3', 1, 1],
      ['2023-Q4', 1, 1],
      ['2024-Q1', 1, 1],
      ['2024-Q2', 1, 1],
      ['2024-Q3', 2, 1],
    ]);
    expect(kpis.retention[0]!.rate).toBe(0.5);
  });

  it('growth between full months and revenue by own and joined dimensions with a year-on-year change', () => {
    // 2024-12: 10 + 50 = 60; 2024-11: 10; 2023-12: 10.
    expect(kpis.growth?.monthOverMonth).toMatchObject({
      from: '2024-11',
      to: '2024-12',
      change: 5,
    });
    expect(kpis.growth?.yearOverYear).toMatchObject({ from: '2023-12', to: '2024-12', change: 5 });
    const channel = kpis.byDimension.find((d) => d.column === 'channel')!;
    expect(channel.values.map((v) => [v.value, v.total, v.rows])).toEqual([
      ['store', 350, 4],
      ['web', 240, 24],
    ]);
    // store: 2024 = 150, 2023 = 200.
    expect(channel.values[0]).toMatchObject({ recent: 150, prior: 200, change: -0.25 });
    const segment = kpis.byDimension.find((d) => d.column === 'segment')!;
    expect(segment.entity).toBe('customers');
    expect(segment.values.map((v) => [v.value, v.total])).toEqual([
      ['small', 540],
      ['large', 50],
    ]);
    expect(segment.values[1]!.share).toBeCloseTo(50 / 590, 12);
  });
});

describe('customerActivity', () => {
  it('one row per customer: days (one per day), orders, span, value, first-day value, main channel', async () => {
    const { customerActivity } = await import('#query/customers.ts');
    const rows = await customerActivity(
      engine,
      { from: 'orders', time: 'ordered_on', customer: 'customer_id', value: 'net_amount' },
      { dimensions: ['channel'] },
    );
    expect(
      rows.map((r) => [r.customer, r.days, r.orders, r.first, r.last, r.value, r.firstDayValue]),
    ).toEqual([
      ['A', 24, 24, '2023-01-01', '2024-12-01', 240, 10],
      ['B', 2, 3, '2023-01-05', '2024-07-10', 300, 200],
      ['C', 1, 1, '2024-12-31', '2024-12-31', 50, 50],
    ]);
    expect(rows.map((r) => r.main['channel'])).toEqual(['web', 'store', 'store']);
    const until = await customerActivity(
      engine,
      { from: 'orders', time: 'ordered_on', customer: 'customer_id', value: 'net_amount' },
      { until: '2023-12-31' },
    );
    expect(until.map((r) => [r.customer, r.days])).toEqual([
      ['A', 12],
      ['B', 1],
    ]);
  });
});
