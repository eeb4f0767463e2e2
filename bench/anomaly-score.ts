/**
 * The scoring of `npm run bench:anomaly`, pure: flags of one series against the dates of its
 * planted anomalies, point by point, and the IQR baseline it is compared with.
 *
 * Points, not incidents: each planted date is one positive; each distinct flagged date is
 * one flag (a date flagged twice, say as a point and as the start of a level shift, counts
 * once). A flag is a true positive when its date is a planted date of that series; any other
 * flag is a false positive, however defensible (it is listed, so a reader can judge).
 */
import { iqrFences } from '#analysis/iqr.ts';
import { quantileSorted } from '#demo/iqr-fences.ts';

/** One flagged point, as the scorer sees it. */
export interface PointFlag {
  /** ISO date `YYYY-MM-DD` of the flagged point. */
  date: string;
  /** What flagged it: `seasonal-mad`, `level-shift`, `iqr`. */
  method: string;
  value: number;
  /** The value the method expected there (for IQR: the median). */
  expected: number;
  /** The method's own score (ours: robust z), when it has one. */
  score?: number;
}

/** A flagged date, with every method that flagged it (the first flag's numbers). */
export interface DateFlag {
  date: string;
  methods: string[];
  value: number;
  expected: number;
  score?: number;
}

export interface PointScore {
  /** Distinct planted dates. */
  planted: number;
  /** Distinct flagged dates. */
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** truePositives / flagged; null when nothing was flagged. */
  precision: number | null;
  /** truePositives / planted; null when nothing was planted. */
  recall: number | null;
  /** Planted dates that no flag hit. */
  missed: string[];
  /** Flagged planted dates (true positives). */
  hits: DateFlag[];
  /** Flagged dates not planted (false positives). */
  unplanted: DateFlag[];
}

/**
 * @example
 * scorePoints(['2024-01-05'], [
 *   { date: '2024-01-05', method: 'seasonal-mad', value: 30, expected: 10 },
 *   { date: '2024-02-01', method: 'seasonal-mad', value: 1, expected: 10 },
 * ]); // precision 0.5, recall 1, unplanted: 2024-02-01
 */
export function scorePoints(
  plantedDates: readonly string[],
  flags: readonly PointFlag[],
): PointScore {
  const planted = new Set(plantedDates);
  const byDate = new Map<string, PointFlag[]>();
  for (const f of flags) {
    const same = byDate.get(f.date);
    if (same) same.push(f);
    else byDate.set(f.date, [f]);
  }
  const dates = [...byDate.keys()].sort();
  const dateFlag = (date: string): DateFlag => {
    const same = byDate.get(date)!;
    const { value, expected, score } = same[0]!;
    return {
      date,
      methods: [...new Set(same.map((f) => f.method))],
      value,
      expected,
      ...(score !== undefined ? { score } : {}),
    };
  };
  const hits = dates.filter((d) => planted.has(d)).map(dateFlag);
  const unplanted = dates.filter((d) => !planted.has(d)).map(dateFlag);
  return {
    planted: planted.size,
    flagged: dates.length,
    truePositives: hits.length,
    falsePositives: unplanted.length,
    falseNegatives: planted.size - hits.length,
    precision: ratio(hits.length, dates.length),
    recall: ratio(hits.length, planted.size),
    missed: [...planted].filter((d) => !byDate.has(d)).sort(),
    hits,
    unplanted,
  };
}

export interface PooledScore {
  planted: number;
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Pooled (micro): all true positives over all flags. */
  precision: number | null;
  /** Pooled (micro): all true positives over all planted points. */
  recall: number | null;
}

/** Scores of several series pooled by summing their counts (micro averages). */
export function poolScores(scores: readonly PointScore[]): PooledScore {
  const sum = (key: 'planted' | 'flagged' | 'truePositives' | 'falsePositives') =>
    scores.reduce((a, s) => a + s[key], 0);
  const planted = sum('planted');
  const flagged = sum('flagged');
  const truePositives = sum('truePositives');
  return {
    planted,
    flagged,
    truePositives,
    falsePositives: sum('falsePositives'),
    falseNegatives: planted - truePositives,
    precision: ratio(truePositives, flagged),
    recall: ratio(truePositives, planted),
  };
}

/**
 * The baseline: Tukey's fences (`k` = 1.5 IQR, type-7 quartiles as the report's
 * `quantile_cont`) on the observed values of a column, no seasonality, no order. A value
 * strictly outside a fence is flagged, as the report's rule does; an IQR of 0 flags nothing
 * (as the report skips such a measure).
 *
 * @example
 * iqrPointFlags(['d1', 'd2', 'd3', 'd4', 'd5'], [1, 2, 3, 4, 100]); // d5 only
 */
export function iqrPointFlags(
  dates: readonly string[],
  values: readonly number[],
  observed?: readonly boolean[],
  k = 1.5,
): { flags: PointFlag[]; tests: number } {
  const kept = values
    .map((value, i) => ({ date: dates[i]!, value, observed: observed?.[i] ?? true }))
    .filter((p) => p.observed && Number.isFinite(p.value));
  if (kept.length === 0) return { flags: [], tests: 0 };
  const sorted = kept.map((p) => p.value).sort((a, b) => a - b);
  const fences = iqrFences(quantileSorted(sorted, 0.25), quantileSorted(sorted, 0.75), k);
  if (fences.iqr === 0) return { flags: [], tests: kept.length };
  const median = quantileSorted(sorted, 0.5);
  return {
    flags: kept
      .filter((p) => p.value < fences.low || p.value > fences.high)
      .map((p) => ({ date: p.date, method: 'iqr', value: p.value, expected: median })),
    tests: kept.length,
  };
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}
