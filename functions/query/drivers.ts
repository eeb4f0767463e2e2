import type { QueryEngine } from '#platform/ports.ts';
import { ident, nullableNumber, num, quoteLiteral } from '#query/sql.ts';
import type { Cell } from '#analysis/drivers/decompose.ts';

/** A half-open range of days, `[from, to)`, as `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

export interface DriverQuery {
  /** SQL for a FROM clause: a dataset's table or view, or joined rows. */
  from: string;
  time: string;
  /** The measure summed (revenue). */
  value: string;
  /** The volume a rate is per: a column summed (units), or rows when absent (orders). */
  volume?: string;
  dimensions: readonly string[];
  reference: DayRange;
  target: DayRange;
  /** Only the rows where these dimensions have these values (a drill into one value). */
  where?: readonly { dimension: string; value: string | null }[];
}

/**
 * The reference and target totals of each value of each dimension: one scan, of only the
 * days of the two periods (one UNION ALL branch per dimension, in the dialect both engines
 * share), so Athena reads no more than those periods.
 */
export async function driverCells(
  engine: QueryEngine,
  q: DriverQuery,
): Promise<Map<string, Cell[]>> {
  if (q.dimensions.length === 0) return new Map();
  const day = `CAST(${ident(q.time)} AS DATE)`;
  const inRange = (r: DayRange) =>
    `${day} >= DATE ${quoteLiteral(r.from)} AND ${day} < DATE ${quoteLiteral(r.to)}`;
  const value = ident(q.value);
  const volume = q.volume ? ident(q.volume) : '1';
  const totals = (r: DayRange, as: string) =>
    `sum(CASE WHEN ${inRange(r)} THEN ${value} END) AS ${as}_sum, ` +
    `sum(CASE WHEN ${inRange(r)} AND ${value} IS NOT NULL THEN ${volume} END) AS ${as}_count`;
  const filters = [
    `((${inRange(q.reference)}) OR (${inRange(q.target)}))`,
    ...(q.where ?? []).map((w) =>
      w.value === null
        ? `${ident(w.dimension)} IS NULL`
        : `CAST(${ident(w.dimension)} AS VARCHAR) = ${quoteLiteral(w.value)}`,
    ),
  ];
  const branches = q.dimensions.map(
    (d) =>
      `SELECT ${quoteLiteral(d)} AS dimension, CAST(${ident(d)} AS VARCHAR) AS dimension_value, ` +
      `${totals(q.reference, 'reference')}, ${totals(q.target, 'target')} ` +
      `FROM ${q.from} x WHERE ${filters.join(' AND ')} GROUP BY CAST(${ident(d)} AS VARCHAR)`,
  );
  const rows = await engine.query(`${branches.join(' UNION ALL ')} ORDER BY 1, 2`);
  const cells = new Map<string, Cell[]>(q.dimensions.map((d) => [d, []]));
  for (const r of rows) {
    const period = (as: string) => ({
      sum: nullableNumber(r[`${as}_sum`]) ?? 0,
      count: num(r[`${as}_count`] ?? 0),
    });
    cells.get(String(r['dimension']))!.push({
      value: r['dimension_value'] === null ? null : String(r['dimension_value']),
      reference: period('reference'),
      target: period('target'),
    });
  }
  return cells;
}
