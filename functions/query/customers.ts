import type { QueryEngine } from '#platform/ports.ts';
import type { EventColumns } from '#query/kpis.ts';
import { ident, num, quoteIdent, quoteLiteral } from '#query/sql.ts';

/**
 * One row per customer from an events dataset, aggregated in SQL (so on Athena the events
 * never leave the engine, only one row per customer does): what segments, lifetime value and
 * the top-customers table are computed from.
 */

export interface CustomerActivity {
  customer: string;
  /** Distinct days with a purchase (several orders on one day count once, as BG/NBD wants). */
  days: number;
  orders: number;
  /** First and last purchase day, `YYYY-MM-DD`. */
  first: string;
  last: string;
  /** Total value (0 without a value column). */
  value: number;
  /** The value of the first purchase day (the rest is what repeat purchases were worth). */
  firstDayValue: number;
  /** Per dimension alias asked for: the value the customer spent most on (ties: the first by name). */
  main: Record<string, string | null>;
}

/**
 * Every customer's activity up to `until` (inclusive, `YYYY-MM-DD`; all of it without),
 * ordered by customer. `fromOf` gives the FROM that holds a dimension, where `c.from` need
 * not (Enriched.fromFor: a join only for the dimension that needs it).
 */
export async function customerActivity(
  engine: QueryEngine,
  c: EventColumns & { customer: string },
  options: {
    until?: string;
    dimensions?: readonly string[];
    fromOf?: (dimension: string) => string;
  } = {},
): Promise<CustomerActivity[]> {
  const day = `CAST(${ident(c.time)} AS DATE)`;
  const value = c.value ? `CAST(${ident(c.value)} AS DOUBLE)` : 'CAST(0 AS DOUBLE)';
  const where =
    `${ident(c.customer)} IS NOT NULL AND ${ident(c.time)} IS NOT NULL` +
    (options.until ? ` AND ${day} <= DATE ${quoteLiteral(options.until)}` : '');
  // `first` and `last` are reserved words in Athena's SELECT: never bare aliases.
  const rows = await engine.query(
    `WITH d AS (SELECT CAST(${ident(c.customer)} AS VARCHAR) AS k, ${day} AS day, count(*) AS orders, ` +
      `coalesce(sum(${value}), 0) AS v FROM ${c.from} x WHERE ${where} GROUP BY 1, 2), ` +
      `f AS (SELECT k, min(day) AS first_day FROM d GROUP BY k) ` +
      `SELECT d.k AS k, count(*) AS days, sum(d.orders) AS orders, min(d.day) AS first_day, max(d.day) AS last_day, ` +
      `sum(d.v) AS v, sum(CASE WHEN d.day = f.first_day THEN d.v ELSE 0 END) AS first_v ` +
      `FROM d JOIN f ON d.k = f.k GROUP BY d.k ORDER BY d.k`,
  );
  const activity = rows.map((r) => ({
    customer: String(r['k']),
    days: num(r['days']),
    orders: num(r['orders']),
    first: String(r['first_day']).slice(0, 10),
    last: String(r['last_day']).slice(0, 10),
    value: num(r['v'] ?? 0),
    firstDayValue: num(r['first_v'] ?? 0),
    main: {} as Record<string, string | null>,
  }));
  const index = new Map(activity.map((a, i) => [a.customer, i]));
  for (const dimension of options.dimensions ?? []) {
    const weight = c.value ? `sum(${value})` : 'count(*)';
    const main = await engine.query(
      `SELECT k, dim FROM (SELECT k, dim, row_number() OVER (PARTITION BY k ORDER BY w DESC, dim) AS rank_in ` +
        `FROM (SELECT CAST(${ident(c.customer)} AS VARCHAR) AS k, CAST(${ident(dimension)} AS VARCHAR) AS dim, ${weight} AS w ` +
        `FROM ${options.fromOf?.(dimension) ?? c.from} x WHERE ${where} GROUP BY 1, 2) weights) ranked WHERE rank_in = 1`,
    );
    for (const a of activity) a.main[dimension] = null;
    for (const r of main) {
      const i = index.get(String(r['k']));
      if (i !== undefined)
        activity[i]!.main[dimension] = r['dim'] === null ? null : String(r['dim']);
    }
  }
  return activity;
}

/** Distinct purchase days per customer in (after, until], both `YYYY-MM-DD`: a holdout's actuals. */
export async function purchaseDaysBetween(
  engine: QueryEngine,
  c: EventColumns & { customer: string },
  after: string,
  until: string,
): Promise<Map<string, { days: number; value: number }>> {
  const day = `CAST(${ident(c.time)} AS DATE)`;
  const value = c.value ? `CAST(${ident(c.value)} AS DOUBLE)` : 'CAST(0 AS DOUBLE)';
  const rows = await engine.query(
    `SELECT CAST(${ident(c.customer)} AS VARCHAR) AS k, count(DISTINCT ${day}) AS days, coalesce(sum(${value}), 0) AS v ` +
      `FROM ${c.from} x WHERE ${ident(c.customer)} IS NOT NULL AND ${day} > DATE ${quoteLiteral(after)} ` +
      `AND ${day} <= DATE ${quoteLiteral(until)} GROUP BY 1`,
  );
  return new Map(rows.map((r) => [String(r['k']), { days: num(r['days']), value: num(r['v']) }]));
}

/** Entity rows by key: the traits (dimensions and measures) of the customers, for profiles and drivers. */
export async function entityTraits(
  engine: QueryEngine,
  entity: { from: string; key: string; columns: readonly string[] },
): Promise<Map<string, Record<string, string | number | null>>> {
  if (entity.columns.length === 0) return new Map();
  const rows = await engine.query(
    `SELECT CAST(${ident(entity.key)} AS VARCHAR) AS k, ${entity.columns.map((c) => `${ident(c)} AS ${quoteIdent(c)}`).join(', ')} ` +
      `FROM ${entity.from} x`,
  );
  return new Map(
    rows.map((r) => [
      String(r['k']),
      Object.fromEntries(
        entity.columns.map((c) => {
          const v = r[c];
          return [
            c,
            typeof v === 'number' || typeof v === 'string' || v === null
              ? v
              : v === undefined
                ? null
                : String(v),
          ];
        }),
      ),
    ]),
  );
}
