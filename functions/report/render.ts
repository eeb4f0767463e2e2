import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportModel } from './model.ts';
import { reportCharts } from './report-charts.ts';
import { reportTables, tableCsv, tableKey } from './csv-tables.ts';

export interface RenderedReport {
  markdown: string;
  html: string;
  json: string;
  /** The tables as CSV, keyed by their path relative to the report (`tables/kpis.csv`). */
  tables: { key: string; csv: string }[];
}

/**
 * Every rendering of a report from its model alone: the run writes them, and
 * `insights report` re-renders a stored `report.json` without recomputing anything.
 */
export function renderReport(model: ReportModel): RenderedReport {
  // Built once: the Markdown links each table, and each is written as CSV.
  const tables = reportTables(model);
  const markdown = renderMarkdown(model, tables);
  return {
    markdown,
    html: renderHtml(markdown, `Insights report ${model.run.runId}`, {
      charts: reportCharts(model),
    }),
    json: JSON.stringify(model, null, 2) + '\n',
    tables: tables.map((t) => ({ key: tableKey(t.name), csv: tableCsv(t) })),
  };
}
