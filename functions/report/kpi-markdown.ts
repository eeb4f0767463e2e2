import type { DimensionKpi, Growth, KpiFinding } from './findings.ts';
import { cell, formatChange, formatNumber, formatShare, table } from './format.ts';

/**
 * The KPIs section (seed document section 1.2): per events dataset, the headline figures
 * with how each is defined, retention by quarter, and revenue by each dimension with its
 * change over the last twelve full months.
 */
export function kpiSection(findings: KpiFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const parts = findings.flatMap((f) => [datasetKpis(f), '']);
  return ['## Key performance indicators', '', ...parts].join('\n').trimEnd();
}

function datasetKpis(f: KpiFinding): string {
  const value = f.valueColumn ? `\`${cell(f.valueColumn)}\`` : undefined;
  const rows: string[][] = [];
  const add = (kpi: string, figure: string, definition: string) =>
    rows.push([kpi, figure, definition]);
  if (value) add('Revenue', formatNumber(f.revenue), `sum of ${value}`);
  add('Transactions', formatNumber(f.transactions), 'rows of the dataset');
  if (value)
    add(
      'Average transaction value',
      formatNumber(f.averageTransactionValue),
      'revenue / transactions',
    );
  if (f.itemsColumn)
    add(
      'Average items per transaction',
      formatNumber(f.averageItemsPerTransaction),
      `sum of \`${cell(f.itemsColumn)}\` / transactions`,
    );
  if (f.customerColumn) {
    add('Customers', formatNumber(f.customers), `distinct \`${cell(f.customerColumn)}\``);
    add(
      'Repeat-purchase rate',
      share(f.repeatPurchaseRate),
      `customers who bought on two different days or more (${formatNumber(f.repeatCustomers)}) / customers`,
    );
    const last = f.retention[f.retention.length - 1];
    if (last)
      add(
        `Retention, ${last.quarter} to the next quarter`,
        share(last.rate),
        `of the ${formatNumber(last.active)} customers who bought in ${last.quarter}, the share who bought again the quarter after`,
      );
  }
  if (f.growth) {
    const g = f.growth;
    if (g.monthOverMonth) add(...growthRow('Revenue, month over month', g.monthOverMonth));
    if (g.yearOverYear) add(...growthRow('Revenue, year over year', g.yearOverYear));
    if (g.trailingTwelve)
      add(
        'Revenue, last 12 months vs the 12 before',
        formatChange(g.trailingTwelve.change),
        `${formatNumber(g.trailingTwelve.value)} against ${formatNumber(g.trailingTwelve.previous)} (12 full months to ${g.lastFullMonth})`,
      );
  }
  const out = [
    `### ${kpiHeading(f)}`,
    '',
    table(['KPI', 'Value', 'Definition'], rows, ['l', 'r', 'l']),
  ];
  if (f.retention.length > 1) {
    out.push(
      '',
      'Retention by quarter (customers who bought in the quarter, and how many bought again the next one):',
      '',
      table(
        ['Quarter', 'Customers', 'Bought again next quarter', 'Retention'],
        f.retention.map((q) => [
          q.quarter,
          formatNumber(q.active),
          formatNumber(q.retained),
          share(q.rate),
        ]),
        ['l', 'r', 'r', 'r'],
      ),
    );
  }
  for (const d of f.byDimension) out.push('', ...dimensionTable(f, d));
  return out.join('\n');
}

function growthRow(label: string, g: Growth): [string, string, string] {
  return [
    label,
    formatChange(g.change),
    `${g.to} (${formatNumber(g.toValue)}) against ${g.from} (${formatNumber(g.fromValue)})`,
  ];
}

function dimensionTable(f: KpiFinding, d: DimensionKpi): string[] {
  const name = d.entity ? `${cell(d.column)} (of ${cell(d.entity)})` : cell(d.column);
  const trend = f.windows !== undefined && d.values.some((v) => v.recent !== undefined);
  const headers = ['Value', 'Revenue', 'Share', 'Rows'];
  if (trend) headers.push('Last 12 months', '12 months before', 'Change');
  const rows = d.values.map((v) => [
    v.value === null ? '(empty)' : cell(v.value),
    formatNumber(v.total),
    share(v.share),
    formatNumber(v.rows),
    ...(trend
      ? [formatNumber(v.recent), formatNumber(v.prior), formatChange(v.change ?? undefined)]
      : []),
  ]);
  const window = trend
    ? ` (the last 12 full months from ${f.windows!.recentFrom} against the 12 before)`
    : '';
  return [
    `Revenue by ${name}${window}:`,
    '',
    table(headers, rows, ['l', ...headers.slice(1).map(() => 'r' as const)]),
  ];
}

const share = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : formatShare(x);

/** The heading of a dataset's KPIs (also where its charts go). */
export function kpiHeading(f: KpiFinding): string {
  return `${cell(f.dataset)} (${f.first} to ${f.last})`;
}
