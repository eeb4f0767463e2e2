import type { BacktestMetrics, ForecastRow } from '#analysis/forecast/evaluate.ts';

/**
 * The findings model: what every analysis emits and what the report is made of. Numbers
 * here are the ones the run computed; the report only formats them.
 */

export interface OutlierExample {
  id?: string;
  date?: string;
  value: number;
  side: 'high' | 'low';
  /** Robust z-score: (value - median) / (1.4826 MAD); absent when the MAD is 0. */
  score?: number;
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
  /** The median absolute deviation (unscaled), the robust z-scores' unit over 1.4826. */
  mad?: number;
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

/**
 * How a series was made from a dataset's rows: a measure's own values (one row per date),
 * its sum or mean per day (several rows per date, events), or the number of events per day.
 */
export type SeriesAggregation = 'value' | 'sum' | 'mean' | 'count';

/** Which regular series of which dataset a time-series finding is about, and its span. */
export interface SeriesFacts {
  dataset: string;
  /** The measure; absent for the number of events per day. */
  column?: string;
  aggregation: SeriesAggregation;
  /** For a person: `revenue`, `net_amount (sum per day)`, `events per day`. */
  series: string;
  timeColumn: string;
  frequency: 'daily' | 'weekly' | 'monthly';
  /** Seasonal period used (7 for daily data; 1: none). */
  period: number;
  points: number;
  first: string;
  last: string;
  /** Periods with no value, filled by linear interpolation for the models only (never scored). */
  filled: number;
  /** Said to the reader: gaps filled, seasonality left out, history too short for a full backtest. */
  notes: string[];
}

/**
 * Backtest errors (null where not computable): MASE, scaled by the in-sample seasonal naive
 * error; sMAPE in percent (0..200); the shares of scored holdout points inside the 80% and
 * 95% intervals.
 */
export type ForecastErrors = BacktestMetrics;

/** One forecast step: date, point forecast, 80% and 95% intervals. */
export type ForecastStep = Omit<ForecastRow, 'series_id' | 'train_end'>;

export interface ForecastFinding extends SeriesFacts {
  id: string;
  kind: 'forecast';
  horizon: number;
  /** The model chosen on all the history, and why (its backtest against the others). */
  model: string;
  reason: string;
  /** Each candidate's backtest on the history: the evidence of the choice. */
  candidates: ({ model: string } & ForecastErrors)[];
  /**
   * The rolling-origin backtest of the whole procedure (the model chosen afresh at each
   * origin from its training data only), beside seasonal naive on the same origins. Absent
   * when the history is too short for one origin (a note says so).
   */
  backtest?: ForecastErrors & {
    origins: number;
    /** Holdout points scored over all origins. */
    scored: number;
    /** The model chosen at each origin, in time order. */
    models: string[];
    baseline: { model: string } & ForecastErrors;
  };
  /** The forecast after the last date, with 80% and 95% intervals. */
  forecast: ForecastStep[];
}

/** One flagged point of a series: what it was, what was expected there, and how far off. */
export interface SeriesAnomaly {
  date: string;
  value: number;
  expected: number;
  /** The range not flagged there. */
  lower: number;
  upper: number;
  /** Robust z-score: signed distance from the expected value in robust standard deviations. */
  score: number;
  direction: 'high' | 'low';
  /** `seasonal-mad`: a point far from its seasonal baseline; `level-shift`: a lasting change of level starts. */
  method: 'seasonal-mad' | 'level-shift';
}

/** Nearby flags of one series, grouped. */
export interface SeriesIncident {
  start: string;
  end: string;
  flags: number;
  /** The flag with the largest |score|. */
  peak: SeriesAnomaly;
  direction: 'high' | 'low' | 'mixed';
  methods: SeriesAnomaly['method'][];
}

export interface SeriesAnomalyFinding extends SeriesFacts {
  id: string;
  kind: 'series_anomalies';
  /** Tests run on this series: points judged and level-shift positions tried. */
  tests: number;
  /** The score beyond which a point is flagged (3.5, higher for long series: see `thresholdFor`). */
  threshold: number;
  /** `log`: judged by ratios to the expected value (positive series); `linear`: by differences. */
  valueScale: 'log' | 'linear';
  anomalies: SeriesAnomaly[];
  incidents: SeriesIncident[];
}

/** One value of a dimension: its rows, its value and share, and its change over a year. */
export interface DimensionValueKpi {
  value: string | null;
  rows: number;
  total: number;
  share: number | null;
  /** The last twelve full months and the twelve before (with `KpiFinding.windows`). */
  recent?: number;
  prior?: number;
  change?: number | null;
}

/** Revenue split by one dimension of the events (`channel`) or of an entity they join (`category`). */
export interface DimensionKpi {
  column: string;
  /** The entity the dimension comes from; absent for the events' own column. */
  entity?: string;
  values: DimensionValueKpi[];
}

/**
 * The KPIs of an events dataset. Revenue is the sum of `valueColumn`; a transaction is a
 * row; a repeat customer bought on two different days or more; a quarter's retention is
 * the share of its customers who bought again in the next quarter.
 */
export interface KpiFinding {
  id: string;
  kind: 'kpis';
  dataset: string;
  timeColumn: string;
  first: string;
  last: string;
  valueColumn?: string;
  itemsColumn?: string;
  /** The column naming the customer, and the entity it joins. */
  customerColumn?: string;
  customerEntity?: string;
  transactions: number;
  revenue: number | null;
  averageTransactionValue: number | null;
  averageItemsPerTransaction: number | null;
  customers: number | null;
  repeatCustomers: number | null;
  repeatPurchaseRate: number | null;
  retention: { quarter: string; active: number; retained: number; rate: number | null }[];
  /** Revenue growth between full months (from the monthly totals). */
  growth?: {
    lastFullMonth: string;
    monthOverMonth?: Growth;
    yearOverYear?: Growth;
    trailingTwelve?: NonNullable<TrendFinding['trailingTwelve']>;
  };
  /** The windows of the dimension trends: [priorFrom, recentFrom) and [recentFrom, recentTo). */
  windows?: { priorFrom: string; recentFrom: string; recentTo: string };
  byDimension: DimensionKpi[];
}

/** One ordered pair of series tested: does `cause` help predict `effect`? */
export interface RelationshipPair {
  dataset: string;
  cause: string;
  effect: string;
  /** Lags of the cause in the test, chosen by AIC up to the dataset's maximum. */
  lag: number;
  f: number;
  dfNum: number;
  dfDenom: number;
  pValue: number;
  /** Benjamini-Hochberg over every pair tested in the run. */
  qValue: number;
  /** Share of the effect's variance left by its own lags that the cause's lags explain. */
  partialR2: number;
  /** Sign of the sum of the cause's lag coefficients when significant at 5%; else mixed. */
  direction: 'positive' | 'negative' | 'mixed';
  strongestLag: { lag: number; coefficient: number; t: number };
}

/** Granger tests between the series of each dataset, over the run (one finding). */
export interface RelationshipFinding {
  id: 'relationships';
  kind: 'relationships';
  /** Pairs with q below this are listed as predictive relationships. */
  qThreshold: number;
  /** Pairs tested in all: the number of p-values the q-values are over. */
  tested: number;
  datasets: {
    dataset: string;
    frequency: string;
    points: number;
    maxLag: number;
    /** The calendar cycle whose phase means were removed; null when too short for two. */
    seasonalPeriod: number | null;
    /**
     * Series determined by others on the same day (revenue = price x quantity), not tested on
     * their own: their relationships are those of their parts.
     */
    identities: { name: string; parts: string[]; r2: number }[];
    series: {
      name: string;
      /** Differenced once when the ADF test did not reject a unit root at 5%. */
      differenced: boolean;
      adfPValue: number | null;
      adfPValueDifferenced: number | null;
      note?: string;
    }[];
  }[];
  /** Every pair tested, lowest q first. */
  pairs: RelationshipPair[];
}

export type Finding =
  | OutlierFinding
  | TrendFinding
  | ForecastFinding
  | SeriesAnomalyFinding
  | KpiFinding
  | RelationshipFinding;

/** What one Map iteration produced: findings, or why it produced none. */
export interface AnalysisOutput {
  analysisId: string;
  kind: string;
  dataset: string;
  findings: Finding[];
  /** Set when the analysis ran but the data did not support it. */
  notComputed?: string;
  /** Parts the data did not support while the rest was computed (a series too short), each with why. */
  notComputedParts?: string[];
}
