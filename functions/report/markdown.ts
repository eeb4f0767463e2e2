import { driversSection } from './drivers-markdown.ts';
import type { OutlierFinding, TrendFinding } from './findings.ts';
import {
  cell,
  formatChange,
  formatNumber,
  formatShare,
  normalRange,
  plural,
  table,
} from './format.ts';
import { RUN } from '#workflow/plan.ts';
import { relationshipsAndCustomersMethodology } from './customers-methodology.ts';
import { customersSection } from './customers-markdown.ts';
import { groupDifferencesSection } from './groups-markdown.ts';
import { kpiSection } from './kpi-markdown.ts';
import { relationshipsSection } from './relationships-markdown.ts';
import {
  customerFindings,
  forecastFindings,
  groupDifferenceFindings,
  kpiFindings,
  relationshipFindings,
  outlierFindings,
  seriesAnomalyFindings,
  trendFindings,
  type DatasetSection,
  type ReportModel,
} from './model.ts';
import { forecastsSection, seriesAnomaliesSection, seriesMethodology } from './series-markdown.ts';
import { coverageLine, robustDistance } from './summary.ts';
import { runRecordSection } from './run-markdown.ts';
import { reportTables, tableKey, type ReportTable } from './csv-tables.ts';
import {
  headlineLines,
  implementationPlanSection,
  keyNarrativesSection,
  narrativeMethodology,
  priorityActionsSection,
  recommendationsSection,
} from './narrative/markdown.ts';

/** How many recent months the trend tables show. */
const MONTHS_SHOWN = 13;

/** `report.md`: only sections with computed content; what could not be computed says why. */
export function renderMarkdown(
  model: ReportModel,
  tables: ReportTable[] = reportTables(model),
): string {
  const analyses = ANALYSIS_SECTIONS.map((s) => ({ ...s, text: s.render(model) }));
  const sections = [
    header(model),
    executiveSummary(model),
    keyNarrativesSection(model),
    priorityActionsSection(model),
    ...analyses.map((s) => s.text),
    recommendationsSection(model),
    implementationPlanSection(model),
    dataAnalyzed(model),
    tablesSection(tables),
    notComputed(model),
    methodology(
      model,
      analyses.filter((s) => s.text === undefined),
    ),
  ];
  return sections.filter((s): s is string => s !== undefined).join('\n\n') + '\n';
}

/**
 * The analysis sections in reading order (the seed outline's: KPIs, segments and value,
 * trends and forecasts, then the statistics), each with why it is missing when the run has
 * nothing for it: the analyses that would fill it, whose own reasons are quoted if they gave one.
 */
const ANALYSIS_SECTIONS: {
  title: string;
  analyses: string[];
  missing: string;
  render: (m: ReportModel) => string | undefined;
}[] = [
  {
    title: 'Key performance indicators',
    analyses: ['kpis'],
    missing: 'no events dataset with a time column (transactions, orders) was analysed',
    render: (m) => kpiSection(kpiFindings(m)),
  },
  {
    title: 'Customers: segments and lifetime value',
    analyses: ['customers'],
    missing: 'no events dataset names its customer in a column',
    render: (m) => customersSection(customerFindings(m)),
  },
  {
    title: 'Trends',
    analyses: ['monthly-trends'],
    missing: 'no dataset has a time column and a measure',
    render: (m) => trends(trendFindings(m)),
  },
  {
    title: 'Forecasts',
    analyses: ['forecast'],
    missing: 'no dataset has a regular time series long enough to forecast',
    render: (m) => forecastsSection(forecastFindings(m)),
  },
  {
    title: 'Time-series anomalies',
    analyses: ['anomalies'],
    missing: 'no dataset has a regular time series long enough to judge',
    render: (m) => seriesAnomaliesSection(seriesAnomalyFindings(m)),
  },
  {
    title: 'What drove the changes',
    analyses: ['kpis', 'anomalies'],
    missing:
      'no revenue change of 10% or more month over month or year over year, and no incident of a summed or averaged measure of rows with dimensions to split it by',
    render: (m) => driversSection(m),
  },
  {
    title: 'Anomalies',
    analyses: ['outliers'],
    missing: 'no measure has rows outside its interquartile fences',
    render: (m) => anomalies(outlierFindings(m)),
  },
  {
    title: 'Predictive relationships',
    analyses: ['relationships'],
    missing: 'no dataset has two regular time series to test against each other',
    render: (m) => relationshipsSection(relationshipFindings(m)),
  },
  {
    title: 'Group differences',
    analyses: ['group-differences'],
    missing: 'no measure could be compared across the values of a dimension',
    render: (m) => groupDifferencesSection(groupDifferenceFindings(m)),
  },
];

