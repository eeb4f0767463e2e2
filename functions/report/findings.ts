/**
 * The findings model: what every analysis emits and what the report is made of. Numbers
 * here are the ones the run computed; the report only formats them.
 */

export interface OutlierExample {
  id?: string;
  date?: string;
  value: number;
  side: 'high' | 'low';
}

export interface OutlierFinding {
  id: string;
  kind: 'outliers';
  dataset: string;
  column: string;
  method: 'iqr';
  /** The columns that name each example row: the primary key and the time column, if any. */
  idColumn?: string;
  timeColumn?: string;
  q1: number;
  median: number;
  q3: number;
  low: number;
  high: number;
  /** Rows beyond the fences. */
  count: number;
  rowsChecked: number;
  /** The column's observed range. */
  min?: number;
  max?: number;
  /** The most extreme rows, at most ten. */
  examples: OutlierExample[];
}

export interface MonthValue {
  month: string;
  value: number;
  rows: number;
  partial: boolean;
}

export interface Growth {
  from: string;
  to: string;
  fromValue: number;
  toValue: number;
  /** (to - from) / |from|; undefined when from is 0. */
  change: number | undefined;
}

export interface TrendFinding {
  id: string;
  kind: 'monthly_trend';
  dataset: string;
  column: string;
  timeColumn: string;
  aggregation: 'sum' | 'mean';
  months: MonthValue[];
  /** Calendar months inside the span that have no rows at all. */
  missingMonths: string[];
  lastFullMonth: string;
  /** Undefined when the month before the last full month is missing or partial. */
  monthOverMonth: Growth | undefined;
  yearOverYear: Growth | undefined;
  trailingTwelve:
    { from: string; value: number; previous: number; change: number | undefined } | undefined;
  /** Least-squares slope of the full months, per month. */
  slopePerMonth: number | undefined;
  slopeShareOfMean: number | undefined;
}

export type Finding = OutlierFinding | TrendFinding;

/** What one Map iteration produced: findings, or why it produced none. */
export interface AnalysisOutput {
  analysisId: string;
  kind: string;
  dataset: string;
  findings: Finding[];
  /** Set when the analysis ran but the data did not support it. */
  notComputed?: string;
}
