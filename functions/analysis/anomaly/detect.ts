import { SEASONAL_PERIOD, type RegularSeries } from '#analysis/forecast/series.ts';
import { seasonalMedianBaseline } from './baseline.ts';
import { groupIncidents } from './incidents.ts';
import { levelShifts } from './level-shift.ts';
import { DEFAULT_THRESHOLD, pointAnomalies } from './points.ts';
import type { AnomalyFlag, Incident } from './types.ts';

/**
 * Anomalies of one regular series (see `series.ts`): points far from a robust seasonal
 * baseline (`baseline.ts`, `points.ts`) and lasting level shifts (`level-shift.ts`),
 * grouped into incidents (`incidents.ts`).
 */

/** Fewer points than this: not enough to tell odd from usual. */
export const MIN_POINTS = 10;

export interface DetectOptions {
  /** MAD z-score cut-off; default 3.5. */
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
  /** The noise scale: 1.4826 MAD of the remainder. */
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
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const baseline = seasonalMedianBaseline(s.values, m);
  const points = pointAnomalies(s.values, s.dates, baseline, {
    threshold,
    observed: s.observed,
  });
  let tests = points.tests;
  let shifts: AnomalyFlag[] = [];
  const window = Math.max(7, 2 * Math.min(m, 7));
  if (options.levelShifts !== false && n >= 2 * window) {
    const deseasonalised = s.values.map((v, i) => v - baseline.seasonal[i]!);
    // Said at the point where the new level starts: its value, and the old level there.
    shifts = levelShifts(deseasonalised, s.dates, points.scale, { window, threshold }).map((f) => {
      const seasonal = baseline.seasonal[f.index]!;
      return {
        ...f,
        value: s.values[f.index]!,
        expected: f.expected + seasonal,
        lower: f.lower + seasonal,
        upper: f.upper + seasonal,
      };
    });
    tests += n - 2 * window + 1;
  }
  const flags = [...points.flags, ...shifts].sort(
    (a, b) => a.index - b.index || a.method.localeCompare(b.method),
  );
  return {
    series_id: s.id,
    frequency: s.frequency,
    period: m,
    points: n,
    tests,
    scale: points.scale,
    flags,
    incidents: groupIncidents(flags),
    notes,
  };
}