function header(m: ReportModel): string {
  return [
    `# Insights report`,
    '',
    `Run \`${m.run.runId}\` (trigger: ${m.run.trigger}), generated ${m.run.generatedAt}.`,
    '',
    `The data: ${describeData(m.datasets)}.`,
  ].join('\n');
}

/** What the data is, by kind, instead of a guess at the business: `2 entity datasets (...)`. */
function describeData(datasets: DatasetSection[]): string {
  const kinds: [DatasetSection['kind'], string, string][] = [
    ['events', 'events dataset', 'events datasets'],
    ['time_series', 'time series dataset', 'time series datasets'],
    ['entities', 'entity dataset', 'entity datasets'],
  ];
  const parts = kinds.flatMap(([kind, one, many]) => {
    const list = datasets.filter((d) => d.kind === kind);
    if (list.length === 0) return [];
    const each = list.map(
      (d) =>
        `${cell(d.dataset)}, ${plural(d.rowsAnalyzed, 'row')}` +
        (d.coverage
          ? ` from ${d.coverage.first.slice(0, 10)} to ${d.coverage.last.slice(0, 10)}`
          : ''),
    );
    return [`${list.length === 1 ? `1 ${one}` : `${list.length} ${many}`} (${each.join('; ')})`];
  });
  return parts.length ? parts.join(', ') : 'no dataset could be analysed';
}

function executiveSummary(m: ReportModel): string {
  return [
    '## Executive summary',
    '',
    `- ${cell(coverageLine(m.datasets))}`,
    ...headlineLines(m).map((s) => `- ${s}`),
  ].join('\n');
}

