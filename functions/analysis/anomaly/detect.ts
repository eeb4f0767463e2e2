import { SEASONAL_PERIOD, type RegularSeries } from '#analysis/forecast/series.ts';
import { seasonalMedianBaseline } from './baseline.ts';
import { groupIncidents } from './incidents.ts';
import { levelShifts } from './level-shift.ts';
import { pointAnomalies, thresholdFor } from './points.ts';
import type { AnomalyFlag, Incident } from './types.ts';
import { toJudgedScale, type ScaledValues, type ValueScale } from './value-scale.ts';

/**
 * Anomalies of one regular series (see `series.ts`): points far from a robust seasonal
 * baseline (`baseline.ts`, `points.ts`) and lasting level shifts (`level-shift.ts`),
 * grouped into incidents (`incidents.ts`). Positive series are judged on the log scale
 * (`value-scale.ts`); flags are given back in the series' own units.
 */

/** Fewer points than this: not enough to tell odd from usual. */
export const MIN_POINTS = 10;

/** Series with larger values are not judged: their squares and bounds overflow. */
const MAX_MAGNITUDE = 1e150;

export interface DetectOptions {
  /** MAD z-score cut-off; default `thresholdFor` the points tested (3.5 or more). */
  threshold?: number;
  /** Seasonal period; default the frequency's (7, 52, 12), dropped below three seasons. */
  period?: number;
  /** Test for level shifts; default true. */
  levelShifts?: boolean;
}

export interface SeriesAnomalies {
  series_id: string;
  frequency: string;
  period: number;
  points: number;
  /** Points tested (observed ones) and level-shift positions tested. */
  tests: number;
  /** The robust z-score beyond which a point is flagged. */
  threshold: number;
  /** The scale the series was judged on: `log` (ratios to the expected value) or `linear`. */
  valueScale: ValueScale;
  /** The noise scale on that scale: the robust standard deviation of the remainder. */
  scale: number;
  flags: AnomalyFlag[];
  incidents: Incident[];
  notes: string[];
}

export function detectAnomalies(s: RegularSeries, options: DetectOptions = {}): SeriesAnomalies {
  const n = s.values.length;
  const notes: string[] = [];
  if (n < MIN_POINTS) throw new Error(`${n} points, need ${MIN_POINTS}`);
  let m = options.period ?? SEASONAL_PERIOD[s.frequency];
  if (m > 1 && n < 3 * m) {
    notes.push(`shorter than three seasons (${3 * m} points): no seasonality in the baseline`);
    m = 1;
  }
  const largest = s.values.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  if (largest > MAX_MAGNITUDE) {
    // Squares of such values overflow, and bounds 3.5 scales away from them: nothing judged.
    notes.push(
      `values up to ${largest.toPrecision(3)} are too large to judge (more than ${MAX_MAGNITUDE}): no point tested`,
    );
    return {
      series_id: s.id,
      frequency: s.frequency,
      period: m,
      points: n,
      tests: 0,
      threshold: options.threshold ?? thresholdFor(0),
      valueScale: 'linear',
      scale: 0,
      flags: [],
      incidents: [],
      notes,
    };
  }
  const judged = toJudgedScale(s.values, s.observed, s.dates, m);
  notes.push(...judged.notes);
  const tested = s.observed.filter(Boolean).length;
  const threshold = options.threshold ?? thresholdFor(tested);
  const baseline = seasonalMedianBaseline(judged.values, m);
  const points = pointAnomalies(judged.values, s.dates, baseline, {
    threshold,
    observed: s.observed,
    ...(isCounts(s)
      ? { minScales: (i: number) => poissonScales(judged, baseline.expected[i]!, threshold) }
      : {}),
  });
  let tests = points.tests;
  let shifts: AnomalyFlag[] = [];
  const window = Math.max(7, 2 * Math.min(m, 7));
  if (options.levelShifts !== false && n >= 2 * window) {
    const deseasonalised = judged.values.map((v, i) => v - baseline.seasonal[i]!);
    // Said at the point where the new level starts: the old level there, with its season.
    shifts = levelShifts(deseasonalised, s.dates, points.scale, { window, threshold }).map((f) => {
      // A shift found to start on a filled gap starts at the next observed point: a flag
      // names data, never the interpolation (the last point is always observed).
      let index = f.index;
      while (!s.observed[index] && index + 1 < n) index++;
      const seasonal = baseline.seasonal[index]!;
      return {
        ...f,
        index,
        timestamp: s.dates[index]!,
        expected: f.expected + seasonal,
        lower: f.lower + seasonal,
        upper: f.upper + seasonal,
      };
    });
    tests += n - 2 * window + 1;
  }
  // Back to the series' own units: the value as it was, the rest through the inverse.
  const inUnits = (f: AnomalyFlag): AnomalyFlag => ({
    ...f,
    value: s.values[f.index]!,
    expected: judged.invert(f.expected),
    lower: judged.invert(f.lower),
    upper: judged.invert(f.upper),
  });
  const flags = [...points.flags, ...shifts]
    .map(inUnits)
    .sort((a, b) => a.index - b.index || a.method.localeCompare(b.method));
  return {
    series_id: s.id,
    frequency: s.frequency,
    period: m,
    points: n,
    tests,
    threshold,
    valueScale: judged.scale,
    scale: points.scale,
    flags,
    incidents: groupIncidents(flags),
    notes,
  };
}

/** Every observed value a whole number, none negative: counts (events, units). */
function isCounts(s: RegularSeries): boolean {
  return s.values.every((v, i) => !s.observed[i] || (Number.isInteger(v) && v >= 0));
}

/**
 * The least noise scales, below and above, of a count expected at `expected` (on the judged
 * scale): those that make the usual range at least lambda -+ threshold sqrt(lambda) in counts,
 * the range of a count of independent events (Poisson, normal approximation; lambda at least
 * 1), whatever the judged scale. Counts cannot vary by less than whole events, and the robust
 * scale of small counts can come out far smaller (most days within one event of their median),
 * which would make 3 events where 4 were expected look odd.
 */
function poissonScales(
  judged: ScaledValues,
  expected: number,
  threshold: number,
): { low: number; high: number } {
  const lambda = Math.max(0, judged.invert(expected));
  const reach = threshold * Math.sqrt(Math.max(1, lambda));
  const at = judged.forward(lambda);
  return {
    low: (at - judged.forward(Math.max(0, lambda - reach))) / threshold,
    high: (judged.forward(lambda + reach) - at) / threshold,
  };
}
