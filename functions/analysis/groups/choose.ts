/**
 * The group comparison a report prints: all three omnibus tests, the one it trusts, and why,
 * decided by stated rules in this order (the first that applies wins):
 *
 * 1. Kruskal-Wallis when a few values dominate: in some group of at least 5 values, the
 *    extreme values (more than 5 robust standard deviations, 5 × 1.4826 MAD, from the
 *    group's median; a normal sample has one in 2 million) make up more than half of its
 *    sum of squared deviations; or some group of at least 10 values has |skewness| > 2.
 *    The MAD, not the IQR, sets the scale: on ratings 1-5 the interpolated quartiles can lie
 *    a quarter point apart and call every 1 and 5 far out. A group whose MAD is 0 (most
 *    values equal) has no extreme values by this rule; skewness judges it.
 *    Means and variances then hang on a few values (three customers spending 30 times the
 *    rest make a classic ANOVA "significant"); ranks do not.
 * 2. Welch's ANOVA when the spreads differ: Brown-Forsythe p < 0.05, or the largest group
 *    variance over the smallest above 4 (a standard deviation ratio above 2).
 * 3. Welch's ANOVA when the groups are unbalanced: the largest over the smallest size above
 *    1.5. The classic F test is only robust to unequal variances when sizes are equal, and
 *    Welch's test costs little when variances happen to be equal.
 * 4. The classic ANOVA otherwise: no dominant values, similar spreads, balanced sizes.
 *
 * When the chosen test is not computable (Welch's with a group of one value or a group with
 * no spread), Kruskal-Wallis is trusted instead and the reason says so. The post hoc test
 * follows the same choice: Tukey's HSD with the classic ANOVA, Games-Howell otherwise (its
 * per-pair variances keep a few huge values from making pairs "significant", as Welch's do).
 */
import { MAD_SCALE } from '#analysis/anomaly/robust.ts';
import { formatNumber, formatShare } from '#report/format.ts';
import {
  kruskalWallis,
  anovaFromMoments,
  welchFromMoments,
  type KruskalWallis,
  type OneWayAnova,
  type WelchAnova,
} from './anova.ts';
import { brownForsythe, type BrownForsythe } from './levene.ts';
import { gamesHowell, tukeyHsd, type Posthoc } from './posthoc.ts';
import {
  checkGroups,
  groupName,
  moments,
  quantileSorted,
  sorted,
  type Groups,
  type NotComputable,
} from './summary.ts';

/** The bounds of the rules, as the module comment states them. */
export const RULES = {
  /** Extreme values: farther than this many robust standard deviations from the median ... */
  extremeScale: 5,
  /** ... dominate a group when they carry more than this share of its squared deviations. */
  extremeShare: 0.5,
  /** Smallest group judged for extreme values. */
  extremeMinSize: 5,
  /** Heavy skew: |skewness| above this ... */
  skewness: 2,
  /** ... in a group of at least this many values. */
  skewnessMinSize: 10,
  /** Spreads differ: Brown-Forsythe p below this ... */
  alpha: 0.05,
  /** ... or the largest variance over the smallest above this. */
  varianceRatio: 4,
  /** Unbalanced: the largest size over the smallest above this. */
  sizeRatio: 1.5,
} as const;

/** What a report shows of each group. */
export interface GroupDescription {
  n: number;
  mean: number;
  median: number;
  /** Unbiased variance; absent for a group of one value. */
  variance?: number;
  /** Sample skewness g1 (scipy.stats.skew, bias=True); absent below 3 values or without spread. */
  skewness?: number;
  /** Values farther than 5 × 1.4826 MAD from the median (none when the MAD is 0). */
  extreme: number;
  /** Their share of the group's sum of squared deviations from its mean (0 without spread). */
  extremeShare: number;
}

export type Trusted = 'anova' | 'welch' | 'kruskal-wallis';

export type Rule =
  | 'dominant-values'
  | 'skewed'
  | 'unequal-variances'
  | 'unbalanced'
  | 'assumptions-hold'
  | 'welch-not-computable'
  | 'anova-not-computable'
  | 'nothing-computable';

export interface GroupComparison {
  groups: GroupDescription[];
  anova: OneWayAnova | NotComputable;
  welch: WelchAnova | NotComputable;
  kruskalWallis: KruskalWallis | NotComputable;
  brownForsythe: BrownForsythe | NotComputable;
  /** The test the report trusts ('none' only when all values are equal). */
  trusted: Trusted | 'none';
  rule: Rule;
  /** One line a report can print: the trusted test, its result, and why it was chosen. */
  reason: string;
  /** Absent when the options turned it off. */
  posthoc?: {
    trusted: 'tukey-hsd' | 'games-howell';
    tukey: Posthoc | NotComputable;
    gamesHowell: Posthoc;
  };
}

