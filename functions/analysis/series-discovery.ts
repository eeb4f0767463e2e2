import { buildSeries, type RegularSeries } from '#analysis/forecast/series.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { Contract } from '#platform/ports.ts';
import type { DailyPoint } from '#query/aggregates.ts';
import type { SeriesAggregation } from '#report/findings.ts';
import { aggregationOf } from './measures.ts';

/**
 * Series discovery: which measures of a dataset are regular time series (daily, weekly,
 * monthly), chosen from the dataset's kind and roles, never its name.
 *
 * - Entities (one row per thing) have no time series, whatever their dates say.
 * - A time series dataset with one row per date: each measure's own values.
 * - Several rows per date (a time series by store, events): each measure summed per day, or
 *   averaged for levels such as prices and scores (`measures.ts`), and said; events also give
 *   the number of events per day.
 *
 * The daily figures come from the query engine (`dailyTotals`); `buildSeries` then detects
 * the spacing, refuses an irregular time column or too sparse a series, and fills inner gaps
 * for the models only, with a note.
 */

/** One series a dataset offers: a measure (absent: the events per day) and how it is made. */
export interface SeriesSpec {
  column?: string;
  aggregation: SeriesAggregation;
}

export interface DiscoveredSeries extends SeriesSpec {
  /** For a person: `revenue`, `net_amount (sum per day)`, `events per day`. */
  name: string;
  series: RegularSeries;
}

export interface SeriesDiscovery {
  dataset: string;
  timeColumn: string;
  series: DiscoveredSeries[];
  /** Series that could not be made regular, each reason once with the series it applies to. */
  refused: { names: string[]; reason: string }[];
}

/**
 * The series a dataset may offer, before its dates are looked at: none for entities or
 * without a time column; a time series dataset's measures; an events dataset's measures per
 * day and its number of events per day. `aggregation` is the one used when a date has
 * several rows (`discoverSeries` says `value` when none has).
 */
export function seriesSpecs(contract: Contract, measures: readonly string[]): SeriesSpec[] {
  if (contract.kind === 'entities' || !contract.timeColumn) return [];
  const specs: SeriesSpec[] = measures.map((column) => ({
    column,
    aggregation: aggregationOf(column),
  }));
  return contract.kind === 'events' ? [{ aggregation: 'count' }, ...specs] : specs;
}

/** The regular series of one dataset from its daily totals. */
export function discoverSeries(
  contract: Contract,
  specs: readonly SeriesSpec[],
  days: readonly DailyPoint[],
): SeriesDiscovery {
  const timeColumn = contract.timeColumn ?? '';
  const discovery: SeriesDiscovery = {
    dataset: contract.dataset,
    timeColumn,
    series: [],
    refused: [],
  };
  const oneRowPerDate = days.every((d) => d.rows <= 1);
  for (const spec of specs) {
    const aggregation: SeriesAggregation =
      spec.column !== undefined && oneRowPerDate && contract.kind === 'time_series'
        ? 'value'
        : spec.aggregation;
    const name = seriesName(spec.column, aggregation);
    const rows = days.map((d) => ({
      time: d.day,
      value:
        spec.column === undefined
          ? d.rows
          : ((aggregation === 'mean' ? d.means : d.sums)[spec.column] ?? null),
    }));
    try {
      const [series] = buildSeries(rows, { file: contract.dataset, timeColumn });
      const notes =
        aggregation === 'sum' || aggregation === 'mean'
          ? [
              `${aggregation === 'sum' ? 'summed' : 'averaged'} over the rows of each day (up to ${Math.max(...days.map((d) => d.rows))} rows a day)`,
              ...series!.notes,
            ]
          : series!.notes;
      discovery.series.push({ ...spec, aggregation, name, series: { ...series!, notes } });
    } catch (error) {
      if (!(error instanceof InputRejectedError)) throw error;
      const seen = discovery.refused.find((r) => r.reason === error.message);
      if (seen) seen.names.push(name);
      else discovery.refused.push({ names: [name], reason: error.message });
    }
  }
  return discovery;
}

/** `revenue`, `net_amount (sum per day)`, `unit_price (mean per day)`, `events per day`. */
export function seriesName(column: string | undefined, aggregation: SeriesAggregation): string {
  if (column === undefined) return 'events per day';
  return aggregation === 'value' ? column : `${column} (${aggregation} per day)`;
}