function anomalies(findings: OutlierFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const overview = table(
    [
      'Dataset',
      'Column',
      'Rows tested',
      'Outliers',
      'Share of rows',
      'Normal range (IQR fences)',
      'Median',
    ],
    findings.map((f) => [
      cell(f.dataset),
      cell(f.column),
      formatNumber(f.rowsChecked),
      formatNumber(f.count),
      formatShare(f.count / f.rowsChecked),
      normalRange(f),
      formatNumber(f.median),
    ]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
  );
  const details = findings.map((f) => {
    const hasId = f.examples.some((e) => e.id !== undefined);
    const hasDate = f.examples.some((e) => e.date !== undefined);
    const headers = [
      ...(hasId ? [f.idColumn ?? 'row'] : []),
      ...(hasDate ? [f.timeColumn ?? 'date'] : []),
      'Value',
      'vs median',
      'IQRs from median',
      'Robust z (MAD)',
    ];
    const rows = f.examples.map((e) => [
      ...(hasId ? [cell(e.id)] : []),
      ...(hasDate ? [cell(e.date)] : []),
      formatNumber(e.value),
      formatChange(f.median !== 0 ? (e.value - f.median) / Math.abs(f.median) : undefined),
      `${e.side === 'high' ? '+' : '-'}${formatNumber(robustDistance(f, e))}`,
      e.score === undefined ? 'n/a (MAD 0)' : `${e.score > 0 ? '+' : ''}${formatNumber(e.score)}`,
    ]);
    const shown =
      f.examples.length < f.count
        ? `the ${f.examples.length} most extreme of ${formatNumber(f.count)}`
        : f.count === 1
          ? 'the only one'
          : `all ${formatNumber(f.count)}`;
    return [
      `### ${cell(f.dataset)}.${cell(f.column)}`,
      '',
      `Rows outside the normal range (${normalRange(f)}), ${shown}:`,
      '',
      table(headers, rows, [...headers.map(() => 'l' as const).slice(4), 'r', 'r', 'r', 'r']),
    ].join('\n');
  });
  return [
    '## Anomalies',
    '',
    'Values outside the interquartile fences of their column (below Q1 − 1.5 × IQR or above Q3 + 1.5 × IQR), each with the row or date to look at, how far it lies from the median in interquartile ranges, and its robust z-score (its distance from the median in units of 1.4826 × the median absolute deviation: about standard deviations, for normal data). Every row of each measure is tested. A measure with one value per date of a time series is judged against its seasonal baseline under Time-series anomalies instead: this rule knows no season.',
    '',
    overview,
    '',
    ...details.flatMap((d) => [d, '']),
  ]
    .join('\n')
    .trimEnd();
}

function trends(findings: TrendFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const byDataset = groupBy(findings, (f) => f.dataset);
  const parts = [...byDataset].map(([dataset, list]) => {
    const growth = table(
      [
        'Measure',
        'Monthly',
        `Last full month`,
        'Value',
        'Month over month',
        'Year over year',
        'Last 12 months vs prior 12',
        'Trend per month',
      ],
      list.map((t) => [
        cell(t.column),
        t.aggregation === 'sum' ? 'total' : 'average',
        t.lastFullMonth,
        formatNumber(t.months.find((m) => m.month === t.lastFullMonth)?.value),
        formatChange(t.monthOverMonth?.change),
        formatChange(t.yearOverYear?.change),
        formatChange(t.trailingTwelve?.change),
        t.slopeShareOfMean === undefined
          ? 'n/a'
          : `${formatChange(t.slopeShareOfMean)} of the mean`,
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
    );
    const missing = new Set(list[0]!.missingMonths);
    const months = [...new Set([...list.flatMap((t) => t.months.map((m) => m.month)), ...missing])]
      .sort()
      .slice(-MONTHS_SHOWN);
    const monthly = table(
      [
        'Month',
        ...list.map((t) => `${cell(t.column)} (${t.aggregation === 'sum' ? 'total' : 'avg'})`),
      ],
      months.map((month) => {
        const partial = list.some((t) => t.months.find((m) => m.month === month)?.partial);
        return [
          missing.has(month) ? `${month} (no rows)` : partial ? `${month} (partial)` : month,
          ...list.map((t) => formatNumber(t.months.find((m) => m.month === month)?.value)),
        ];
      }),
      ['l', ...list.map(() => 'r' as const)],
    );
    return [
      `### ${cell(dataset)}`,
      '',
      `By month of \`${list[0]!.timeColumn}\`; growth compares full calendar months only.`,
      ...(missing.size
        ? [
            '',
            `No rows at all in ${[...missing].join(', ')}: growth across a missing month is not computed.`,
          ]
        : []),
      '',
      growth,
      '',
      `The last ${months.length} months:`,
      '',
      monthly,
    ].join('\n');
  });
  return ['## Trends', '', ...parts.flatMap((p) => [p, ''])].join('\n').trimEnd();
}

function dataAnalyzed(m: ReportModel): string {
  const overview = table(
    [
      'Dataset',
      'Kind',
      'Files',
      'Rows read',
      'Rows analysed',
      'Quarantined',
      'Columns',
      'Time range',
    ],
    m.datasets.map((d) => [
      cell(d.dataset),
      d.kind.replace('_', ' '),
      formatNumber(d.files.length),
      formatNumber(d.rowsRead),
      formatNumber(d.rowsAnalyzed),
      formatNumber(d.rowsQuarantined),
      formatNumber(d.columns.length),
      d.coverage ? `${d.coverage.first.slice(0, 10)} to ${d.coverage.last.slice(0, 10)}` : '',
    ]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  const quarantine = m.datasets.filter((d) => d.rowsQuarantined > 0).map(quarantineSection);
  const ignored = m.datasets.flatMap((d) =>
    d.files
      .filter((f) => f.ignoredColumns?.length)
      .map(
        (f) =>
          `- \`${cell(f.sourceKey)}\` has columns that ${cell(d.dataset)}'s contract lacks, not analysed: ${f.ignoredColumns!.map(cell).join(', ')}.`,
      ),
  );
  const skipped = m.skippedDatasets.length
    ? [
        '',
        'Not analysed:',
        '',
        ...m.skippedDatasets.map((s) => `- ${cell(s.dataset)}: ${s.reason}.`),
      ]
    : [];
  // Files refused whole (empty, unreadable, a required column missing), wherever they belong.
  const refused = [
    ...m.datasets.flatMap((d) =>
      d.files.flatMap((f) => (f.fileError ? [[f.sourceKey, f.fileError]] : [])),
    ),
    ...m.skippedDatasets.flatMap((s) => s.fileErrors.map((f) => [f.sourceKey, f.error])),
  ].map(([key, error]) => `- \`${cell(key)}\`: ${cell(error)}`);
  // How files were read (an encoding, a date order, a contract change), as their manifests say.
  const warned = [
    ...m.datasets.flatMap((d) =>
      d.files.flatMap((f) => (f.warnings?.length ? [[f.sourceKey, f.warnings] as const] : [])),
    ),
    ...m.skippedDatasets.flatMap((s) =>
      (s.fileWarnings ?? []).map((f) => [f.sourceKey, f.warnings] as const),
    ),
  ].map(
    ([key, warnings]) =>
      `- \`${cell(key)}\`: ${warnings.map((w) => cell(w.replace(/\.$/, ''))).join('; ')}.`,
  );
  return [
    '## Data analyzed',
    '',
    overview,
    ...skipped,
    ...(refused.length ? ['', 'Files that could not be ingested:', '', ...refused] : []),
    ...(warned.length ? ['', 'How files were read (nothing was lost):', '', ...warned] : []),
    ...(ignored.length ? ['', ...ignored] : []),
    ...(quarantine.length
      ? ['', '### Quarantined rows', '', ...quarantine.flatMap((q) => [q, ''])]
      : []),
    '',
    runRecordSection(m),
    '',
    '### Columns',
    '',
    ...m.datasets.flatMap((d) => [columnProfile(d), '']),
  ]
    .join('\n')
    .trimEnd();
}

/** Ranges only where they mean something (numbers, dates); PII never shown. */
function columnProfile(d: DatasetSection): string {
  const ranged = new Set(['integer', 'double', 'date', 'timestamp']);
  const rows = d.columns.map((c) => {
    const showRange = ranged.has(c.type) && c.role !== 'pii';
    const value = (v: string | number | null) =>
      v === null ? '' : typeof v === 'number' ? formatNumber(v) : cell(v);
    return [
      cell(c.name),
      c.type,
      c.role.replace('_', ' '),
      formatNumber(c.nulls),
      formatNumber(c.distinct),
      showRange ? value(c.min) : '',
      showRange ? value(c.max) : '',
    ];
  });
  return [
    `**${cell(d.dataset)}** (${d.kind.replace('_', ' ')}, contract v${d.contractVersion}):`,
    '',
    table(['Column', 'Type', 'Role', 'Empty', 'Distinct', 'Min', 'Max'], rows, [
      'l',
      'l',
      'l',
      'r',
      'r',
      'r',
      'r',
    ]),
  ].join('\n');
}

function quarantineSection(d: DatasetSection): string {
  const reasons = table(
    ['Column', 'Reason', 'Rows'],
    d.rejections.map((r) => [cell(r.column), cell(r.reason), formatNumber(r.rows)]),
    ['l', 'l', 'r'],
  );
  const samples = table(
    ['File', 'Line', 'Column', 'Reason'],
    d.quarantineSamples.flatMap((s) =>
      s.reasons.map((r) => [cell(s.sourceKey), String(s.line), cell(r.column), cell(r.reason)]),
    ),
    ['l', 'r', 'l', 'l'],
  );
  return [
    `**${cell(d.dataset)}**: ${plural(d.rowsQuarantined, 'row')} kept in quarantine, none lost.`,
    '',
    reasons,
    '',
    d.quarantineSamples.length < d.rowsQuarantined
      ? `The first ${d.quarantineSamples.length}:`
      : 'Each row:',
    '',
    samples,
  ].join('\n');
}

/** Links to the report's tables as CSV, which the run writes beside it (`tables/`). */
function tablesSection(tables: ReportTable[]): string | undefined {
  if (tables.length === 0) return undefined;
  return [
    '## Tables as CSV',
    '',
    'Every table of this report with its raw numbers, for a spreadsheet (cells that a spreadsheet would run as a formula are prefixed with a quote):',
    '',
    ...tables.map((t) => `- [${cell(t.title)}](${tableKey(t.name)})`),
  ].join('\n');
}

function notComputed(m: ReportModel): string | undefined {
  if (m.notComputed.length === 0) return undefined;
  return [
    '## Not computed',
    '',
    ...m.notComputed.map(
      (n) =>
        `- ${cell(n.analysisId)} (${n.dataset === RUN ? 'every dataset' : cell(n.dataset)}): ${cell(n.reason)}`,
    ),
  ].join('\n');
}

function methodology(
  m: ReportModel,
  omitted: { title: string; analyses: string[]; missing: string }[],
): string {
  const left = omitted.map((s) => {
    const reasons = m.notComputed
      .filter((n) => s.analyses.some((a) => n.analysisId === a || n.analysisId.startsWith(`${a}-`)))
      .map((n) => `${n.dataset === RUN ? 'every dataset' : cell(n.dataset)}: ${cell(n.reason)}`);
    return `- ${s.title}: ${reasons.length ? reasons.join('; ') : s.missing}.`;
  });
  return [
    '## Methodology',
    '',
    ...(left.length ? ['Sections this data does not support, left out:', '', ...left, ''] : []),
    ...narrativeMethodology(),
    '- Every number in this report was computed by this run from the curated data; rows that failed validation are counted under Data analyzed and excluded from every analysis.',
    '- A row whose id appears in several files counts once (entities, one row per customer or product, as in their latest snapshot), so rows analysed can be fewer than rows curated.',
    '- Anomalies: for each measure, Q1, the median, Q3 and the median absolute deviation (MAD) are computed over all rows (exact quantiles on the local engine, approximate on Athena); a value below Q1 − 1.5 × IQR or above Q3 + 1.5 × IQR is listed, most extreme first, at most ten per measure, with its robust z-score (value − median) / (1.4826 × MAD), not computed when the MAD is 0 (more than half the values equal). Measures whose IQR is 0 are not tested. The measures of a time series with one value per date are left to Time-series anomalies, which judge each date against its seasonal baseline: this rule, which knows no season, would flag every seasonal peak.',
    '- Trends: measures are totalled per calendar month (averaged for levels such as prices, rates and scores, judged from the column name). A first or last month that the data covers only in part (by at least its usual spacing: a day for daily data, a week for weekly) is marked partial and left out of growth figures; a month with no rows is named, and no growth is computed across it. Month over month compares the last full month with the calendar month before; year over year with the same month a year earlier; the trend per month is the least-squares slope over the full months by calendar position, as a share of their mean.',
    ...seriesMethodology(forecastFindings(m), seriesAnomalyFindings(m)),
    ...relationshipsAndCustomersMethodology(m),
  ].join('\n');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
