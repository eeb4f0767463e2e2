/**
 * Do the groups' spreads differ? The Brown-Forsythe test (Levene's test centred on each
 * group's median): a one-way ANOVA of |x - median of its group|. Centring on the median
 * keeps it honest for skewed data, where the mean-centred original rejects too often.
 */
import { anovaFromMoments } from './anova.ts';
import {
  checkGroups,
  moments,
  notComputable,
  OUT_OF_RANGE,
  quantileSorted,
  sorted,
  type Groups,
  type NotComputable,
} from './summary.ts';

export interface BrownForsythe {
  computable: true;
  test: 'brown-forsythe';
  /** Levene's W: the F statistic of the absolute deviations from the group medians. */
  w: number;
  df1: number;
  df2: number;
  p: number;
}

/**
 * Brown-Forsythe / Levene (median) test of equal variances: scipy's
 * `levene(*groups, center='median')`. Not computable when every group holds a single value
 * or every group is constant; W = ∞ (p = 0) when each group's deviations are all equal but
 * differ between groups.
 *
 * @example brownForsythe([[1, 2, 3, 4], [2, 4, 6, 8], [1, 1, 2, 9]]) // W = 0.3772, p = 0.6961 (scipy)
 */
export function brownForsythe(groups: Groups): BrownForsythe | NotComputable {
  checkGroups(groups);
  const deviations = groups.map((g) => {
    const center = quantileSorted(sorted(g), 0.5);
    return moments(g.map((v) => Math.abs(v - center)));
  });
  const anova = anovaFromMoments(deviations);
  if (!anova.computable)
    return notComputable(
      deviations.every((d) => d.n === 1)
        ? 'every group holds a single value: spreads cannot be compared'
        : anova.reason === OUT_OF_RANGE
          ? OUT_OF_RANGE
          : 'no group has any spread: spreads cannot be compared',
    );
  return {
    computable: true,
    test: 'brown-forsythe',
    w: anova.f,
    df1: anova.dfBetween,
    df2: anova.dfWithin,
    p: anova.p,
  };
}
