import type { BacktestMetrics, ForecastRow } from '#analysis/forecast/evaluate.ts';
import type { StepUsage } from '#platform/metered-engine.ts';

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
  /** What drove the change, by dimension, where the change is large enough to ask. */
  drivers?: ChangeDrivers;
}

/** One value's part of a change (`analysis/drivers/decompose.ts`); `other` groups the rest. */
export interface DriverValue {
  value: string | null;
  /** Several values grouped (the smallest parts), when a dimension has many. */
  other?: number;
  change: number;
  /** Of the total change; null when the total did not change. */
  share: number | null;
  /** Volume (or mix) and rate parts: mix + rate = change. */
  mix: number;
  rate: number;
  /** One of the values that explain the change (`analysis/drivers/rank.ts`). */
  driver: boolean;
}

export interface DriverDimension {
  column: string;
  /** The entity the dimension comes from (`customer_profiles`); absent for the events' own. */
  entity?: string;
  /** Its drivers carry at least two thirds of the change with at most three values. */
  succinct: boolean;
  explainedShare: number;
  /** Largest part first, at most DRIVER_VALUES, the rest as one `other`. */
  values: DriverValue[];
}

/**
 * Why a total changed between two periods: the change split across the values of each
 * dimension (at most three dimensions, the best explanation first), and one level down
 * inside a value that carries most of it.
 */
