/**
 * Which pairs of groups differ? Every pair's mean difference with a simultaneous confidence
 * interval and a p-value adjusted for all k (k - 1) / 2 comparisons through the studentized
 * range distribution (the family-wise error rate is held at 1 - confidence):
 *
 * - Tukey's HSD (Tukey-Kramer for unequal sizes) pools one variance for all groups: right
 *   when the variances are equal (it goes with the classic ANOVA);
 * - Games-Howell gives each pair its own standard error and Welch-Satterthwaite degrees of
 *   freedom: right when variances differ (it goes with Welch's ANOVA).
 *
 * Pairs are (i, j) with i < j and difference = mean_i - mean_j, as scipy's `tukey_hsd`
 * reports statistic[i, j].
 */
import { studentizedRangeQuantile, studentizedRangeSf } from './studentized-range.ts';
import {
  checkGroups,
  groupName,
  moments,
  notComputable,
  OUT_OF_RANGE,
  type GroupMoments,
  type Groups,
  type NotComputable,
} from './summary.ts';

export interface PairComparison {
  computable: true;
  i: number;
  j: number;
  /** mean_i - mean_j. */
  difference: number;
  /** Standard error of the difference: sqrt(MSW (1/n_i + 1/n_j)) or sqrt(s_i²/n_i + s_j²/n_j). */
  standardError: number;
  /** The studentized range statistic |difference| sqrt(2) / standardError. */
  q: number;
  df: number;
  /** Simultaneous confidence interval of the difference. */
  low: number;
  high: number;
  p: number;
}

export interface PairNotComputable extends NotComputable {
  i: number;
  j: number;
}

export interface Posthoc {
  test: 'tukey-hsd' | 'games-howell';
  /** Number of groups, the studentized range's k. */
  k: number;
  confidence: number;
  pairs: (PairComparison | PairNotComputable)[];
}

export interface PosthocOptions {
  /** Confidence of the simultaneous intervals. @default 0.95 */
  confidence?: number;
  /** Group names for the reasons a pair is not computable. */
  labels?: readonly string[];
}

/**
 * Tukey's honestly significant difference (Tukey-Kramer): SE_ij = sqrt(MSW (1/n_i + 1/n_j))
 * with the pooled within-group mean square on N - k degrees of freedom; p = P(Q_{k,N-k} >
 * |d| sqrt(2) / SE); interval d ± q_crit SE / sqrt(2). As scipy's `tukey_hsd` (which refuses
 * groups of one value; here they are compared through the pooled variance, if N > k). Not
 * computable when N = k or no group has any spread.
 */
export function tukeyHsd(groups: Groups, options: PosthocOptions = {}): Posthoc | NotComputable {
  checkGroups(groups);
  const confidence = checkConfidence(options.confidence);
  const m = groups.map(moments);
  const k = m.length;
  const df = m.reduce((s, g) => s + g.n, 0) - k;
  if (df === 0)
    return notComputable('every group holds a single value: there is no spread to compare with');
  const msWithin = m.reduce((s, g) => s + g.ss, 0) / df;
  if (!(msWithin > 0))
    return notComputable('no group has any spread: differences cannot be judged against it');
  if (!Number.isFinite(msWithin)) return notComputable(OUT_OF_RANGE);
  const critical = studentizedRangeQuantile(confidence, k, df);
  const pairs: PairComparison[] = [];
  forPairs(m, (i, j, a, b) => {
    const se = Math.sqrt(msWithin * (1 / a.n + 1 / b.n));
    pairs.push(pair(i, j, a.mean - b.mean, se, df, k, critical));
  });
  return { test: 'tukey-hsd', k, confidence, pairs };
}

/**
 * Games-Howell: SE_ij = sqrt(s_i²/n_i + s_j²/n_j), df_ij by Welch-Satterthwaite,
 * p = P(Q_{k,df_ij} > |d| sqrt(2) / SE); interval d ± q_crit(df_ij) SE / sqrt(2). No scipy
 * function: the golden values come from this formula with scipy's studentized range. A pair
 * is not computable when one of its groups holds a single value or neither has any spread;
 * with one flat group the other's variance carries the pair (df = its n - 1).
 */
export function gamesHowell(groups: Groups, options: PosthocOptions = {}): Posthoc {
  checkGroups(groups);
  const confidence = checkConfidence(options.confidence);
  const m = groups.map(moments);
  const k = m.length;
  // One quantile per distinct df (balanced groups with equal variances share theirs).
  const criticals = new Map<number, number>();
  const pairs: (PairComparison | PairNotComputable)[] = [];
  forPairs(m, (i, j, a, b) => {
    const single = a.n < 2 ? i : b.n < 2 ? j : -1;
    if (single >= 0) {
      pairs.push({
        computable: false,
        i,
        j,
        reason: `${groupName(single, options.labels)} holds a single value: it has no variance of its own`,
      });
      return;
    }
    const va = a.variance / a.n;
    const vb = b.variance / b.n;
    if (!(va + vb > 0)) {
      pairs.push({
        computable: false,
        i,
        j,
        reason: `neither ${groupName(i, options.labels)} nor ${groupName(j, options.labels)} has any spread`,
      });
      return;
    }
    const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
    if (!Number.isFinite(va + vb) || !Number.isFinite(df)) {
      pairs.push({ computable: false, i, j, reason: OUT_OF_RANGE });
      return;
    }
    let critical = criticals.get(df);
    if (critical === undefined) {
      critical = studentizedRangeQuantile(confidence, k, df);
      criticals.set(df, critical);
    }
    pairs.push(pair(i, j, a.mean - b.mean, Math.sqrt(va + vb), df, k, critical));
  });
  return { test: 'games-howell', k, confidence, pairs };
}

function pair(
  i: number,
  j: number,
  difference: number,
  standardError: number,
  df: number,
  k: number,
  critical: number,
): PairComparison {
  const q = (Math.abs(difference) * Math.SQRT2) / standardError;
  const half = (critical * standardError) / Math.SQRT2;
  return {
    computable: true,
    i,
    j,
    difference,
    standardError,
    q,
    df,
    low: difference - half,
    high: difference + half,
    p: studentizedRangeSf(q, k, df),
  };
}

function forPairs(
  m: readonly GroupMoments[],
  visit: (i: number, j: number, a: GroupMoments, b: GroupMoments) => void,
): void {
  for (let i = 0; i < m.length; i++)
    for (let j = i + 1; j < m.length; j++) visit(i, j, m[i]!, m[j]!);
}

function checkConfidence(confidence = 0.95): number {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must lie strictly between 0 and 1, got ${confidence}`);
  return confidence;
}
