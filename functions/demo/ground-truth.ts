import type { InvalidRowKind } from './invalid-rows.ts';
import type { ResolvedDemoOptions } from './options.ts';
import type { DatasetName } from './schema.ts';

/**
 * What the generator planted, written beside the data as `ground-truth.json`: the end-to-end
 * tests check the report against it. Deterministic: no time stamp, the same bytes per seed.
 */
export interface GroundTruth {
  seed: number;
  /** Deliberately absent: a time stamp would make the file differ between runs. */
  generatedAt?: never;
  options: ResolvedDemoOptions;
  datasets: Record<DatasetName, DatasetTruth>;
  anomalies: PlantedAnomaly[];
  relationships: PlantedRelationship[];
  /** Changes one value of one dimension drives: the report's drivers must name it. */
  drivers: PlantedDriver[];
  /** lifetime_value multiplier of each industry (1 = the reference industry). */
  industryLtvMultipliers: Record<string, number>;
  seasonality: SeasonalityTruth;
}

export interface DatasetTruth {
  /** Relative to the output folder: `<dataset>/<dataset>.csv`. */
  file: string;
  rowsGenerated: number;
  /** rowsGenerated minus the invalid rows. */
  rowsValid: number;
  invalidRows: InvalidRowTruth[];
}

export interface InvalidRowTruth {
  dataset: DatasetName;
  /** 1-based line in the file; the header is line 1. */
  line: number;
  column: string;
  rawValue: string;
  kind: InvalidRowKind;
}

export type AnomalyKind = 'spike' | 'drop' | 'bulk_order';

export interface PlantedAnomaly {
  dataset: DatasetName;
  column: string;
  /** The column that names the row: `date` for daily metrics, `transaction_id` for events. */
  keyColumn: 'date' | 'transaction_id';
  key: string;
  /** 1-based line in the file. */
  line: number;
  /** The value written. */
  value: number;
  /** The value the row would have had without the anomaly. */
  expected: number;
  kind: AnomalyKind;
}

export interface PlantedRelationship {
  dataset: DatasetName;
  cause: string;
  effect: string;
  /** How many days the cause leads the effect; 0 for same-row drivers. */
  lagDays: number;
  sign: 'positive' | 'negative';
  mechanism: string;
}

export interface PlantedDriver {
  dataset: DatasetName;
  measure: string;
  kind: 'channel_surge' | 'price_change';
  dimension: string;
  /** The entity the dimension belongs to, when the rows get it by a join. */
  entity?: DatasetName;
  value: string;
  /** The days changed, `[from, to)`. */
  target: { from: string; to: string };
  mechanism: string;
}

export interface SeasonalityTruth {
  dataset: DatasetName;
  /** Multiplier of customer_traffic (and so quantity and revenue) per weekday. */
  weekly: Record<string, number>;
  /** Relative amplitude of the yearly cycle of traffic, peaking near yearlyPeakDayOfYear. */
  yearlyAmplitude: number;
  yearlyPeakDayOfYear: number;
  /** Growth of traffic per year (0.06 = +6% a year), linear. */
  trendPerYear: number;
}