export interface ChangeDrivers {
  /** The measure summed, or its value per row (`average`). */
  measure: string;
  kind: 'sum' | 'average';
  /** Half-open day ranges `[from, to)`. */
  reference: { from: string; to: string };
  target: { from: string; to: string };
  referenceValue: number;
  targetValue: number;
  change: number;
  dimensions: DriverDimension[];
  drill?: { column: string; entity?: string; value: string | null; dimensions: DriverDimension[] };
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
  /** The last points of the history (null where a gap was filled), for the chart. */
  recent: { date: string; value: number | null }[];
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
  /** What drove the incident against the same days one season earlier, by dimension. */
  drivers?: ChangeDrivers;
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

/** How the number of segments was chosen: every k's evidence. */
export interface SegmentChoice {
  k: number;
  reason: string;
  candidates: { k: number; silhouette: number; inertia: number }[];
  /** Customers the silhouettes were computed on (a seeded sample above 5,000). */
  silhouetteRows: number;
  /** Features that did not vary and could not separate customers. */
  constantFeatures: string[];
}

/** One segment in original units: medians of the customers in it, and what they buy most. */
export interface CustomerSegment {
  name: string;
  customers: number;
  shareOfCustomers: number;
  /** Their total value and its share of all customers' value. */
  value: number;
  shareOfValue: number | null;
  medianRecencyDays: number;
  medianFrequency: number;
  medianValue: number;
  medianTenureDays: number;
  /** The segment's centre in standardised units (0: the average customer), after log(1 + x). */
  centre: { recency: number; frequency: number; monetary: number; tenure: number };
  /** Per dimension (channel, category): the values most of its customers mainly buy through. */
  top: { column: string; entity?: string; values: { value: string; share: number }[] }[];
}

/** The fitted lifetime-value models. */
export interface LifetimeValueModel {
  /** The time unit of the parameters. */
  unit: 'days' | 'weeks';
  horizonDays: number;
  customers: number;
  bgnbd: {
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    converged: boolean;
  };
  gammaGamma: {
    p: number;
    q: number;
    gamma: number;
    logLikelihood: number;
    /** Customers with repeat purchases it was fitted on. */
    customers: number;
    /** The model assumes spend does not depend on frequency: their correlation, for the reader. */
    frequencySpendCorrelation: number | null;
  };
}

/** The holdout check of the purchase model. */
export interface LifetimeValueHoldout {
  calibrationEnd: string;
  holdoutEnd: string;
  /** Customers known at the calibration end (predicted), and new ones after it (not). */
  customers: number;
  newInHoldout: number;
  /** Repeat purchase days in the holdout: predicted and actual, in total and per customer. */
  totalPredicted: number;
  totalActual: number;
  meanAbsoluteError: number;
  byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
}

/** A trait or behaviour and how much customer value differs with it. */
export type ValueDriver =
  | {
      kind: 'groups';
      column: string;
      entity?: string;
      /** The test trusted (Welch, Kruskal-Wallis or ANOVA), why, and its numbers. */
      test: string;
      reason: string;
      statistic: number;
      df: [number, number] | [number];
      pValue: number;
      /** Eta squared: the share of the variance of value between the groups. */
      etaSquared: number;
      groups: { value: string; customers: number; medianValue: number; meanValue: number }[];
    }
  | {
      kind: 'correlation';
      column: string;
      entity?: string;
      /** Spearman's rank correlation with value, its p-value and the customers it is over. */
      rho: number;
      pValue: number;
      customers: number;
    };

/** A customer worth most, with what the report may show of them (no personal data). */
export interface TopCustomer {
  customer: string;
  value: number;
  purchaseDays: number;
  lastPurchase: string;
  segment: string;
  predictedValue: number | null;
  probabilityAlive: number | null;
  traits: Record<string, string | number | null>;
}

/** Customers of an events dataset: segments, lifetime value, its drivers and the top customers. */
export interface CustomerFinding {
  id: string;
  kind: 'customers';
  dataset: string;
  customerColumn: string;
  /** The entity the customer column joins, whose traits the profiles use. */
  entity?: string;
  valueColumn?: string;
  first: string;
  last: string;
  customers: number;
  /** Historical value: total per customer over the data. */
  historical: { total: number; median: number; mean: number; top10Share: number };
  segments: CustomerSegment[];
  segmentChoice: SegmentChoice;
  lifetimeValue?: LifetimeValueModel & {
    /** Sum and median of the predicted value over the horizon. */
    total: number;
    median: number;
    /** Customers whose probability of still buying is below one half. */
    likelyLapsed: number;
  };
  holdout?: LifetimeValueHoldout;
  drivers: ValueDriver[];
  top: TopCustomer[];
  /** Parts the data did not support (no value column, a model that could not be fitted), each with why. */
  notes: string[];
}

/** One measure compared across the groups of one dimension. */
export interface GroupTest {
  dataset: string;
  measure: string;
  dimension: string;
  /** The entity the dimension comes from, when joined (category of a product). */
  entity?: string;
  /** Values compared. */
  n: number;
  groups: { value: string; n: number; mean: number; median: number }[];
  /** The test the report trusts, why, and its statistic (F, or H), degrees of freedom and p. */
  trusted: 'anova' | 'welch' | 'kruskal-wallis';
  reason: string;
  statistic: number;
  df: [number, number] | [number];
  pValue: number;
  /** Benjamini-Hochberg over every group test of the run. */
  qValue: number;
  /** SS between / SS total. */
  etaSquared: number;
  anova: { f: number; df: [number, number]; pValue: number };
  welch?: { f: number; df: [number, number]; pValue: number };
  kruskalWallis?: { h: number; df: number; pValue: number; epsilonSquared: number };
  /** The post hoc test that goes with the trusted one, and its pairs with p below 5%. */
  posthoc: 'tukey-hsd' | 'games-howell' | null;
  pairs: { a: string; b: string; difference: number; low: number; high: number; pValue: number }[];
}

/** Group differences over the run (one finding). */
export interface GroupDifferenceFinding {
  id: 'group-differences';
  kind: 'group_differences';
  qThreshold: number;
  tested: number;
  /** Lowest q first. */
  tests: GroupTest[];
}

export type Finding =
  | OutlierFinding
  | TrendFinding
  | ForecastFinding
  | SeriesAnomalyFinding
  | KpiFinding
  | RelationshipFinding
  | CustomerFinding
  | GroupDifferenceFinding;

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
  /** What the analysis used: wall time, queries, bytes scanned where measured. */
  usage?: StepUsage;
}
