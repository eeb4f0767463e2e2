import type { QueryEngine } from '#platform/ports.ts';
import { driverCells, type DayRange, type DriverQuery } from '#query/drivers.ts';
import { decompose, type MeasureKind } from './decompose.ts';
import { rankDimensions, type DimensionDrivers } from './rank.ts';

/** A driver carrying at least this share of the change is looked into one level down. */
export const DOMINANT_SHARE = 0.5;

export interface ExplainSpec extends Omit<DriverQuery, 'where'> {
  kind: MeasureKind;
}

export interface Explanation {
  kind: MeasureKind;
  reference: DayRange;
  target: DayRange;
  /** The measure over all rows in each period, and its change. */
  referenceValue: number;
  targetValue: number;
  change: number;
  /** Every dimension, the one that explains the change best first (`rank.ts`). */
  dimensions: DimensionDrivers[];
  /**
   * When one value of the best dimension carries at least DOMINANT_SHARE of the change (the
   * web channel): its own change split by the other dimensions (category within web).
   */
  drill?: { dimension: string; value: string | null; dimensions: DimensionDrivers[] };
}

/**
 * Why a measure changed between two periods: the change split across the values of each
 * dimension, the dimensions ranked by how well they explain it, and one level down where a
 * single value dominates. Two queries at most, both aggregations in the query engine.
 */
export async function explainChange(engine: QueryEngine, spec: ExplainSpec): Promise<Explanation> {
  const cells = await driverCells(engine, spec);
  const ranked = rankDimensions(
    spec.dimensions.map((d) => decompose(d, cells.get(d) ?? [], spec.kind)),
  );
  // Each dimension's values (its NULL among them) partition the rows: any one gives the totals.
  const whole = decompose('', cells.get(spec.dimensions[0] ?? '') ?? [], spec.kind);
  const explanation: Explanation = {
    kind: spec.kind,
    reference: spec.reference,
    target: spec.target,
    referenceValue: whole.reference,
    targetValue: whole.target,
    change: whole.change,
    dimensions: ranked,
  };
  const best = ranked[0];
  const top = best?.succinct ? best.drivers[0] : undefined;
  const others = spec.dimensions.filter((d) => d !== best?.dimension);
  if (best && top && (top.share ?? 0) >= DOMINANT_SHARE && others.length > 0) {
    const where = [{ dimension: best.dimension, value: top.value }];
    const inner = await driverCells(engine, { ...spec, dimensions: others, where });
    explanation.drill = {
      dimension: best.dimension,
      value: top.value,
      dimensions: rankDimensions(others.map((d) => decompose(d, inner.get(d) ?? [], spec.kind))),
    };
  }
  return explanation;
}
