import { toCsv, type CsvOptions } from '#platform/csv-export.ts';
import { associationTables } from './csv-tables/associations.ts';
import { customerTables } from './csv-tables/customers.ts';
import { dataTables } from './csv-tables/data.ts';
import { driverTables } from './csv-tables/drivers.ts';
import { kpiTables } from './csv-tables/kpis.ts';
import { measureTables } from './csv-tables/measures.ts';
import { narrativeTables } from './csv-tables/narratives.ts';
import { seriesTables } from './csv-tables/series.ts';
import type { ReportTable } from './csv-tables/table.ts';
import type { ReportModel } from './model.ts';

export type { ReportTable } from './csv-tables/table.ts';

/**
 * The report's tables for a spreadsheet: one per kind of finding (long format where a kind
 * has many instances, a `dataset` column first), with the model's raw numbers rather than
 * the report's formatted ones (1369832.61, not "1,369,833"; shares 0 to 1, not "41%"), and
 * its values as they are: the model is already masked for pii. Only tables with rows, in
 * the report's order: narratives and recommendations, KPIs, customers, time series, measures, tests, then the data.
 */
export function reportTables(model: ReportModel): ReportTable[] {
  return [
    ...narrativeTables(model),
    ...kpiTables(model),
    ...customerTables(model),
    ...seriesTables(model),
    ...driverTables(model),
    ...measureTables(model),
    ...associationTables(model),
    ...dataTables(model),
  ].filter((t) => t.rows.length > 0);
}

/**
 * A table as CSV text (RFC 4180, formula injection neutralised: `csv-export.ts`). With a
 * byte order mark by default, as `insights quarantine --out` writes its file: these are
 * files for Excel, which needs it to read accented letters right.
 */
export function tableCsv(table: ReportTable, options: CsvOptions = { bom: true }): string {
  return toCsv(table.columns, table.rows, options);
}

/** Where a table's CSV lies, relative to the report: `tables/kpis.csv`. */
export const tableKey = (name: string) => `tables/${name}.csv`;
