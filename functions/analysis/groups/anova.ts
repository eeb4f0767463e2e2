/**
 * Do the groups' values differ? Three omnibus tests, each taking the groups as arrays of
 * numbers:
 *
 * - one-way ANOVA (classic F test): assumes normal values with equal variances;
 * - Welch's ANOVA: normal values, variances free to differ;
 * - Kruskal-Wallis: ranks only, so a few huge values weigh no more than any other value;
 *   it asks whether some group tends to have larger values, not whether the means differ.
 *
 * Input that cannot be read (fewer than 2 groups, an empty group, a value that is not a
 * finite number) throws GroupsInputError. Data a test cannot judge give a stated
 * `NotComputable` with the reason, never NaN:
 *
 * | case                                   | ANOVA                | Welch          | Kruskal-Wallis |
 * | -------------------------------------- | -------------------- | -------------- | -------------- |
 * | all values equal                       | not computable       | not computable | not computable |
 * | a group of one value                   | fine (if N > k)      | not computable | fine           |
 * | every group a single value (N = k)     | not computable       | not computable | fine           |
 * | a group with no spread (all one value) | fine                 | not computable | fine           |
 * | no spread in any group, means differ   | F = ∞, p = 0, η² = 1 | not computable | fine           |
 * | squares overflow or underflow (1e±154) | not computable       | not computable | fine           |
 */
import { chiSquaredUpper, fUpper } from '#analysis/stats/distributions.ts';
import {
  checkGroups,
  groupName,
  moments,
  notComputable,
  OUT_OF_RANGE,
  sorted,
  type GroupMoments,
  type Groups,
  type NotComputable,
} from './summary.ts';

/** The classic one-way ANOVA. */
export interface OneWayAnova {
  computable: true;
  test: 'anova';
  f: number;
  dfBetween: number;
  dfWithin: number;
  p: number;
  ssBetween: number;
  ssWithin: number;
  msWithin: number;
  /** SS between / SS total: the share of variance the groups explain (biased upwards). */
  etaSquared: number;
  /** (SS between - df between · MS within) / (SS total + MS within), 0 when negative (F < 1). */
  omegaSquared: number;
}

/**
 * One-way ANOVA: F = MS between / MS within on (k - 1, N - k) degrees of freedom (scipy's
 * `f_oneway`), with η² and ω² as effect sizes.
 *
 * @example oneWayAnova([[1, 2, 3], [2, 3, 4], [5, 6, 7]]) // F = 13, p = 0.006592 (scipy f_oneway)
 */
export function oneWayAnova(groups: Groups): OneWayAnova | NotComputable {
  checkGroups(groups);
  return anovaFromMoments(groups.map(moments));
}

/** One-way ANOVA from each group's moments (also the Brown-Forsythe test's core). */
export function anovaFromMoments(m: readonly GroupMoments[]): OneWayAnova | NotComputable {
  const k = m.length;
  const n = m.reduce((s, g) => s + g.n, 0);
  const dfBetween = k - 1;
  const dfWithin = n - k;
  if (dfWithin === 0)
    return notComputable('every group holds a single value: there is no spread within groups');
  const grand = m.reduce((s, g) => s + g.n * g.mean, 0) / n;
  const ssBetween = m.reduce((s, g) => s + g.n * (g.mean - grand) ** 2, 0);
  const ssWithin = m.reduce((s, g) => s + g.ss, 0);
  const ssTotal = ssBetween + ssWithin;
  if (!(ssTotal > 0)) return notComputable('all values are equal: there is nothing to compare');
  const msWithin = ssWithin / dfWithin;
  const f = ssWithin > 0 ? ssBetween / dfBetween / msWithin : Infinity;
  if (!Number.isFinite(ssTotal) || (ssWithin > 0 && !(msWithin > 0)) || Number.isNaN(f))
    return notComputable(OUT_OF_RANGE);
  return {
    computable: true,
    test: 'anova',
    f,
    dfBetween,
    dfWithin,
    p: fUpper(f, dfBetween, dfWithin),
    ssBetween,
    ssWithin,
    msWithin,
    etaSquared: ssBetween / ssTotal,
    omegaSquared: Math.max(0, (ssBetween - dfBetween * msWithin) / (ssTotal + msWithin)),
  };
}

/** Welch's heteroscedastic one-way ANOVA. */
export interface WelchAnova {
  computable: true;
  test: 'welch';
  f: number;
  df1: number;
  /** Welch's fractional denominator degrees of freedom. */
  df2: number;
  p: number;
}

