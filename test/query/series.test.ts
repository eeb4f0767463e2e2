import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSeries, seriesSpecs } from '#analysis/series-discovery.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { Contract, DuckDb, QueryEngine } from '#platform/ports.ts';
import { dailyTotals } from '#query/aggregates.ts';
import { column, contract } from '../helpers/contracts.ts';

/**
 * Series discovery on DuckDB: the daily totals come from SQL (the same text Athena runs),
 * then `discoverSeries` decides which are regular series. Small tables, made in SQL.
 */

let duck: DuckDb;
let engine: QueryEngine;

const measuresOf = (c: Contract) =>
  c.columns.filter((col) => col.role === 'measure').map((col) => col.name);

async function discover(c: Contract) {
  const specs = seriesSpecs(c, measuresOf(c));
  const days = await dailyTotals(engine, c, c.timeColumn!, measuresOf(c));
  return { specs, days, discovery: discoverSeries(c, specs, days) };
}

const metrics = contract(
  'metrics',
  'time_series',
  [
    column('day', 'date', 'time'),
    column('revenue', 'double', 'measure'),
    column('price', 'double', 'measure'),
  ],
  { timeColumn: 'day' },
);
const stores = contract(
  'stores',
  'time_series',
  [
    column('day', 'date', 'time'),
    column('store', 'string', 'dimension'),
    column('revenue', 'double', 'measure'),
    column('price', 'double', 'measure'),
  ],
  { timeColumn: 'day' },
);
const orders = contract(
  'orders',
  'events',
  [
    column('order_id', 'string', 'id'),
    column('ordered_at', 'timestamp', 'time'),
    column('amount', 'double', 'measure'),
  ],
  { timeColumn: 'ordered_at' },
);
const customers = contract(
  'customers',
  'entities',
  [
    column('customer_id', 'string', 'id'),
    column('signed_up', 'date', 'time'),
    column('spend', 'double', 'measure'),
  ],
  { timeColumn: 'signed_up' },
);
const visits = contract(
  'visits',
  'events',
  [column('visited', 'date', 'time'), column('minutes', 'double', 'measure')],
  { timeColumn: 'visited' },
);
const calls = contract(
  'calls',
  'events',
  [column('called', 'date', 'time'), column('minutes', 'double', 'measure')],
  { timeColumn: 'called' },
);

beforeAll(async () => {
  duck = await openDuckDb();
  engine = { dialect: 'duckdb', query: (sql) => duck.all(sql) };
  // 40 days, one row each; revenue is empty on day 10 (a gap to fill), price never.
  await duck.run(`CREATE TABLE metrics AS
    SELECT DATE '2024-01-01' + CAST(i AS INTEGER) AS day,
           CASE WHEN i = 10 THEN NULL ELSE 100.0 + i END AS revenue, 5.0 + (i % 2) AS price
    FROM range(0, 40) t(i)`);
  // The same 40 days, two stores a day.
  await duck.run(`CREATE TABLE stores AS
    SELECT DATE '2024-01-01' + CAST(i AS INTEGER) AS day, s AS store,
           CASE WHEN s = 'a' THEN 10.0 ELSE 30.0 END AS revenue,
           CASE WHEN s = 'a' THEN 4.0 ELSE 8.0 END AS price
    FROM range(0, 40) t(i), (VALUES ('a'), ('b')) v(s)`);
  // Events: day i has 1 + (i % 3) orders of 10 each, at different times of the day; no order on day 5.
  await duck.run(`CREATE TABLE orders AS
    SELECT printf('O%d-%d', i, k) AS order_id,
           TIMESTAMP '2024-01-01 08:00:00' + to_days(CAST(i AS INTEGER)) + to_hours(CAST(k AS INTEGER)) AS ordered_at,
           10.0 AS amount
    FROM range(0, 40) t(i), range(0, 3) u(k) WHERE k <= i % 3 AND i <> 5`);
  await duck.run(`CREATE TABLE customers AS
    SELECT printf('C%d', i) AS customer_id, DATE '2024-01-01' + CAST(i AS INTEGER) AS signed_up, 50.0 AS spend
    FROM range(0, 40) t(i)`);
  // Visits on scattered days: no daily, weekly or monthly spacing.
  await duck.run(`CREATE TABLE visits AS
    SELECT DATE '2024-01-01' + CAST(d AS INTEGER) AS visited, 3.0 AS minutes
    FROM (VALUES (0), (3), (5), (9), (17), (20), (30)) v(d)`);
  // Calls on a few days of a month: daily spacing, most days empty.
  await duck.run(`CREATE TABLE calls AS
    SELECT DATE '2024-01-01' + CAST(d AS INTEGER) AS called, 3.0 AS minutes
    FROM (VALUES (0), (1), (4), (9), (17), (18), (30)) v(d)`);
});

