import type { Contract, QueryEngine } from '#platform/ports.ts';
import { rowsOutside, type DatasetProfile, type MeasureQuartiles } from '#query/aggregates.ts';
import type { OutlierFinding } from '#report/findings.ts';
import { MAD_SCALE } from './anomaly/robust.ts';
import { iqrFences } from './iqr.ts';

/** How many of the most extreme rows each finding lists. */
const EXAMPLES = 10;

/**
 * IQR outliers of every measure of a dataset, each naming its rows (id and date), the
 * typical value (the median) it departs from, and its robust z-score (MAD). A measure with
 * IQR 0 is skipped: every value off the median would count, which says nothing. Measures in
 * `judgedAsSeries` (one value per date, judged against a seasonal baseline instead) are left
 * out: on them this rule, which knows no season, flags every seasonal peak.
 */
export async function findOutliers(
  engine: QueryEngine,
  contract: Contract,
  quartiles: MeasureQuartiles[],
  profile: DatasetProfile,
  judgedAsSeries: readonly string[] = [],
): Promise<OutlierFinding[]> {
  const keyColumns = [contract.primaryKey, contract.timeColumn].filter(
    (c, i, all): c is string => c !== undefined && all.indexOf(c) === i,
  );
  const findings: OutlierFinding[] = [];
  for (const q of quartiles) {
    if (judgedAsSeries.includes(q.column)) continue;
    const fences = iqrFences(q.q1, q.q3);
    if (fences.iqr === 0) continue;
    const found = await rowsOutside(
      engine,
      contract,
      q.column,
      { ...fences, center: q.median },
      keyColumns,
      EXAMPLES,
    );
    if (found.total === 0) continue;
    findings.push({
      id: `outliers:${contract.dataset}:${q.column}`,
      kind: 'outliers',
      dataset: contract.dataset,
      column: q.column,
      method: 'iqr',
      ...(contract.primaryKey ? { idColumn: contract.primaryKey } : {}),
      ...(contract.timeColumn ? { timeColumn: contract.timeColumn } : {}),
      q1: q.q1,
      median: q.median,
      q3: q.q3,
      ...(Number.isFinite(q.mad) ? { mad: q.mad } : {}),
      low: fences.low,
      high: fences.high,
      count: found.total,
      rowsChecked: profile.rows,
      ...observedRange(profile, q.column),
      examples: found.rows.map((r) => {
        const value = Number(r['value']);
        // A MAD of 5e-324 is 0 too: the score would be infinite.
        const score = (value - q.median) / (MAD_SCALE * q.mad);
        return {
          id: contract.primaryKey ? String(r[contract.primaryKey]) : undefined,
          date: contract.timeColumn ? String(r[contract.timeColumn]) : undefined,
          value,
          side: value > fences.high ? 'high' : 'low',
          ...(q.mad > 0 && Number.isFinite(score) ? { score } : {}),
        };
      }),
    });
  }
  return findings;
}

/** The column's smallest and largest values, so the report can say when a fence lies beyond them. */
function observedRange(profile: DatasetProfile, column: string): { min?: number; max?: number } {
  const c = profile.columns.find((p) => p.name === column);
  return typeof c?.min === 'number' && typeof c.max === 'number' ? { min: c.min, max: c.max } : {};
}