/**
 * Welch's ANOVA (Welch 1951): with weights w_i = n_i / s_i^2, W = Σ w_i and the weighted mean
 * m = Σ w_i x̄_i / W, Λ = Σ (1 - w_i / W)^2 / (n_i - 1),
 *
 *   F = [Σ w_i (x̄_i - m)^2 / (k - 1)] / [1 + 2 (k - 2) Λ / (k^2 - 1)],
 *   df1 = k - 1,  df2 = (k^2 - 1) / (3 Λ),
 *
 * as statsmodels' `anova_oneway(use_var='unequal', welch_correction=True)` and R's
 * `oneway.test(var.equal = FALSE)`. Not computable when a group has a single value or no
 * spread: its weight n / s^2 is undefined or infinite.
 *
 * @example welchAnova([[1, 2, 3], [2, 3, 4], [5, 6, 7, 9]]) // F = 9.475, df2 = 4.658, p = 0.02282 (statsmodels)
 */
export function welchAnova(groups: Groups, labels?: readonly string[]): WelchAnova | NotComputable {
  checkGroups(groups);
  return welchFromMoments(groups.map(moments), labels);
}

export function welchFromMoments(
  m: readonly GroupMoments[],
  labels?: readonly string[],
): WelchAnova | NotComputable {
  const k = m.length;
  const single = m.findIndex((g) => g.n < 2);
  if (single >= 0)
    return notComputable(
      `${groupName(single, labels)} holds a single value: Welch's test needs every group's variance`,
    );
  const flat = m.findIndex((g) => !(g.ss > 0));
  if (flat >= 0)
    return notComputable(
      `${groupName(flat, labels)} has no spread (all its values are equal): Welch's weights n / s² are infinite`,
    );
  const w = m.map((g) => g.n / g.variance);
  const sumW = w.reduce((s, x) => s + x, 0);
  const weightedMean = m.reduce((s, g, i) => s + w[i]! * g.mean, 0) / sumW;
  const between = m.reduce((s, g, i) => s + w[i]! * (g.mean - weightedMean) ** 2, 0) / (k - 1);
  const lambda = m.reduce((s, g, i) => s + (1 - w[i]! / sumW) ** 2 / (g.n - 1), 0);
  const f = between / (1 + (2 * (k - 2) * lambda) / (k * k - 1));
  const df2 = (k * k - 1) / (3 * lambda);
  if (!Number.isFinite(f) || !Number.isFinite(df2)) return notComputable(OUT_OF_RANGE);
  return { computable: true, test: 'welch', f, df1: k - 1, df2, p: fUpper(f, k - 1, df2) };
}

/** The Kruskal-Wallis rank test. */
export interface KruskalWallis {
  computable: true;
  test: 'kruskal-wallis';
  /** H, corrected for ties. */
  h: number;
  df: number;
  /** From chi-squared(k - 1): fair when every group has at least 5 values. */
  p: number;
  /** The tie correction C = 1 - Σ (t^3 - t) / (N^3 - N) that H was divided by. */
  tieCorrection: number;
  /** ε² = H / (N - 1) (Tomczak and Tomczak 2014): 0 no effect, 1 groups fully separated. */
  epsilonSquared: number;
  /** Each group's mean rank (1 = smallest value, ties share their mid-rank). */
  meanRanks: number[];
}

/**
 * Kruskal-Wallis H with the tie correction (scipy's `kruskal`):
 * H = 12 / (N (N + 1)) Σ n_i (R̄_i - (N + 1) / 2)^2 / C, on k - 1 degrees of freedom. The
 * centered sum is used, not Σ R_i^2 / n_i - 3 (N + 1), which loses digits when N is large.
 * Not computable when all values are equal (C = 0).
 *
 * @example kruskalWallis([[1, 2, 3], [2, 3, 4], [5, 6, 7]]) // H = 6.056, p = 0.0484 (scipy kruskal)
 */
export function kruskalWallis(groups: Groups): KruskalWallis | NotComputable {
  checkGroups(groups);
  const k = groups.length;
  const all = sorted(groups.flat());
  const n = all.length;
  // Σ (t^3 - t) over the runs of tied values.
  let ties = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && all[j] === all[i]) j++;
    const t = j - i;
    if (t > 1) ties += t * t * t - t;
    i = j;
  }
  const tieCorrection = 1 - ties / (n * n * n - n);
  if (!(tieCorrection > 0)) return notComputable('all values are equal: there is nothing to rank');
  const meanRanks = groups.map((g) => {
    let sum = 0;
    for (const v of g) sum += midRank(all, v);
    return sum / g.length;
  });
  const center = (n + 1) / 2;
  const spread = meanRanks.reduce((s, r, i) => s + groups[i]!.length * (r - center) ** 2, 0);
  const h = (12 / (n * (n + 1))) * (spread / tieCorrection);
  return {
    computable: true,
    test: 'kruskal-wallis',
    h,
    df: k - 1,
    p: chiSquaredUpper(h, k - 1),
    tieCorrection,
    epsilonSquared: h / (n - 1),
    meanRanks,
  };
}

/** The mid-rank (1-based) of value v in sorted values xs: the mean of the ranks of its ties. */
function midRank(xs: Float64Array, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  // Ranks first + 1 .. lo.
  return (first + 1 + lo) / 2;
}
