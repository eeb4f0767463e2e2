import type { QueryEngine } from '#platform/ports.ts';
import { ident, nullableNumber, num, quoteLiteral } from '#query/sql.ts';

/**
 * The SQL of the KPIs of an events dataset: totals, repeat purchases, quarterly retention
 * and the split of value by a dimension. Each is one aggregate query in the dialect both
 * engines share, over `from` (a table, or `enrichedRows(...).from` for joined dimensions).
 */

/** The columns the KPIs read: a time, and where the data has them a customer, a value, items. */
export interface EventColumns {
  /** SQL for a FROM clause. */
  from: string;
  time: string;
  customer?: string;
  /** The money measure (revenue). */
  value?: string;
  /** The count measure (items, units). */
  items?: string;
}

export interface EventTotals {
  rows: number;
  /** Distinct customers (null without a customer column). */
  customers: number | null;
  /** Customers who bought on two different days or more. */
  repeatCustomers: number | null;
  value: number | null;
  items: number | null;
}

const day = (time: string) => `CAST(${ident(time)} AS DATE)`;

export async function eventTotals(engine: QueryEngine, c: EventColumns): Promise<EventTotals> {
  const value = c.value ? `sum(${ident(c.value)})` : 'NULL';
  const items = c.items ? `sum(${ident(c.items)})` : 'NULL';
  const [totals] = await engine.query(
    `SELECT count(*) AS n, ${value} AS v, ${items} AS i FROM ${c.from} x`,
  );
  let customers: number | null = null;
  let repeat: number | null = null;
  if (c.customer) {
    const [row] = await engine.query(
      `SELECT count(*) AS customers, sum(CASE WHEN days >= 2 THEN 1 ELSE 0 END) AS repeat_customers ` +
        `FROM (SELECT ${ident(c.customer)} AS k, count(DISTINCT ${day(c.time)}) AS days FROM ${c.from} x ` +
        `WHERE ${ident(c.customer)} IS NOT NULL AND ${ident(c.time)} IS NOT NULL GROUP BY 1) per_customer`,
    );
    customers = num(row?.['customers'] ?? 0);
    repeat = num(row?.['repeat_customers'] ?? 0);
  }
  return {
    rows: num(totals?.['n'] ?? 0),
    customers,
    repeatCustomers: repeat,
    value: nullableNumber(totals?.['v']),
    items: nullableNumber(totals?.['i']),
  };
}

/** One calendar quarter's customers and how many of them bought again the next quarter. */
export interface QuarterRetention {
  /** `2024-Q1`. */
  quarter: string;
  active: number;
  retained: number;
}

/**
 * Per calendar quarter in [from, to) (whole quarters only, `YYYY-MM-DD`): the customers who
 * bought in it, and how many of them bought again in the quarter after. The last quarter
 * has no next one in the data, so it is not returned.
 */
export async function quarterlyRetention(
  engine: QueryEngine,
  c: EventColumns & { customer: string },
  from: string,
  to: string,
): Promise<QuarterRetention[]> {
  const index = `(year(${day(c.time)}) * 4 + quarter(${day(c.time)}) - 1)`;
  const rows = await engine.query(
    `WITH q AS (SELECT DISTINCT ${ident(c.customer)} AS k, ${index} AS qi FROM ${c.from} x ` +
      `WHERE ${ident(c.customer)} IS NOT NULL AND ${day(c.time)} >= DATE ${quoteLiteral(from)} ` +
      `AND ${day(c.time)} < DATE ${quoteLiteral(to)}) ` +
      `SELECT a.qi AS qi, count(*) AS active, count(b.k) AS retained FROM q a ` +
      `LEFT JOIN q b ON b.k = a.k AND b.qi = a.qi + 1 GROUP BY a.qi ORDER BY a.qi`,
  );
  const all = rows.map((r) => {
    const qi = num(r['qi']);
    return {
      quarter: `${Math.floor(qi / 4)}-Q${(qi % 4) + 1}`,
      active: num(r['active']),
      retained: num(r['retained']),
    };
  });
  return all.slice(0, -1);
}

/** The value (and rows) of each value of a dimension, in two windows of time and in all. */
export interface DimensionSplit {
  value: string | null;
  rows: number;
  total: number;
  /** The value in the recent window and the one before it (null without those windows). */
  recent: number | null;
  prior: number | null;
}

/**
 * Rows and total of `c.value` per value of `dimension`, largest first, with the totals of
 * two windows of time ([priorFrom, recentFrom) and [recentFrom, recentTo), `YYYY-MM-DD`)
 * for its trend.
 */
export async function valueByDimension(
  engine: QueryEngine,
  c: EventColumns & { value: string },
  dimension: string,
  windows?: { priorFrom: string; recentFrom: string; recentTo: string },
): Promise<DimensionSplit[]> {
  const v = ident(c.value);
  const between = (from: string, to: string) =>
    `sum(CASE WHEN ${day(c.time)} >= DATE ${quoteLiteral(from)} AND ${day(c.time)} < DATE ${quoteLiteral(to)} THEN ${v} ELSE 0 END)`;
  const trend = windows
    ? `, ${between(windows.recentFrom, windows.recentTo)} AS recent, ${between(windows.priorFrom, windows.recentFrom)} AS prior`
    : ', NULL AS recent, NULL AS prior';
  const rows = await engine.query(
    `SELECT CAST(${ident(dimension)} AS VARCHAR) AS dim, count(*) AS n, sum(${v}) AS total${trend} ` +
      `FROM ${c.from} x GROUP BY 1 ORDER BY 3 DESC, 1`,
  );
  return rows.map((r) => ({
    value: r['dim'] === null || r['dim'] === undefined ? null : String(r['dim']),
    rows: num(r['n']),
    total: num(r['total'] ?? 0),
    recent: nullableNumber(r['recent']),
    prior: nullableNumber(r['prior']),
  }));
}
