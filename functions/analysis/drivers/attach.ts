import type { Contract, QueryEngine } from '#platform/ports.ts';
import { dimensionsOf, enrichedRows, type JoinKey } from '#query/joins.ts';
import type { DayRange } from '#query/drivers.ts';
import type {
  ChangeDrivers,
  DriverDimension,
  DriverValue,
  SeriesAnomalyFinding,
} from '#report/findings.ts';
import type { MeasureKind } from './decompose.ts';
import { explainChange } from './explain.ts';
import type { DimensionDrivers } from './rank.ts';

/** Dimensions a report's explanation keeps, best first. */
export const DRIVER_DIMENSIONS = 3;
/** Values a dimension lists; beyond, the smallest parts are grouped as one. */
export const DRIVER_VALUES = 6;
/** A month-over-month or year-over-year change at least this large (either way) is explained. */
export const SIGNIFICANT_CHANGE = 0.1;

/** An events dataset, the entities it joins, and the engine to ask. */
export interface DriverSource {
  engine: QueryEngine;
  contract: Contract;
  joins: readonly JoinKey[];
  contracts: readonly Contract[];
}

/**
 * What drove `measure` from `reference` to `target`: the events' own dimensions (channel)
 * and those of the entities they join (a customer's region, a product's category). Undefined
 * when the dataset has no dimension or the measure did not change.
 */
export async function changeDrivers(
  source: DriverSource,
  measure: string,
  kind: MeasureKind,
  reference: DayRange,
  target: DayRange,
): Promise<ChangeDrivers | undefined> {
  const { contract } = source;
  if (!contract.timeColumn) return undefined;
  const enriched = enrichedRows(contract, source.joins, source.contracts);
  const dimensions = dimensionsOf(contract, enriched);
  if (dimensions.length === 0) return undefined;
  const byAlias = new Map(dimensions.map((d) => [d.alias, d]));
  const explanation = await explainChange(source.engine, {
    from: enriched.fromFor(dimensions.map((d) => d.alias)),
    time: contract.timeColumn,
    value: measure,
    dimensions: dimensions.map((d) => d.alias),
    reference,
    target,
    kind,
  });
  if (explanation.change === 0) return undefined;
  const describe = (d: DimensionDrivers): DriverDimension => {
    const named = byAlias.get(d.dimension)!;
    return {
      column: named.column,
      ...(named.entity ? { entity: named.entity } : {}),
      succinct: d.succinct,
      explainedShare: d.explainedShare,
      values: listed(d),
    };
  };
  const drill = explanation.drill;
  const drilled = drill ? byAlias.get(drill.dimension)! : undefined;
  return {
    measure,
    kind,
    reference,
    target,
    referenceValue: explanation.referenceValue,
    targetValue: explanation.targetValue,
    change: explanation.change,
    dimensions: explanation.dimensions.slice(0, DRIVER_DIMENSIONS).map(describe),
    ...(drill && drilled
      ? {
          drill: {
            column: drilled.column,
            ...(drilled.entity ? { entity: drilled.entity } : {}),
            value: drill.value,
            dimensions: drill.dimensions.slice(0, 1).map(describe),
          },
        }
      : {}),
  };
}

/** The largest parts of a dimension's change, the rest grouped as one `other`. */
function listed(d: DimensionDrivers): DriverValue[] {
  const drivers = new Set(d.drivers.map((c) => c.value));
  const all = d.decomposition.contributions;
  const shown = all.length > DRIVER_VALUES ? all.slice(0, DRIVER_VALUES - 1) : all;
  const values: DriverValue[] = shown.map((c) => ({
    value: c.value,
    change: c.change,
    share: c.share,
    mix: c.mix,
    rate: c.rate,
    driver: drivers.has(c.value),
  }));
  const rest = all.slice(shown.length);
  if (rest.length > 0) {
    const sum = (f: (c: (typeof rest)[number]) => number) => rest.reduce((n, c) => n + f(c), 0);
    const change = sum((c) => c.change);
    values.push({
      value: null,
      other: rest.length,
      change,
      share: d.decomposition.change !== 0 ? change / d.decomposition.change : null,
      mix: sum((c) => c.mix),
      rate: sum((c) => c.rate),
      driver: false,
    });
  }
  return values;
}

/** `YYYY-MM` as the days of that month. */
export function monthRange(month: string): DayRange {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/** The days of `[start, end]` (inclusive dates) and the same days `shiftDays` earlier. */
export function incidentRanges(
  start: string,
  end: string,
  shiftDays: number,
): { reference: DayRange; target: DayRange } {
  const day = (iso: string, add: number) => {
    const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + add);
    return d.toISOString().slice(0, 10);
  };
  const target = { from: day(start, 0), to: day(end, 1) };
  return {
    target,
    reference: { from: day(target.from, -shiftDays), to: day(target.to, -shiftDays) },
  };
}

/** Incidents of one series explained at most: the largest first (by their peak's score). */
export const EXPLAINED_INCIDENTS = 10;

/**
 * Adds to each incident of a summed or averaged measure what drove it, against the same days
 * one season earlier (a week before, for daily data with a weekly season). Series of a
 * dataset's own values (one row per day) and counts have no rows to split: left as they are.
 */
export async function explainIncidents(
  source: DriverSource,
  finding: SeriesAnomalyFinding,
): Promise<void> {
  const kind =
    finding.aggregation === 'sum' ? 'sum' : finding.aggregation === 'mean' ? 'average' : undefined;
  const season = Math.max(finding.period, 1);
  const shift =
    finding.frequency === 'daily' ? season : finding.frequency === 'weekly' ? 7 * season : 0;
  if (!kind || !finding.column || shift === 0) return;
  const largest = [...finding.incidents]
    .sort((a, b) => Math.abs(b.peak.score) - Math.abs(a.peak.score))
    .slice(0, EXPLAINED_INCIDENTS);
  for (const incident of largest) {
    const { reference, target } = incidentRanges(incident.start, incident.end, shift);
    const drivers = await changeDrivers(source, finding.column, kind, reference, target);
    if (drivers) incident.drivers = drivers;
  }
}
