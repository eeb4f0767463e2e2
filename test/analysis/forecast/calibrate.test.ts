import { describe, expect, it } from 'vitest';
import type { OriginResult } from '#analysis/forecast/backtest.ts';
import {
  applyCalibration,
  calibrationFrom,
  empiricalQuantile,
} from '#analysis/forecast/calibrate.ts';
import { normalIntervals } from '#analysis/forecast/forecaster.ts';

/** One origin whose forecast is 0 with unit standard error and the given outcomes. */
const origin = (actual: number[]): OriginResult => ({
  k: 1,
  trainEnd: 10,
  forecast: normalIntervals(
    actual.map(() => 0),
    actual.map(() => 1),
  ),
  actual,
  mase: NaN,
  smape: NaN,
});

describe('conformal calibration of intervals', () => {
  it('takes the ceil(n q)-th smallest value', () => {
    const values = Array.from({ length: 9 }, (_, i) => 9 - i);
    expect(empiricalQuantile(values, 0.8)).toBe(8);
    expect(empiricalQuantile(values, 0.5)).toBe(5);
    expect(empiricalQuantile(values, 0.95)).toBe(9);
    expect(empiricalQuantile([], 0.8)).toBeUndefined();
  });

  it('widens bands whose backtest errors were larger than the model said', () => {
    // Errors of 2 standard errors at every point: the 80% band (half-width 1.28) must double
    // and a bit, to 2 / 1.28; the 95% band to 2 / 1.96.
    const cal = calibrationFrom([origin(new Array<number>(20).fill(2))]);
    expect(cal.points).toBe(20);
    expect(cal.factor[80]).toBeCloseTo(2 / 1.2815515655446004, 12);
    expect(cal.factor[95]).toBeCloseTo(2 / 1.959963984540054, 12);
    const f = applyCalibration(normalIntervals([10], [1]), cal);
    expect(f.upper[80][0]).toBeCloseTo(12, 12);
    expect(f.lower[95][0]).toBeCloseTo(8, 12);
  });

  it('narrows bands that were too wide, and never puts the 95% band inside the 80% one', () => {
    const errors = Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.1 : -0.1) * (1 + (i % 5)));
    const cal = calibrationFrom([origin(errors)]);
    expect(cal.factor[80]).toBeLessThan(1);
    const f = applyCalibration(normalIntervals([0, 0], [1, 2]), cal);
    expect(f.upper[95][1]!).toBeGreaterThanOrEqual(f.upper[80][1]!);
    expect(f.upper[80][1]! / f.upper[80][0]!).toBeCloseTo(2, 12);
  });

  it('keeps the analytical bands with too few scored points, and skips unscored ones', () => {
    const cal = calibrationFrom([origin([NaN, NaN, 3])]);
    expect(cal.points).toBe(1);
    expect(cal.factor).toEqual({ 80: 1, 95: 1 });
    // 12 points: enough for the 80% band, not for the 95% one.
    const some = calibrationFrom([origin(new Array<number>(12).fill(3))]);
    expect(some.factor[80]).toBeCloseTo(3 / 1.2815515655446004, 12);
    expect(some.factor[95]).toBe(1);
  });
});
