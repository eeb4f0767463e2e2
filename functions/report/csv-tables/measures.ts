import type { OutlierFinding, TrendFinding } from '../findings.ts';
import { outlierFindings, trendFindings, type ReportModel } from '../model.ts';
import { opt, reportTable, type ReportTable } from './table.ts';

/** The findings per measure column: outliers beyond the IQR fences, and monthly trends. */
export function measureTables(m: ReportModel): ReportTable[] {
  const outliers = outlierFindings(m);
  const trends = trendFindings(m);
  return [
    outlierFences(outliers),
    outlierTable(outliers),
    trendGrowth(trends),
    monthlyTrends(trends),
  ];
}

function outlierFences(findings: OutlierFinding[]): ReportTable {
  return reportTable(
    'outlier-fences',
    'Measures tested for outliers: quartiles, median absolute deviation, IQR fences and how many rows lie beyond',
    [
      'dataset',
      'column',
      'rows checked',
      'outliers',
      'q1',
      'median',
      'q3',
      'MAD',
      'low fence',
      'high fence',
      'min',
      'max',
    ],
    findings.map((f) => [
      f.dataset,
      f.column,
      f.rowsChecked,
      f.count,
      f.q1,
      f.median,
      f.q3,
      opt(f.mad),
      f.low,
      f.high,
      opt(f.min),
      opt(f.max),
    ]),
  );
}

/** The most extreme rows of each measure (at most ten: the model keeps no more). */
function outlierTable(findings: OutlierFinding[]): ReportTable {
  return reportTable(
    'outliers',
    'Outliers: the most extreme rows beyond the IQR fences, with their robust z-score',
    ['dataset', 'column', 'id column', 'id', 'time column', 'date', 'value', 'side', 'robust z'],
    findings.flatMap((f) =>
      f.examples.map((e) => [
        f.dataset,
        f.column,
        opt(f.idColumn),
        opt(e.id),
        opt(f.timeColumn),
        opt(e.date),
        e.value,
        e.side,
        opt(e.score),
      ]),
    ),
  );
}

/** Growth as a change ((to - from) / |from|); the slope per month in the measure's units. */
function trendGrowth(findings: TrendFinding[]): ReportTable {
  return reportTable(
    'trend-growth',
    'Monthly trends: the last full month, its growth and the trend per month',
    [
      'dataset',
      'measure',
      'time column',
      'aggregation',
      'last full month',
      'value',
      'month over month',
      'year over year',
      'last 12 months vs the 12 before',
      'slope per month',
      'slope share of mean',
    ],
    findings.map((t) => [
      t.dataset,
      t.column,
      t.timeColumn,
      t.aggregation,
      t.lastFullMonth,
      opt(t.months.find((m) => m.month === t.lastFullMonth)?.value),
      opt(t.monthOverMonth?.change),
      opt(t.yearOverYear?.change),
      opt(t.trailingTwelve?.change),
      opt(t.slopePerMonth),
      opt(t.slopeShareOfMean),
    ]),
  );
}

/**
 * Long format, every month (the report shows the last 13), in calendar order. A month with
 * no rows at all is listed too, with no value, so a chart of the column shows the gap.
 */
function monthlyTrends(findings: TrendFinding[]): ReportTable {
  return reportTable(
    'monthly-trends',
    'Each measure per calendar month: total or average, rows, and whether the month is full, partial or empty',
    ['dataset', 'measure', 'aggregation', 'month', 'value', 'rows', 'status'],
    findings.flatMap((t) =>
      [
        ...t.months.map((m) => [m.month, m.value, m.rows, m.partial ? 'partial' : 'full'] as const),
        ...t.missingMonths.map((month) => [month, null, 0, 'no rows'] as const),
      ]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map((row) => [t.dataset, t.column, t.aggregation, ...row]),
    ),
  );
}
