import type { QueryEngine } from '#platform/ports.ts';
import { ident, literalNumber, nullableNumber, num } from '#query/sql.ts';
import { quantile } from './dialect.ts';

/**
 * What the group comparisons need from the data, computed in SQL so that no row leaves the
 * engine: per group its count, mean, variance and median, the sum of its values' ranks over
 * all groups (ties get their average rank), the mean and variance of its absolute
 * deviations from its median (Brown-Forsythe), its skewness; and the ties correction of
 * Kruskal-Wallis. These are sufficient for one-way ANOVA, Welch's ANOVA, Kruskal-Wallis,
 * Brown-Forsythe's test, Tukey's and Games-Howell's pairs.
 */

export interface GroupSummary {
  group: string;
  n: number;
  mean: number;
  /** Sample variance (n - 1); 0 for one value. */
  variance: number;
  median: number;
  /** Sum of the ranks of the group's values among all values (average ranks for ties). */
  rankSum: number;
  /** Mean and sample variance of |value - the group's median|. */
  deviationMean: number;
  deviationVariance: number;
  /** Sample skewness (n - 1 denominators as the engine has it); null below three values. */
  skewness: number | null;
  min: number;
  max: number;
}

export interface GroupData {
  groups: GroupSummary[];
  /** Values compared (rows with both a value and a group). */
  n: number;
  /** sum over runs of tied values of (t^3 - t), for Kruskal-Wallis' correction. */
  tieTerm: number;
}

/** Per group of `dimension`, the summary of `measure` over the rows of `from` that have both. */
export async function groupData(
  engine: QueryEngine,
  from: string,
  measure: string,
  dimension: string,
): Promise<GroupData> {
  const v = `CAST(${ident(measure)} AS DOUBLE)`;
  const g = `CAST(${ident(dimension)} AS VARCHAR)`;
  const rows = `SELECT ${g} AS g, ${v} AS v FROM ${from} x WHERE ${ident(measure)} IS NOT NULL AND ${ident(dimension)} IS NOT NULL`;
  const summaries = await engine.query(
    `WITH r AS (SELECT g, v, rank() OVER (ORDER BY v) + (count(*) OVER (PARTITION BY v) - 1) / 2.0 AS rk FROM (${rows}) t) ` +
      `SELECT g, count(*) AS n, avg(v) AS mean, coalesce(var_samp(v), 0) AS variance, ` +
      `${quantile(engine.dialect, 'v', 0.5)} AS median, sum(rk) AS rank_sum, skewness(v) AS skew, min(v) AS lo, max(v) AS hi ` +
      `FROM r GROUP BY g ORDER BY g`,
  );
  const medians = new Map(summaries.map((s) => [String(s['g']), num(s['median'])]));
  const groups = summaries.map((s) => ({
    group: String(s['g']),
    n: num(s['n']),
    mean: num(s['mean']),
    variance: num(s['variance']),
    median: num(s['median']),
    rankSum: num(s['rank_sum']),
    deviationMean: 0,
    deviationVariance: 0,
    skewness: num(s['n']) >= 3 ? nullableNumber(s['skew']) : null,
    min: num(s['lo']),
    max: num(s['hi']),
  }));
  if (groups.length > 0) {
    // Brown-Forsythe: each value's distance from its group's median (the medians as literals).
    const cases = groups
      .map(
        (x) =>
          `WHEN g = '${x.group.replaceAll("'", "''")}' THEN ${literalNumber(medians.get(x.group)!)}`,
      )
      .join(' ');
    const deviations = await engine.query(
      `SELECT g, avg(d) AS m, coalesce(var_samp(d), 0) AS s FROM ` +
        `(SELECT g, abs(v - CASE ${cases} END) AS d FROM (${rows}) t) dev GROUP BY g`,
    );
    for (const d of deviations) {
      const x = groups.find((y) => y.group === String(d['g']));
      if (!x) continue;
      x.deviationMean = num(d['m']);
      x.deviationVariance = num(d['s']);
    }
  }
  const [ties] = await engine.query(
    `SELECT coalesce(sum(t * t * t - t), 0) AS term, coalesce(sum(t), 0) AS n FROM ` +
      `(SELECT CAST(count(*) AS DOUBLE) AS t FROM (${rows}) r GROUP BY v) runs`,
  );
  return { groups, n: num(ties?.['n'] ?? 0), tieTerm: num(ties?.['term'] ?? 0) };
}
