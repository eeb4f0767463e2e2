import type { ReportModel } from './model.ts';

/**
 * The charts of report.html, keyed by the report.md heading they follow.
 */
export function reportCharts(_model: ReportModel): Map<string, string[]> {
  return new Map();
}