afterAll(() => duck?.close());

describe('series discovery on DuckDB', () => {
  it('takes a time series with one row per date as it is, and fills a gap for the model only, said', async () => {
    const { discovery } = await discover(metrics);
    expect(discovery.refused).toEqual([]);
    expect(discovery.series.map((s) => [s.name, s.aggregation])).toEqual([
      ['revenue', 'value'],
      ['price', 'value'],
    ]);
    const revenue = discovery.series[0]!.series;
    expect(revenue.frequency).toBe('daily');
    expect(revenue.values).toHaveLength(40);
    expect(revenue.filled).toEqual(['2024-01-11']);
    expect(revenue.observed[10]).toBe(false);
    expect(revenue.values[10]).toBeCloseTo((revenue.values[9]! + revenue.values[11]!) / 2, 9);
    expect(revenue.notes.join('\n')).toMatch(/1 missing daily value\(s\) filled .*2024-01-11/);
    expect(discovery.series[1]!.series.filled).toEqual([]);
  });

  it('sums additive measures and averages levels over several rows per date, and says so', async () => {
    const { discovery } = await discover(stores);
    expect(discovery.series.map((s) => [s.name, s.aggregation])).toEqual([
      ['revenue (sum per day)', 'sum'],
      ['price (mean per day)', 'mean'],
    ]);
    const [revenue, price] = discovery.series.map((s) => s.series);
    expect(new Set(revenue!.values)).toEqual(new Set([40]));
    expect(new Set(price!.values)).toEqual(new Set([6]));
    expect(revenue!.notes[0]).toMatch(/^summed over the rows of each day \(up to 2 rows a day\)/);
    expect(price!.notes[0]).toMatch(/^averaged over the rows of each day/);
  });

  it('aggregates events per calendar day in SQL: the number of events and the sum of each measure', async () => {
    const { days, discovery } = await discover(orders);
    // Timestamps count on their date; a day with no event has no row (filled and said, never 0).
    expect(days[0]).toEqual({
      day: '2024-01-01',
      rows: 1,
      sums: { amount: 10 },
      means: { amount: 10 },
    });
    expect(days.find((d) => d.day === '2024-01-03')).toMatchObject({
      rows: 3,
      sums: { amount: 30 },
    });
    expect(days.some((d) => d.day === '2024-01-06')).toBe(false);
    expect(discovery.series.map((s) => [s.name, s.aggregation, s.column])).toEqual([
      ['events per day', 'count', undefined],
      ['amount (sum per day)', 'sum', 'amount'],
    ]);
    const events = discovery.series[0]!.series;
    expect(events.values.slice(0, 5)).toEqual([1, 2, 3, 1, 2]);
    expect(events.filled).toEqual(['2024-01-06']);
  });

  it('never makes series of entities, whatever their dates', () => {
    expect(seriesSpecs(customers, measuresOf(customers))).toEqual([]);
    expect(seriesSpecs({ ...metrics, timeColumn: undefined }, measuresOf(metrics))).toEqual([]);
  });

  it('refuses an irregular time column with the reason, once for every series it affects', async () => {
    const { discovery } = await discover(visits);
    expect(discovery.series).toEqual([]);
    expect(discovery.refused).toHaveLength(1);
    expect(discovery.refused[0]!.names).toEqual(['events per day', 'minutes (sum per day)']);
    expect(discovery.refused[0]!.reason).toMatch(
      /^visits, column visited: the time column is irregular \(steps of 2, 3, 4, 8, 10 days/,
    );
    const sparse = (await discover(calls)).discovery;
    expect(sparse.series).toEqual([]);
    expect(sparse.refused.map((r) => r.reason)).toEqual([
      'calls, column called: 24 of 31 daily periods have no value (more than a third): too sparse to treat as a regular series',
    ]);
  });
});