export interface CompareOptions {
  /** Group names, for the reason (a country, a segment). */
  labels?: readonly string[];
  /** Confidence of the post hoc intervals. @default 0.95 */
  confidence?: number;
  /** Run the pairwise comparisons (false skips them: the studentized range is the slow part). @default true */
  posthoc?: boolean;
}

/**
 * Compares the groups with all three tests and says which one the report trusts and why.
 * Throws GroupsInputError for fewer than 2 groups, an empty group or a non-finite value.
 *
 * @example
 * const c = compareGroups([revenueDe, revenueFr, revenueUs], { labels: ['DE', 'FR', 'US'] });
 * c.reason // "Kruskal-Wallis (H = 4.31, p = 0.23): in 'NL' 3 of 18 values lie more than 5 robust
 *           // standard deviations from the median and make up 83% of the variance, so means
 *           // hang on a few values; ranks do not." (the trap; classic ANOVA p = 2.1e-63)
 */
export function compareGroups(groups: Groups, options: CompareOptions = {}): GroupComparison {
  checkGroups(groups);
  const { labels } = options;
  const m = groups.map(moments);
  const groupsDescribed = groups.map((g, i) => describe(g, m[i]!));
  const anova = anovaFromMoments(m);
  const welch = welchFromMoments(m, labels);
  const kw = kruskalWallis(groups);
  const bf = brownForsythe(groups);
  const { trusted, rule, why } = choose(groupsDescribed, anova, welch, kw, bf, labels);
  const result: GroupComparison = {
    groups: groupsDescribed,
    anova,
    welch,
    kruskalWallis: kw,
    brownForsythe: bf,
    trusted,
    rule,
    reason: sentence(trusted, { anova, welch, 'kruskal-wallis': kw }, why),
  };
  if (options.posthoc === false) return result;
  const posthocOptions = { confidence: options.confidence, labels };
  return {
    ...result,
    posthoc: {
      trusted: trusted === 'anova' ? 'tukey-hsd' : 'games-howell',
      tukey: tukeyHsd(groups, posthocOptions),
      gamesHowell: gamesHowell(groups, posthocOptions),
    },
  };
}

function choose(
  groups: readonly GroupDescription[],
  anova: OneWayAnova | NotComputable,
  welch: WelchAnova | NotComputable,
  kw: KruskalWallis | NotComputable,
  bf: BrownForsythe | NotComputable,
  labels?: readonly string[],
): { trusted: Trusted | 'none'; rule: Rule; why: string } {
  if (!kw.computable) return { trusted: 'none', rule: 'nothing-computable', why: kw.reason };
  const name = (i: number): string => groupName(i, labels);

  // 1. A few values dominate.
  const dominated = argmax(groups, (g) =>
    g.n >= RULES.extremeMinSize && g.extremeShare > RULES.extremeShare ? g.extremeShare : undefined,
  );
  if (dominated >= 0) {
    const g = groups[dominated]!;
    const one = g.extreme === 1;
    return {
      trusted: 'kruskal-wallis',
      rule: 'dominant-values',
      why: `in ${name(dominated)} ${g.extreme} of ${g.n} values ${one ? 'lies' : 'lie'} more than ${RULES.extremeScale} robust standard deviations from the median and ${one ? 'makes' : 'make'} up ${formatShare(g.extremeShare)} of the variance, so means hang on a few values; ranks do not`,
    };
  }
  const skewed = argmax(groups, (g) =>
    g.n >= RULES.skewnessMinSize &&
    g.skewness !== undefined &&
    Math.abs(g.skewness) > RULES.skewness
      ? Math.abs(g.skewness)
      : undefined,
  );
  if (skewed >= 0)
    return {
      trusted: 'kruskal-wallis',
      rule: 'skewed',
      why: `values are heavily skewed (${name(skewed)}: skewness ${num(groups[skewed]!.skewness)}, beyond ±${RULES.skewness}), so means hang on the extreme values; ranks do not`,
    };

  // 2 and 3. Spreads differ, or sizes are unbalanced.
  const variances = groups.flatMap((g) => (g.variance !== undefined ? [g.variance] : []));
  const ratio = Math.max(...variances) / Math.min(...variances);
  const sizes = groups.map((g) => g.n);
  const sizeRatio = Math.max(...sizes) / Math.min(...sizes);
  const spreadsDiffer = (bf.computable && bf.p < RULES.alpha) || !(ratio <= RULES.varianceRatio);
  const spreads = `Brown-Forsythe ${bf.computable ? formatP(bf.p) : 'not computable'}, largest/smallest variance ${num(ratio)}`;
  let why: string | undefined;
  let rule: Rule | undefined;
  if (spreadsDiffer) {
    rule = 'unequal-variances';
    why = `group variances differ (${spreads}; bounds p < ${RULES.alpha} or ratio > ${RULES.varianceRatio}), which the classic F test assumes away`;
  } else if (sizeRatio > RULES.sizeRatio) {
    rule = 'unbalanced';
    why = `group sizes are unbalanced (${Math.min(...sizes)} to ${Math.max(...sizes)}), where the classic F test is thrown off by any difference in spread`;
  }
  if (rule && why) {
    if (welch.computable) return { trusted: 'welch', rule, why };
    return {
      trusted: 'kruskal-wallis',
      rule: 'welch-not-computable',
      why: `${why}, and Welch's test is not computable (${welch.reason})`,
    };
  }

  // 4. Nothing against the classic ANOVA.
  if (!anova.computable)
    return { trusted: 'kruskal-wallis', rule: 'anova-not-computable', why: anova.reason };
  return {
    trusted: 'anova',
    rule: 'assumptions-hold',
    why: `spreads are similar (${spreads}), sizes balanced (${Math.min(...sizes)} to ${Math.max(...sizes)}) and no few values dominate`,
  };
}

