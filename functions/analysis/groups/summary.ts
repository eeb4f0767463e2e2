/**
 * What every group comparison shares: the check of its input, the "not computable" answer,
 * and each group's descriptive statistics, computed once.
 */

/**
 * The group comparisons refuse input they cannot read with this error, naming the group:
 * fewer than two groups, an empty group, a value that is not a finite number. A caller drops
 * empty groups and missing values before comparing.
 */
export class GroupsInputError extends Error {
  override readonly name = 'GroupsInputError';
  constructor(
    message: string,
    /** Index of the offending group, when one is to blame. */
    readonly group?: number,
  ) {
    super(message);
  }
}

/** A test the data do not support, and why, in words a report can print. */
export interface NotComputable {
  computable: false;
  reason: string;
}

export function notComputable(reason: string): NotComputable {
  return { computable: false, reason };
}

/** Why a test whose sums of squares left double precision (values near 1e±154 or beyond) is not computed. */
export const OUT_OF_RANGE =
  'the values are too large or too close to 0 for double precision: their squared deviations overflow or underflow';

/** Groups as arrays of numbers, one array per group. */
export type Groups = readonly (readonly number[])[];

/**
 * Throws GroupsInputError unless there are at least two groups, none empty, every value a
 * finite number.
 */
export function checkGroups(groups: Groups): void {
  if (groups.length < 2)
    throw new GroupsInputError(`Need at least 2 groups to compare, got ${groups.length}`);
  groups.forEach((g, i) => {
    if (g.length === 0) throw new GroupsInputError(`Group ${i + 1} is empty`, i);
    const bad = g.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0)
      throw new GroupsInputError(
        `Group ${i + 1} holds a value that is not a finite number (${String(g[bad])}, position ${bad + 1})`,
        i,
      );
  });
}

/** A group's size, mean, and sum of squared deviations from its mean (two passes). */
export interface GroupMoments {
  n: number;
  mean: number;
  /** Σ (x - mean)^2. */
  ss: number;
  /** ss / (n - 1), the unbiased variance; NaN for a group of one value (never reported). */
  variance: number;
}

export function moments(values: readonly number[]): GroupMoments {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  let drift = 0;
  for (const v of values) {
    const d = v - mean;
    ss += d * d;
    drift += d;
  }
  // The corrected two-pass form: removes the rounding left in the mean. (drift / n) * drift,
  // not drift² / n: drift² can overflow where ss does not; ss that overflowed stays ∞. Never
  // below 0, the variance too.
  if (ss < Infinity) ss = Math.max(0, ss - (drift / n) * drift);
  return { n, mean: mean + drift / n, ss, variance: n > 1 ? ss / (n - 1) : NaN };
}

/** The values sorted ascending, as a new typed array. */
export function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The p-quantile of sorted values by linear interpolation (R's type 7, numpy's default). */
export function quantileSorted(xs: Float64Array, p: number): number {
  const h = (xs.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo]! + (h - lo) * (xs[hi]! - xs[lo]!);
}

/** Label of group i in messages: its name when given, else "group i+1". */
export function groupName(i: number, labels?: readonly string[]): string {
  return labels?.[i] !== undefined ? `'${labels[i]}'` : `group ${i + 1}`;
}
