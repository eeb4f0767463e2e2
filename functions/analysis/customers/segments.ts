import type { EventDimension } from '#query/joins.ts';
import { median } from '#analysis/anomaly/robust.ts';
import { chooseK } from '#analysis/segments/choose-k.ts';
import { matrixFromRows } from '#analysis/segments/matrix.ts';
import { standardize } from '#analysis/segments/standardize.ts';
import type { CustomerSegment, SegmentChoice } from '#report/findings.ts';

/**
 * Customer segments from behaviour: recency, frequency, monetary value and tenure, each
 * log(1 + x) (they are skewed: a few customers buy a hundred times) and standardised, split by
 * k-means with k-means++ restarts, k chosen between 2 and 8 by the highest mean silhouette.
 * Each segment is profiled in the original units and named from its profile by stated rules.
 * Deterministic: the same customers and seed give the same segments.
 */

/** One customer's behaviour, as of the end of the data. */
export interface Behaviour {
  /** Days since the last purchase. */
  recency: number;
  /** Distinct purchase days. */
  frequency: number;
  /** Total value (money); 0 without a value column. */
  monetary: number;
  /** Days since the first purchase. */
  tenure: number;
}

export const FEATURES = ['recency', 'frequency', 'monetary', 'tenure'] as const;

/** The seed of the segments' k-means: fixed, so a report is reproducible. */
export const SEGMENT_SEED = 42;

export interface Segmentation {
  choice: SegmentChoice;
  /** The segment (index into `segments`) of each customer, in input order. */
  labels: Int32Array;
  /** Per segment: its centre in standardised units (recency, frequency, monetary, tenure). */
  centres: number[][];
}

export function segmentCustomers(customers: readonly Behaviour[]): Segmentation {
  const rows = customers.map((c) => FEATURES.map((f) => Math.log1p(Math.max(0, c[f]))));
  const { scaled, constant } = standardize(matrixFromRows(rows));
  const result = chooseK(scaled, { seed: SEGMENT_SEED });
  const k = result.k;
  const centres = Array.from({ length: k }, (_, s) =>
    FEATURES.map((_, j) => result.clustering.centers.data[s * FEATURES.length + j]!),
  );
  return {
    choice: {
      k,
      reason: result.reason,
      candidates: result.candidates.map((c) => ({
        k: c.k,
        silhouette: c.silhouette,
        inertia: c.inertia,
      })),
      silhouetteRows: result.silhouetteRows,
      constantFeatures: FEATURES.filter((_, j) => constant[j]),
    },
    labels: result.clustering.labels,
    centres,
  };
}

/**
 * A name for each segment from its centre (standardised units: 0 is the average customer,
 * +1 one standard deviation above), by the first rule that fits:
 * - spends and buys well above average, bought recently: "High-value loyalists";
 * - spent well above average but has not bought for long: "At-risk high spenders";
 * - joined recently (short tenure) and bought recently: "New customers";
 * - has not bought for long and seldom did: "Lapsed";
 * - buys often and recently: "Active regulars";
 * - buys seldom and spends little: "Occasional buyers";
 * - otherwise: "Steady customers".
 * Two segments that get one name are told apart by their value ("higher value", "lower value").
 */
export function nameSegments(centres: readonly number[][]): string[] {
  const names = centres.map(([r, f, m, t]) => {
    if (m! >= 0.5 && f! >= 0.5 && r! <= 0) return 'High-value loyalists';
    if (m! >= 0.5 && r! > 0.5) return 'At-risk high spenders';
    if (t! <= -0.5 && r! <= 0) return 'New customers';
    if (r! >= 0.5 && f! <= 0) return 'Lapsed';
    if (f! >= 0 && r! <= 0) return 'Active regulars';
    if (f! < 0 && m! < 0) return 'Occasional buyers';
    return 'Steady customers';
  });
  return names.map((name, i) => {
    const same = names.map((n, j) => (n === name ? j : -1)).filter((j) => j >= 0);
    if (same.length === 1) return name;
    const byValue = [...same].sort((a, b) => centres[b]![2]! - centres[a]![2]!);
    const rank = byValue.indexOf(i);
    const label =
      same.length === 2 ? (rank === 0 ? 'higher value' : 'lower value') : `value rank ${rank + 1}`;
    return `${name} (${label})`;
  });
}

/** The profile of each segment, in original units, with the top values of each dimension. */
export function profileSegments(
  customers: readonly (Behaviour & { main: Record<string, string | null> })[],
  segmentation: Segmentation,
  dimensions: readonly EventDimension[],
): CustomerSegment[] {
  const names = nameSegments(segmentation.centres);
  const totalValue = customers.reduce((s, c) => s + c.monetary, 0);
  return names.map((name, s) => {
    const members = customers.filter((_, i) => segmentation.labels[i] === s);
    const value = members.reduce((a, c) => a + c.monetary, 0);
    return {
      name,
      customers: members.length,
      shareOfCustomers: members.length / customers.length,
      value,
      shareOfValue: totalValue !== 0 ? value / totalValue : null,
      medianRecencyDays: median(members.map((c) => c.recency)),
      medianFrequency: median(members.map((c) => c.frequency)),
      medianValue: median(members.map((c) => c.monetary)),
      medianTenureDays: median(members.map((c) => c.tenure)),
      centre: Object.fromEntries(
        FEATURES.map((f, j) => [f, segmentation.centres[s]![j]!]),
      ) as CustomerSegment['centre'],
      top: dimensions.map((d) => ({
        column: d.column,
        ...(d.entity ? { entity: d.entity } : {}),
        values: topValues(members.map((c) => c.main[d.alias] ?? null)),
      })),
    };
  });
}

/** The three most common values and their shares of the customers (their main value). */
function topValues(values: readonly (string | null)[]): { value: string; share: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([value, n]) => ({ value, share: n / values.length }));
}
