import type { CsvValue } from '#platform/csv-export.ts';
import type { Growth, KpiFinding } from '../findings.ts';
import { kpiFindings, type ReportModel } from '../model.ts';
import { opt, reportTable, type ReportTable } from './table.ts';

/** The KPIs section: headline figures, revenue growth, retention by quarter, revenue by dimension. */
export function kpiTables(m: ReportModel): ReportTable[] {
  const findings = kpiFindings(m);
  return [kpis(findings), kpiGrowth(findings), retention(findings), kpiByDimension(findings)];
}

/** The headline figures as the report's KPI table lists them; shares are 0 to 1. */
function kpis(findings: KpiFinding[]): ReportTable {
  return reportTable(
    'kpis',
    'Key performance indicators of each events dataset, with how each is defined',
    ['dataset', 'from', 'to', 'kpi', 'value', 'definition'],
    findings.flatMap((f) => headline(f).map((row) => [f.dataset, f.first, f.last, ...row])),
  );
}

function headline(f: KpiFinding): CsvValue[][] {
  const rows: CsvValue[][] = [];
  if (f.valueColumn) rows.push(['Revenue', f.revenue, `sum of ${f.valueColumn}`]);
  rows.push(['Transactions', f.transactions, 'rows of the dataset']);
  if (f.valueColumn)
    rows.push(['Average transaction value', f.averageTransactionValue, 'revenue / transactions']);
  if (f.itemsColumn)
    rows.push([
      'Average items per transaction',
      f.averageItemsPerTransaction,
      `sum of ${f.itemsColumn} / transactions`,
    ]);
  if (f.customerColumn) {
    rows.push(['Customers', f.customers, `distinct ${f.customerColumn}`]);
    rows.push(['Repeat customers', f.repeatCustomers, 'customers who bought on two days or more']);
    rows.push(['Repeat-purchase rate', f.repeatPurchaseRate, 'repeat customers / customers']);
    const last = f.retention[f.retention.length - 1];
    if (last)
      rows.push([
        `Retention, ${last.quarter} to the next quarter`,
        last.rate,
        `share of the ${last.active} customers who bought in ${last.quarter} who bought again the quarter after`,
      ]);
  }
  return rows;
}

/** Long format: one row per comparison, each with both of its figures. */
function kpiGrowth(findings: KpiFinding[]): ReportTable {
  return reportTable(
    'kpi-growth',
    'Revenue growth between full months: (value - compared value) / |compared value|',
    [
      'dataset',
      'measure',
      'comparison',
      'period',
      'value',
      'compared with',
      'compared value',
      'change',
    ],
    findings.flatMap((f) => growth(f).map((row) => [f.dataset, opt(f.valueColumn), ...row])),
  );
}

function growth(f: KpiFinding): CsvValue[][] {
  const g = f.growth;
  if (!g) return [];
  const compare = (comparison: string, x: Growth) => [
    comparison,
    x.to,
    x.toValue,
    x.from,
    x.fromValue,
    x.change ?? null,
  ];
  const rows: CsvValue[][] = [];
  if (g.monthOverMonth) rows.push(compare('month over month', g.monthOverMonth));
  if (g.yearOverYear) rows.push(compare('year over year', g.yearOverYear));
  const t = g.trailingTwelve;
  // The model names the last twelve months (`2024-01..2024-12`), not the twelve before.
  if (t)
    rows.push([
      'last 12 months vs the 12 before',
      t.from,
      t.value,
      null,
      t.previous,
      t.change ?? null,
    ]);
  return rows;
}

function retention(findings: KpiFinding[]): ReportTable {
  return reportTable(
    'retention',
    'Retention by quarter: customers who bought in the quarter, and the share who bought again the next',
    ['dataset', 'quarter', 'customers', 'bought again next quarter', 'retention'],
    findings.flatMap((f) =>
      f.retention.map((q) => [f.dataset, q.quarter, q.active, q.retained, q.rate]),
    ),
  );
}

/**
 * Revenue per value of each dimension. The windows of the change columns are on every row
 * (they are per dataset): recent is [recent from, recent to), prior is [prior from, recent from).
 */
function kpiByDimension(findings: KpiFinding[]): ReportTable {
  return reportTable(
    'kpi-by-dimension',
    'Revenue by dimension value, and its change over the last 12 full months against the 12 before',
    [
      'dataset',
      'dimension',
      'entity',
      'value',
      'rows',
      'revenue',
      'share',
      'recent revenue',
      'prior revenue',
      'change',
      'recent from',
      'recent to (exclusive)',
      'prior from',
    ],
    findings.flatMap((f) =>
      f.byDimension.flatMap((d) =>
        d.values.map((v) => [
          f.dataset,
          d.column,
          opt(d.entity),
          v.value,
          v.rows,
          v.total,
          v.share,
          opt(v.recent),
          opt(v.prior),
          opt(v.change),
          opt(f.windows?.recentFrom),
          opt(f.windows?.recentTo),
          opt(f.windows?.priorFrom),
        ]),
      ),
    ),
  );
}