function sentence(
  trusted: Trusted | 'none',
  tests: Record<Trusted, OneWayAnova | WelchAnova | KruskalWallis | NotComputable>,
  why: string,
): string {
  if (trusted === 'none') return `No test is computable (${why}).`;
  const t = tests[trusted];
  if (!t.computable) return `No test is computable (${t.reason}).`;
  const result =
    t.test === 'anova'
      ? `Classic ANOVA (F = ${num(t.f)}, ${formatP(t.p)})`
      : t.test === 'welch'
        ? `Welch's ANOVA (F = ${num(t.f)}, df = ${formatNumber(t.df1)}, ${formatNumber(t.df2)}, ${formatP(t.p)})`
        : `Kruskal-Wallis (H = ${num(t.h)}, ${formatP(t.p)})`;
  return `${result}: ${why}.`;
}

/** A number for a sentence; ∞ for an infinite F or variance ratio. */
function num(x: number | undefined): string {
  return x === Infinity ? '∞' : formatNumber(x);
}

/**
 * A p-value for a sentence, "p = " included: 2 significant digits, powers of ten below
 * 0.001, and "p < 1e-300" for one that underflowed to 0.
 *
 * @example formatP(2.12e-63) // "p = 2.1e-63"
 */
export function formatP(p: number): string {
  if (p === 0) return 'p < 1e-300';
  if (p < 0.001) return `p = ${p.toExponential(1).replace('.0e', 'e')}`;
  return `p = ${Number(p.toPrecision(2))}`;
}

/** The index whose score is largest among those with one; -1 when none has. */
function argmax<T>(items: readonly T[], score: (item: T) => number | undefined): number {
  let best = -1;
  let bestScore = -Infinity;
  items.forEach((item, i) => {
    const s = score(item);
    if (s !== undefined && s > bestScore) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}

function describe(values: readonly number[], m: ReturnType<typeof moments>): GroupDescription {
  const xs = sorted(values);
  const median = quantileSorted(xs, 0.5);
  const mad = quantileSorted(sorted(values.map((v) => Math.abs(v - median))), 0.5);
  const limit = RULES.extremeScale * MAD_SCALE * mad;
  let extreme = 0;
  let extremeSs = 0;
  let cubes = 0;
  for (const v of values) {
    const d = v - m.mean;
    cubes += d * d * d;
    if (mad > 0 && Math.abs(v - median) > limit) {
      extreme++;
      extremeSs += d * d;
    }
  }
  const g1 = (Math.sqrt(m.n) * cubes) / m.ss ** 1.5;
  // Cubed deviations beyond about 5e102 overflow: then no skewness, rather than ∞ or NaN.
  const skewness = m.n >= 3 && m.ss > 0 && Number.isFinite(g1) ? g1 : undefined;
  return {
    n: m.n,
    mean: m.mean,
    median,
    ...(m.n > 1 ? { variance: m.variance } : {}),
    ...(skewness !== undefined ? { skewness } : {}),
    extreme,
    extremeShare: m.ss > 0 ? Math.min(1, extremeSs / m.ss) : 0,
  };
}
