import type { CsvValue } from '#platform/csv-export.ts';

/** One table of the report as a spreadsheet reads it: raw numbers, one header row. */
export interface ReportTable {
  /** The file name stem (`forecasts` for `forecasts.csv`): lower-case letters, digits and `-`. */
  name: string;
  /** What the table holds, for the link to it in the report. */
  title: string;
  columns: string[];
  rows: CsvValue[][];
}

/**
 * A table from its rows. A number that is not finite becomes an empty cell: report.json
 * stores it as null anyway, and a CSV cell reading `NaN` or `'-Infinity` helps nobody.
 */
export function reportTable(
  name: string,
  title: string,
  columns: string[],
  rows: CsvValue[][],
): ReportTable {
  const cell = (v: CsvValue) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  return { name, title, columns, rows: rows.map((row) => row.map(cell)) };
}

/** An optional value as a cell: absent is empty. */
export const opt = <T extends CsvValue>(value: T | undefined): T | null => value ?? null;
