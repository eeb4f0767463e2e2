/**
 * Robust location and scale: the median, the median absolute deviation (MAD), and a scale
 * for z-scores |x - median| / scale in the manner of Iglewicz and Hoaglin's MAD z-score,
 * which a few outliers cannot inflate the way they inflate a standard deviation.
 */

/** 1 / qnorm(0.75): makes the MAD estimate the standard deviation of normal data. */
export const MAD_SCALE = 1.4826;

/** sqrt(pi / 2): makes the mean absolute deviation estimate the standard deviation of normal data. */
const MEAN_AD_SCALE = 1.2533141373155;

/** The median of the finite values; NaN when there is none. */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** The median absolute deviation from `center` (the median by default), unscaled. */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

export interface RobustScale {
  center: number;
  /** An estimate of the standard deviation; 0 only when every value equals the center. */
  scale: number;
}

/**
 * Center (median) and scale. The scale starts as 1.4826 MAD and is refined into Tukey's
 * biweight midvariance (c = 9), which is as robust (outliers beyond 9 MADs get no weight)
 * but far less variable than the MAD (efficiency about 87% against 37% for normal data), so
 * the z-scores of a few hundred points do not swing with the luck of the sample. When more
 * than half the values equal the median the MAD is 0; the scale then falls back to 1.2533
 * times the mean absolute deviation, so a series that is flat but for a few points still
 * has a scale (and those points a score).
 */
export function robustScale(values: readonly number[]): RobustScale {
  const xs = values.filter(Number.isFinite);
  const center = median(xs);
  const m = mad(xs, center);
  // A MAD below the rounding of the largest deviation (1e-323 beside 1) is 0: dividing by it
  // would make scores of 1e308 and beyond.
  const largest = xs.reduce((a, v) => Math.max(a, Math.abs(v - center)), 0);
  if (!(m > Number.EPSILON * largest)) {
    const meanAd = xs.length > 0 ? xs.reduce((s, v) => s + Math.abs(v - center), 0) / xs.length : 0;
    const scale = MEAN_AD_SCALE * meanAd;
    return { center, scale: Number.isFinite(scale) ? scale : 0 };
  }
  return { center, scale: biweightScale(xs, center, m) ?? MAD_SCALE * m };
}

/** sqrt of Tukey's biweight midvariance about `center`, from the MAD `m`; undefined if degenerate. */
export function biweightScale(
  xs: readonly number[],
  center: number,
  m: number,
): number | undefined {
  let num = 0;
  let den = 0;
  for (const x of xs) {
    const u = (x - center) / (9 * m);
    if (Math.abs(u) >= 1) continue;
    const u2 = u * u;
    num += (x - center) ** 2 * (1 - u2) ** 4;
    den += (1 - u2) * (1 - 5 * u2);
  }
  const s = Math.sqrt((xs.length * num) / (den * den));
  return Number.isFinite(s) && s > 0 ? s : undefined;
}

/**
 * The median of each centred window of `width` points (odd), truncated at the ends; with
 * `leaveOneOut`, of the window without its centre, so that no point is its own median (a
 * running median otherwise equals the point itself at many places, which piles remainders
 * at exactly 0 and shrinks their MAD below the noise's real spread). Of the two middle
 * values left, the one nearer the full window's median is taken, which keeps the running
 * median's edge at a step where the average of the two would cut it in half.
 */
export function rollingMedian(
  values: readonly number[],
  width: number,
  leaveOneOut = false,
): number[] {
  const q = Math.floor(width / 2);
  return values.map((_, i) => {
    const from = Math.max(0, i - q);
    const window = values.slice(from, Math.min(values.length, i + q + 1));
    if (!leaveOneOut || window.length < 3) return median(window);
    const full = median(window);
    window.splice(i - from, 1);
    const xs = window.filter(Number.isFinite).sort((a, b) => a - b);
    if (xs.length % 2 === 1) return xs[xs.length >> 1]!;
    const [lo, hi] = [xs[xs.length / 2 - 1]!, xs[xs.length / 2]!];
    return Math.abs(lo - full) <= Math.abs(hi - full) ? lo : hi;
  });
}

/** Fewer values than this on one side of the median: that side keeps the common scale. */
const MIN_SIDE = 20;

/**
 * One scale per side of the center (the "double MAD"): the common scale times the ratio of
 * the MAD of the values above (below) the center to the MAD of all. Business series are
 * skewed: sales jump up far more often than they fall, so one symmetric scale calls
 * ordinary busy days odd and hides real drops. For symmetric data both ratios are about 1
 * and nothing changes.
 */
export function sideScales(
  values: readonly number[],
  center: number,
  scale: number,
): { low: number; high: number } {
  const xs = values.filter(Number.isFinite);
  const all = mad(xs, center);
  const side = (keep: (d: number) => boolean) => {
    const deviations = xs.map((x) => x - center).filter((d) => keep(d));
    if (!(all > 0) || deviations.length < MIN_SIDE) return scale;
    const ratio = median(deviations.map(Math.abs)) / all;
    return ratio > Number.EPSILON ? scale * ratio : scale;
  };
  return { low: side((d) => d <= 0), high: side((d) => d >= 0) };
}
